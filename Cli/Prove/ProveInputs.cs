using Verified.Manifests;
using Verified.Proofs;
using Verified.Proofs.Manifests;

namespace Verified.Cli.Prove;

/// <summary>The obligations `verified prove` runs: the catalogue, plus each manifest's, then the filter.</summary>
internal static class ProveInputs
{
    /// <summary>Null (after printing every manifest's diagnostics to <paramref name="stderr"/>) when a manifest is bad.</summary>
    public static IReadOnlyList<ProofObligation>? Manifests(IReadOnlyList<string> files, TextWriter stderr)
    {
        var obligations = new List<ProofObligation>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var file in files)
        {
            switch (ManifestParser.ParseFile(file))
            {
                case ManifestParseResult.Parsed parsed when names.TryGetValue(parsed.Manifest.Name, out var other):
                    stderr.WriteLine($"{file}: error: the manifest name `{parsed.Manifest.Name}` is also the name of {other}; obligation names must be unique, so rename one");
                    ok = false;
                    break;
                case ManifestParseResult.Parsed parsed:
                    names[parsed.Manifest.Name] = file;
                    obligations.AddRange(ManifestObligations.For(parsed.Manifest));
                    break;
                case ManifestParseResult.Failed failed:
                    stderr.WriteLine(failed.ToString());
                    ok = false;
                    break;
            }
        }

        return ok ? obligations : null;
    }

    public static IReadOnlyList<ProofObligation> Select(IReadOnlyList<ProofObligation> all, ObligationFilter filter) =>
        filter.Apply(all, o => o.Name);
}
