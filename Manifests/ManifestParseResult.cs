namespace Verified.Manifests;

/// <summary>The outcome of reading a manifest. Closed: parsed, or rejected with its diagnostics.</summary>
public abstract record ManifestParseResult
{
    private ManifestParseResult()
    {
    }

    public sealed record Parsed(BootManifest Manifest) : ManifestParseResult;

    /// <summary>At least one diagnostic, in file order.</summary>
    public sealed record Failed(EquatableList<ManifestDiagnostic> Diagnostics) : ManifestParseResult
    {
        /// <summary>One diagnostic per line, as printed to people.</summary>
        public override string ToString() => string.Join(Environment.NewLine, Diagnostics);
    }
}
