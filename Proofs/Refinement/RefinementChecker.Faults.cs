using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Spec;
using Verified.Spec.Kernel;
using KernelImpl = Verified.Kernel.Kernel;
using KTaskState = Verified.Kernel.Objects.TaskState;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Faults (an unknown syscall number, a CPU fault taken by the run loop) compared with task.crash.
/// The run loop's faults are seen through <see cref="IFaultObserver"/> (the kernel calls it around
/// <see cref="KernelImpl.RaiseFault"/>), each a step of its own, checked as a syscall is:
/// abstract pre-state, task.crash, abstract post-state, invariants.
/// </summary>
public sealed partial class RefinementChecker : IFaultObserver
{
    /// <summary>Steps that were faults the run loop raised (the rest are syscalls).</summary>
    public int CpuFaultCount { get; private set; }

    /// <summary>Steps that were syscalls.</summary>
    public int SyscallStepCount => steps.Count - CpuFaultCount;

    public void BeforeFault(KernelImpl kernel, TaskObject task, FaultKind kind, ulong address, ulong code)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(task);
        lock (eval)
        {
            if (Violation is not null) return;
            var mark = Timings.Mark();
            PlantShortcuts();
            pre = abstraction.Abstract(kernel, ids);
            mark = Timings.Add(CheckerPhase.AbstractPre, mark);
            call = SyscallMapping.Crash(task, kind.ToString(), syscall: false);
            RecordTableOwners(kernel, call);
            Timings.Add(CheckerPhase.Decide, mark);
        }
    }

    public void AfterFault(KernelImpl kernel, TaskObject task, FaultKind kind, ulong address, ulong code)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(task);
        lock (eval) AfterCore(kernel, task, (long)kind, [address, code], KernelError.Ok, restarted: false, fault: true);
    }

    // A step's name in messages: the syscall, or the run loop's fault.
    private static string What(long number, bool fault) => fault ? $"the {(FaultKind)number} fault" : Describe(number);

    /// <summary>
    /// task.crash of the faulting task. Its result <c>delivered</c> (the fault endpoint is live and
    /// of the generation recorded when it was set) must be what the kernel did: sent the fault
    /// message (read from the kernel: the task waits on an endpoint with a fault message) or stopped
    /// the task (Inactive). The spec's Faulted state is shown as the abstraction can (D12), and then
    /// the kernel's post-state must equal it exactly — or, for a stopped task, equal it after one
    /// cap.delete of the capability it had queued in IPC (its ghost in-flight slot, as JudgeSuspend).
    /// </summary>
    private (StepVerdict, StepNote, RefinementViolation?) JudgeCrash(SpecCall.Crash c, ConcreteState before, ConcreteState after, KernelError status)
    {
        var label = StepNote.Later(() => $"task.crash(t={c.Task}) for {c.Fault}");
        if (c.Syscall && status != KernelError.UnknownSyscall)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "task.crash.status",
                $"{label}: an unknown syscall number must return UnknownSyscall, the kernel gives {status}", before, after));
        }

        var step = eval.Step("task.crash", before, new SpecArgs(("t", c.Task)));
        if (!step.Ok)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "task.crash.status",
                $"{label}: the spec refuses ({step.Error}): the faulting task is not Runnable in the abstract pre-state", before, after));
        }

        var delivered = step.Results["delivered"] is BoolValue { Value: true };
        var expected = Normalized(step, before);
        var shown = Divergences.FaultedAs(expected, c.Task, delivered);
        var sent = KernelSentFault(c.TaskId);
        if (sent != delivered)
        {
            var did = sent switch { true => "sent the fault message", false => "stopped the task", _ => "neither sent the fault message nor stopped the task" };
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "task.crash.delivered",
                $"{label}: the spec's delivered is {(delivered ? "true" : "false")} (fault endpoint {before.Map("TaskFaultEp").Select(c.Task)}, recorded generation {before.Map("TaskFaultGen").Select(c.Task)}), the kernel {did}", shown, after));
        }

        var note = StepNote.Later(() => $"{label} -> delivered={delivered}: {Divergences.FaultedTask}");
        if (shown.Equals(after)) return (StepVerdict.Divergence, note, null);

        // A capability the stopped task had queued in IPC is deleted (its in-flight slot, and only that one).
        var ghost = InFlight.GhostSlot(c.TaskId);
        if (!delivered && expected.Map("SlotFull").Select(ghost) is BoolValue { Value: true })
        {
            var del = eval.Step("cap.delete", expected, new SpecArgs(("slot", ghost)));
            if (del.Ok && Divergences.FaultedAs(Normalized(del, expected), c.Task, delivered) is var deleted && deleted.Equals(after))
            {
                return (StepVerdict.Divergence, StepNote.Later(() => $"{label} + cap.delete of its queued capability -> delivered=false: {Divergences.FaultedTask}"), null);
            }
        }

        return (StepVerdict.Violation, "", StateMismatch("task.crash", $"{label} (delivered={delivered}; the task shown {(delivered ? "Runnable" : "Inactive")}, D12)", shown, after));
    }

    /// <summary>
    /// What the kernel did with the fault, read from its post-state (the abstraction shows a task
    /// waiting on its fault endpoint and one left running alike, as Runnable): true when the task
    /// waits with a fault message (queued to send it, or called and waiting for the reply), false
    /// when it is stopped (Inactive), null otherwise (the fault was ignored or the task is gone).
    /// </summary>
    private bool? KernelSentFault(int task)
    {
        if (judging is not { } k || k.Objects[task] is not TaskObject { IsLive: true } t) return null;
        return t.State switch
        {
            KTaskState.Inactive => false,
            KTaskState.BlockedOnSend or KTaskState.BlockedOnReply when t.MessageIsFault => true,
            _ => null,
        };
    }
}
