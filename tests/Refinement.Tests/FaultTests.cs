using Shouldly;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// Faults compared with task.crash (divergence D12: Faulted shows as Runnable when delivered, as
/// Inactive when not). Workload layout, root CNode from the first free slot: +0,+1 tasks t1, t2
/// (grant tables +6,+7, no fault endpoint), +3,+4 endpoints, +8,+9 free.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private const ulong Root = AbiConstants.SlotRootCNode;
    private const long Unknown = 999;

    private static (Workload W, TaskObject Root, TaskObject T1, ulong First) Start(PlantedFaults? faults = null)
    {
        var w = new Workload(faults, check: true);
        return (w, w.Tasks[0], w.Tasks[1], (ulong)w.Booted.FirstFreeSlot);
    }

    private StepRecord Last(Workload w)
    {
        var s = w.Checker!.Steps[^1];
        output.WriteLine($"{s.Verdict} {s.Status}: {s.Note}");
        return s;
    }

    // Configures t1 (keeping its grant table) with the endpoint at root slot first + 3 as its fault endpoint.
    private static void GiveFaultEndpoint(Workload w, ulong first) =>
        w.Kernel.Syscall(w.Tasks[0], SyscallNumber.TaskConfigure, first, Root, first + 3, 100, first + 6).Status.ShouldBe(KernelError.Ok);

    [Fact]
    public void A_fault_without_a_fault_endpoint_stops_the_task_and_is_task_crash_not_delivered()
    {
        var (w, _, t1, _) = Start();
        w.Kernel.Syscall(t1, Unknown).Status.ShouldBe(KernelError.UnknownSyscall);
        t1.State.ShouldBe(TaskState.Inactive);
        var s = Last(w);
        s.Verdict.ShouldBe(StepVerdict.Divergence);
        s.Note.ShouldContain("delivered=False");
        s.Note.ShouldContain("D12");
        w.Checker!.Violation.ShouldBeNull();
    }

    [Fact]
    public void A_fault_with_a_live_fault_endpoint_sends_the_message_and_is_task_crash_delivered()
    {
        var (w, root, t1, first) = Start();
        GiveFaultEndpoint(w, first);
        w.Kernel.Syscall(t1, Unknown).Status.ShouldBe(KernelError.UnknownSyscall);
        t1.State.ShouldBe(TaskState.BlockedOnSend, "no handler waits: the fault message is queued as a call");
        Last(w).Note.ShouldContain("delivered=True");
        // The handler takes it and replies: t1 runs again.
        w.Kernel.Syscall(root, SyscallNumber.NBRecv, first + 3, AbiConstants.NoCap).Status.ShouldBe(KernelError.Ok);
        t1.State.ShouldBe(TaskState.BlockedOnReply);
        w.Kernel.Syscall(root, SyscallNumber.Reply, 0, 0xFFFF_FFFFUL, 0, 0, 0, 0).Status.ShouldBe(KernelError.Ok);
        t1.State.ShouldBe(TaskState.Ready);
        // A handler already waiting gets the next fault at once; the task waits for the reply.
        w.Kernel.Syscall(root, SyscallNumber.Recv, first + 3, AbiConstants.NoCap).Blocked.ShouldBeTrue();
        w.Kernel.Syscall(t1, Unknown).Status.ShouldBe(KernelError.UnknownSyscall);
        t1.State.ShouldBe(TaskState.BlockedOnReply);
        var s = Last(w);
        s.Verdict.ShouldBe(StepVerdict.Divergence);
        s.Note.ShouldContain("delivered=True");
        w.Checker!.Violation.ShouldBeNull();
    }

    [Fact]
    public void A_fault_with_a_stale_fault_endpoint_stops_the_task_even_when_its_index_is_reused()
    {
        var (w, root, t1, first) = Start();
        GiveFaultEndpoint(w, first);
        var old = w.Kernel.SlotAt(new SlotAddress(root.CSpaceRoot.Id, (int)first + 3)).Cap.Object;
        ReuseFaultEndpointIndex(w, first, old);
        w.Kernel.Syscall(t1, Unknown).Status.ShouldBe(KernelError.UnknownSyscall);
        t1.State.ShouldBe(TaskState.Inactive);
        Last(w).Note.ShouldContain("delivered=False");
        w.Checker!.Violation.ShouldBeNull();
    }

    // Deletes the fault endpoint's only capability (the endpoint dies) and retypes a new endpoint, which takes its index.
    private static void ReuseFaultEndpointIndex(Workload w, ulong first, ObjectRef old)
    {
        w.Kernel.Syscall(w.Tasks[0], SyscallNumber.CNodeDelete, Root, first + 3).Status.ShouldBe(KernelError.Ok);
        w.Step(new WorkAction(ActionKind.RetypeEndpoint, 0, 0, 9, 0, 0));
        var reused = w.Kernel.SlotAt(new SlotAddress(w.Tasks[0].CSpaceRoot.Id, (int)first + 9)).Cap.Object;
        reused.Id.ShouldBe(old.Id, "the new endpoint reuses the dead one's index");
        reused.Generation.ShouldNotBe(old.Generation);
    }

    [Fact]
    public void Planted_fault_delivery_to_a_stale_endpoint_is_caught_as_task_crash_delivered_and_replays()
    {
        var (w, root, t1, first) = Start(new PlantedFaults { FaultIgnoresEndpointGeneration = true });
        GiveFaultEndpoint(w, first);
        ReuseFaultEndpointIndex(w, first, w.Kernel.SlotAt(new SlotAddress(root.CSpaceRoot.Id, (int)first + 3)).Cap.Object);
        w.Kernel.Syscall(t1, Unknown);
        t1.State.ShouldBe(TaskState.BlockedOnSend, "the planted kernel sent the fault message to the new endpoint");
        w.Checker!.Violation.ShouldNotBeNull().Message.ShouldContain("the kernel sent the fault message");
        PlantedReplay.Confirm(w, nameof(PlantedFaults.FaultIgnoresEndpointGeneration), "task.crash.delivered", output);
    }

    [Fact]
    public void A_cpu_fault_raised_outside_a_syscall_is_a_step_of_its_own_judged_against_task_crash()
    {
        var (w, _, t1, first) = Start();
        GiveFaultEndpoint(w, first);
        var before = w.Checker!.Steps.Count;
        w.Kernel.RaiseFault(t1, FaultKind.PageFault, 0xdead000, 6);
        w.Kernel.RaiseFault(w.Tasks[2], FaultKind.InvalidOpcode, 0, 0);
        w.Checker.Steps.Count.ShouldBe(before + 2);
        w.Checker.CpuFaultCount.ShouldBe(2);
        w.Checker.SyscallStepCount.ShouldBe(before);
        var sent = w.Checker.Steps[^2];
        output.WriteLine($"{sent.Verdict}: {sent.Note}");
        sent.Fault.ShouldBeTrue();
        sent.Verdict.ShouldBe(StepVerdict.Divergence);
        sent.Note.ShouldContain("delivered=True");
        var stopped = Last(w);
        stopped.Note.ShouldContain("delivered=False");
        w.Tasks[2].State.ShouldBe(TaskState.Inactive);
        w.Checker.Violation.ShouldBeNull();
        var trace = Counterexample.ToTrace(w.Checker, "faults");
        trace.Steps[^1].Kind.ShouldBe(Verified.Trace.StepKinds.Fault);
        trace.Steps[^1].Operation.ShouldBe(nameof(FaultKind.InvalidOpcode));
    }

    [Fact]
    public void Planted_stale_delivery_of_a_cpu_fault_is_caught_and_its_trace_replays_the_fault()
    {
        var (w, root, t1, first) = Start(new PlantedFaults { FaultIgnoresEndpointGeneration = true });
        GiveFaultEndpoint(w, first);
        ReuseFaultEndpointIndex(w, first, w.Kernel.SlotAt(new SlotAddress(root.CSpaceRoot.Id, (int)first + 3)).Cap.Object);
        w.Kernel.RaiseFault(t1, FaultKind.GeneralProtection, 0, 0);
        w.Checker!.Steps[^1].Fault.ShouldBeTrue();
        PlantedReplay.Confirm(w, nameof(PlantedFaults.FaultIgnoresEndpointGeneration), "task.crash.delivered", output);
    }

    [Fact]
    public void A_kernel_that_ignores_a_fault_is_caught_as_task_crash_delivered()
    {
        var (w, _, t1, _) = Start();
        var s = WrongKernel.Step(w, t1, (SyscallNumber)Unknown, [0, 0, 0, 0, 0, 0], KernelError.UnknownSyscall);
        s.Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker!.Violation!.Clause.ShouldBe("task.crash.delivered");
        w.Checker.Violation.Message.ShouldContain("neither sent the fault message nor stopped the task");
    }

    [Fact]
    public void A_kernel_that_returns_ok_for_an_unknown_number_is_caught_as_task_crash_status()
    {
        var (w, _, t1, _) = Start();
        WrongKernel.Step(w, t1, (SyscallNumber)Unknown, [0, 0, 0, 0, 0, 0], KernelError.Ok).Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker!.Violation!.Clause.ShouldBe("task.crash.status");
    }

    [Fact]
    public void A_fault_that_also_deletes_a_capability_is_caught_as_task_crash_state()
    {
        var (w, root, t1, first) = Start();
        // The kernel stops t1 as a fault without a handler would (suspend), and deletes endpoint 4's capability.
        WrongKernel.Step(w, t1, (SyscallNumber)Unknown, [0, 0, 0, 0, 0, 0], KernelError.UnknownSyscall, k =>
        {
            k.Syscall(root, SyscallNumber.TaskSuspend, first).Status.ShouldBe(KernelError.Ok);
            k.Syscall(root, SyscallNumber.CNodeDelete, Root, first + 4).Status.ShouldBe(KernelError.Ok);
        }).Verdict.ShouldBe(StepVerdict.Violation);
        var v = w.Checker!.Violation.ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Clause.ShouldBe("task.crash.state");
        v.Message.ShouldContain("SlotFull");
    }

    [Fact]
    public void A_stopped_task_loses_the_capability_it_had_queued_in_ipc_as_one_cap_delete()
    {
        // Only a ready task faults, and a ready task has nothing queued; the rule is for a kernel that
        // stops a sender blocked with a capability (Runnable to the abstraction) on a fault: here the
        // kernel's step is that stop (suspend: CancelIpc deletes the queued capability).
        var (w, root, t1, first) = Start();
        w.Kernel.Syscall(t1, SyscallNumber.Send, first + 3, (first + 4) | (0xFFFF_FFFFUL << 32), 1, 2, 3, 4).Blocked.ShouldBeTrue();
        var s = WrongKernel.Step(w, t1, (SyscallNumber)Unknown, [0, 0, 0, 0, 0, 0], KernelError.UnknownSyscall,
            k => k.Syscall(root, SyscallNumber.TaskSuspend, first).Status.ShouldBe(KernelError.Ok));
        output.WriteLine($"{s.Verdict}: {s.Note}");
        s.Verdict.ShouldBe(StepVerdict.Divergence);
        s.Note.ShouldContain("+ cap.delete of its queued capability");
        w.Checker!.Violation.ShouldBeNull();
    }

    [Fact]
    public void The_same_stop_without_the_deletion_is_the_fault()
    {
        // The control for the test above: stopping t1 alone is exactly the fault without a handler.
        var (w, root, t1, first) = Start();
        WrongKernel.Step(w, t1, (SyscallNumber)Unknown, [0, 0, 0, 0, 0, 0], KernelError.UnknownSyscall,
            k => k.Syscall(root, SyscallNumber.TaskSuspend, first).Status.ShouldBe(KernelError.Ok)).Verdict.ShouldBe(StepVerdict.Divergence);
        w.Checker!.Violation.ShouldBeNull();
    }
}
