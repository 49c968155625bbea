using Verified.Proofs.Kernel;

namespace Verified.Proofs;

/// <summary>Registers the kernel specification's obligations in the catalogue `verified prove` runs.</summary>
public static partial class ObligationCatalogue
{
    static partial void AddKernelObligations(List<ProofObligation> into) => into.AddRange(KernelObligations.All());
}
