namespace Verified.Manifests;

/// <summary>
/// One problem found in a manifest: where, and a message that says what is wrong and what to
/// write instead. Manifests are untrusted input; every rejection is one of these, never an exception.
/// </summary>
public sealed record ManifestDiagnostic(string Source, SourceLocation Location, string Message)
{
    /// <summary>`file:line:column: error: message`, the shape compilers use, so editors can jump to it.</summary>
    public override string ToString() =>
        Location == SourceLocation.None ? $"{Source}: error: {Message}" : $"{Source}:{Location.Line}:{Location.Column}: error: {Message}";
}
