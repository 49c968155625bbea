using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Every check of a spec operation that fails on a state, not only the first. The spec's check
/// order is not part of the kernel's contract (seL4 and this kernel decode in their own order),
/// so a refused call agrees when the kernel's error maps to any failing check.
/// </summary>
public static class FailingChecks
{
    public static IReadOnlyList<string> Of(KernelEval eval, string operation, ConcreteState state, IReadOnlyDictionary<string, Value> args)
    {
        ArgumentNullException.ThrowIfNull(eval);
        return eval.FailingChecks(operation, state, args);
    }
}
