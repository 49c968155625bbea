using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Proofs.Refinement;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Refinement.Tests;

/// <summary>
/// A kernel that gets one syscall wrong: the checker sees the syscall's arguments before, then
/// the kernel does <c>instead</c> (or nothing) in place of the syscall, and reports <c>status</c>.
/// So each compared syscall is seen to be judged a violation when its result is wrong.
/// </summary>
internal static class WrongKernel
{
    public static StepRecord Step(Workload w, TaskObject caller, SyscallNumber n, ulong[] args, KernelError status, Action<KernelImpl>? instead = null)
    {
        var k = w.Kernel;
        var checker = w.Checker!;
        checker.Before(k, caller, (long)n, args);
        k.Observer = null;
        k.FaultObserver = null; // a fault the replacement raises is part of this step too
        instead?.Invoke(k);
        k.Observer = checker;
        k.FaultObserver = checker;
        checker.After(k, caller, (long)n, args, status, restarted: false);
        return checker.Steps[^1];
    }

    /// <summary>
    /// A syscall no transition judges (the checker's test-only <see cref="RefinementChecker.UnjudgedNext"/>),
    /// in which the kernel does <paramref name="instead"/>: only the invariants and the cross-check see
    /// its change. Every kernel step has a transition (a fault, the last that had none, is task.crash),
    /// so the tests of those checks ask for one explicitly.
    /// </summary>
    public static StepRecord Unjudged(Workload w, TaskObject caller, Action<KernelImpl> instead)
    {
        w.Checker!.UnjudgedNext = true;
        return Step(w, caller, SyscallNumber.Null, [0, 0, 0, 0, 0, 0], KernelError.Ok, instead);
    }
}
