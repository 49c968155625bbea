using Verified.Manifests;

namespace Verified.Proofs.Manifests;

/// <summary>The obligations a manifest contributes to a run (today: its boot order).</summary>
public static class ManifestObligations
{
    public static IReadOnlyList<ProofObligation> For(BootManifest manifest) => [new BootOrderObligation(manifest)];
}
