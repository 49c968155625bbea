namespace Verified.Proofs;

/// <summary>
/// The one registry `verified prove` runs: the solver self-checks, then the kernel
/// specification's obligations. The kernel-spec code fills its part by implementing
/// <see cref="AddKernelObligations"/> in its own file (a partial method: without that file the
/// catalogue is the self-checks alone). Manifest obligations are not here: they come from the
/// files given on the command line (<see cref="Manifests.BootOrderObligation"/>).
/// </summary>
public static partial class ObligationCatalogue
{
    /// <summary>Every obligation, in a fixed order (reports and runs follow it). Built anew on each call.</summary>
    public static IReadOnlyList<ProofObligation> All
    {
        get
        {
            var all = new List<ProofObligation>(SelfCheckObligations.All);
            AddKernelObligations(all);
            return all;
        }
    }

    /// <summary>Implemented by the kernel specification (Proofs/Kernel/...): append its obligations to <paramref name="into"/>.</summary>
    static partial void AddKernelObligations(List<ProofObligation> into);
}
