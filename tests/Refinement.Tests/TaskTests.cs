using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>Task resume compared with task.create (a task configured with a fault endpoint), and divergence D9.</summary>
public sealed class TaskTests(ITestOutputHelper output)
{
    /// <summary>A new task in root slot 9, configured with endpoint 3 as its fault endpoint (or none), not yet resumed.</summary>
    private static (Workload W, TaskObject Root, ulong Slot) NewTask(bool faultEndpoint)
    {
        var w = new Workload(null, check: true);
        var root = w.Tasks[0];
        var first = (ulong)w.Booted.FirstFreeSlot;
        var untyped = w.Checker!.Steps[0].Args[0];
        w.Kernel.Syscall(root, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Task, 0, AbiConstants.SlotRootCNode, first + 9, 1).Status.ShouldBe(KernelError.Ok);
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first + 9, AbiConstants.SlotRootCNode, faultEndpoint ? first + 3 : AbiConstants.NoCap, 100, AbiConstants.NoCap).Status.ShouldBe(KernelError.Ok);
        return (w, root, first + 9);
    }

    [Fact]
    public void Resume_of_a_task_with_a_fault_endpoint_is_task_create()
    {
        var (w, root, slot) = NewTask(faultEndpoint: true);
        w.Kernel.Syscall(root, SyscallNumber.TaskResume, slot).Status.ShouldBe(KernelError.Ok);
        w.Checker!.Violation.ShouldBeNull();
        output.WriteLine(w.Checker.Steps[^1].Note);
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        w.Checker.Steps[^1].Note.ShouldStartWith("task.create(");
        // Resuming it again is a no-op for the kernel; task.create refuses a running task: D9.
        w.Kernel.Syscall(root, SyscallNumber.TaskResume, slot).Status.ShouldBe(KernelError.Ok);
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
    }

    [Fact]
    public void Resume_of_a_task_without_a_fault_endpoint_is_divergence_D9()
    {
        var (w, root, slot) = NewTask(faultEndpoint: false);
        w.Kernel.Syscall(root, SyscallNumber.TaskResume, slot).Status.ShouldBe(KernelError.Ok);
        w.Checker!.Violation.ShouldBeNull();
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
        w.Checker.Steps[^1].Note.ShouldContain("D9");
    }

    [Fact]
    public void A_resume_that_leaves_the_task_inactive_is_a_violation()
    {
        var (w, root, slot) = NewTask(faultEndpoint: true);
        var step = WrongKernel.Step(w, root, SyscallNumber.TaskResume, [slot, 0, 0, 0, 0, 0], KernelError.Ok);
        output.WriteLine(step.Note);
        step.Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker!.Violation.ShouldNotBeNull().Clause.ShouldBe("task.create.state");
    }

    [Fact]
    public void A_resume_refused_with_the_wrong_status_is_a_violation()
    {
        var (w, root, slot) = NewTask(faultEndpoint: true);
        // Slot 5 holds a notification: the lookup gives InvalidCapability, not InsufficientRights.
        var step = WrongKernel.Step(w, root, SyscallNumber.TaskResume, [slot - 4, 0, 0, 0, 0, 0], KernelError.InsufficientRights);
        step.Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker!.Violation.ShouldNotBeNull().Clause.ShouldBe("task.create.status");
    }
}
