using System.Collections.Immutable;
using Verified.Kernel.Abi;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>How one kernel transition fared against the spec.</summary>
public enum StepVerdict
{
    /// <summary>Spec transition evaluated; state and status equal; invariants hold.</summary>
    Checked,

    /// <summary>No spec transition (see <see cref="SyscallMapping.UnmodelledReasons"/>); invariants still checked on the post-state.</summary>
    Unmodelled,

    /// <summary>A documented, deliberate difference between kernel and spec (see <see cref="Divergences"/>); invariants still checked.</summary>
    Divergence,

    /// <summary>The kernel did what the spec does not allow, or broke an invariant.</summary>
    Violation,
}

/// <summary>One syscall as the checker saw it.</summary>
public sealed record StepRecord(int Index, int Task, long Number, ImmutableArray<ulong> Args, KernelError Status, bool Restarted, StepVerdict Verdict, string Note);

/// <summary>What disagreed: the property (refinement or an invariant), the clause, and the two abstract states.</summary>
public sealed record RefinementViolation(string Property, string Clause, string Message, ConcreteState? Expected, ConcreteState Actual);

/// <summary>Thrown by a checker in stop-on-violation mode (the kernel tests' mode).</summary>
public sealed class RefinementException(RefinementViolation violation, string trace)
    : Exception($"refinement violation: {violation.Property} / {violation.Clause}: {violation.Message}\n{trace}")
{
    public RefinementViolation Violation { get; } = violation;
}
