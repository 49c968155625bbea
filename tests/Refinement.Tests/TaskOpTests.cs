using Shouldly;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// TaskSuspend compared with task.suspend, TaskConfigure with task.configure (and divergence
/// D10), Reply and ReplyRecv. Workload layout, root CNode from the first free slot: +0,+1 tasks
/// (configured with grant tables +6,+7 and no fault endpoint, then resumed), +3,+4 endpoints.
/// </summary>
public sealed class TaskOpTests(ITestOutputHelper output)
{
    private const ulong Root = AbiConstants.SlotRootCNode;
    private const ulong NoCap = AbiConstants.NoCap;

    private static (Workload W, TaskObject T, ulong First, ulong Untyped) Start(PlantedFaults? faults = null)
    {
        var w = new Workload(faults, check: true);
        return (w, w.Tasks[0], (ulong)w.Booted.FirstFreeSlot, w.Checker!.Steps[0].Args[0]);
    }

    private StepRecord Last(Workload w)
    {
        var s = w.Checker!.Steps[^1];
        output.WriteLine($"{s.Verdict} {s.Status}: {s.Note}");
        return s;
    }

    [Fact]
    public void Suspend_of_a_running_task_is_task_suspend_and_of_an_inactive_one_too()
    {
        var (w, root, first, _) = Start();
        w.Kernel.Syscall(root, SyscallNumber.TaskSuspend, first).Status.ShouldBe(KernelError.Ok);
        Last(w).Note.ShouldStartWith("task.suspend(");
        w.Kernel.Syscall(root, SyscallNumber.TaskSuspend, first).Status.ShouldBe(KernelError.Ok);
        Last(w).Verdict.ShouldBe(StepVerdict.Checked);
        w.Kernel.Syscall(root, SyscallNumber.TaskSuspend, first + 3).Status.ShouldBe(KernelError.InvalidCapability);
        Last(w).Verdict.ShouldBe(StepVerdict.Checked);
        w.Checker!.Violation.ShouldBeNull();
    }

    [Fact]
    public void Suspend_of_a_sender_blocked_with_a_capability_deletes_the_queued_capability()
    {
        var (w, root, first, _) = Start();
        // Task 1 sends endpoint 4's capability through endpoint 3 and blocks: no receiver.
        w.Kernel.Syscall(w.Tasks[1], SyscallNumber.Send, first + 3, (first + 4) | (0xFFFF_FFFFUL << 32), 1, 2, 3, 4).Blocked.ShouldBeTrue();
        Last(w).Note.ShouldStartWith("ipc.transfer(");
        w.Kernel.Syscall(root, SyscallNumber.TaskSuspend, first).Status.ShouldBe(KernelError.Ok);
        Last(w).Note.ShouldEndWith("+ cap.delete of its queued capability");
        w.Checker!.Violation.ShouldBeNull();
    }

    [Fact]
    public void Planted_suspend_that_skips_a_ready_task_is_caught()
    {
        const string fault = nameof(PlantedFaults.SuspendSkipsReadyTask);
        var (w, root, first, _) = Start(PlantedFaultNames.FromNames([fault], out _));
        w.Kernel.Syscall(root, SyscallNumber.TaskSuspend, first);
        PlantedReplay.Confirm(w, fault, "task.suspend.state", output);
    }

    [Fact]
    public void Configure_of_a_running_task_sets_its_fault_endpoint_as_task_configure()
    {
        var (w, root, first, _) = Start();
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first, Root, first + 3, 100, first + 6).Status.ShouldBe(KernelError.Ok);
        Last(w).Note.ShouldStartWith("task.configure(");
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first, Root, NoCap, 100, first + 6).Status.ShouldBe(KernelError.Ok);
        Last(w).Note.ShouldContain("has_ep=False");
        // Refusals, each with the status of the ABI's first failing check.
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first, Root, first + 5, 100, first + 6).Status.ShouldBe(KernelError.InvalidCapability); // a notification
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first, Root, first + 3, 1000, first + 6).Status.ShouldBe(KernelError.InvalidArgument); // priority
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first, Root, first + 3, 100, first + 7).Status.ShouldBe(KernelError.InvalidState); // task 2's table
        w.Checker!.Violation.ShouldBeNull();
        w.Checker.Steps.TakeLast(5).ShouldAllBe(s => s.Verdict == StepVerdict.Checked);
    }

    [Fact]
    public void Configure_with_another_grant_table_is_D10()
    {
        var (w, root, first, ut) = Start();
        // Task 1 grants a page to the root task, so its table has a valid entry keyed by task 1.
        w.Kernel.Syscall(w.Tasks[1], SyscallNumber.GrantCreate, root.Ref.Packed, 0, 0x1000, 1).Status.ShouldBe(KernelError.Ok);
        w.Kernel.Syscall(root, SyscallNumber.UntypedRetype, ut, (ulong)ObjectType.GrantTable, 3, Root, first + 9, 1).Status.ShouldBe(KernelError.Ok);
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first, Root, NoCap, 100, first + 9).Status.ShouldBe(KernelError.Ok);
        Last(w).Verdict.ShouldBe(StepVerdict.Divergence);
        Last(w).Note.ShouldContain("D10");
        w.Checker!.Violation.ShouldBeNull();
    }

    /// <summary>
    /// Task 1 (slot +0) grants a page (its table +6 holds a valid entry), moves to a fresh table +9
    /// and back to +6: the grant is read through +6 again. D10 used to accept any value at the task's own
    /// grant keys, so a kernel that cleared the table it binds passed; the task's grants must now
    /// be the bound table's entries as they were before the step.
    /// </summary>
    [Fact]
    public void Configure_back_to_an_old_grant_table_reads_its_grants_again()
    {
        var (w, root, first, ut) = Start();
        w.Kernel.Syscall(w.Tasks[1], SyscallNumber.GrantCreate, root.Ref.Packed, 0, 0x1000, 1).Status.ShouldBe(KernelError.Ok);
        w.Kernel.Syscall(root, SyscallNumber.UntypedRetype, ut, (ulong)ObjectType.GrantTable, 3, Root, first + 9, 1).Status.ShouldBe(KernelError.Ok);
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first, Root, NoCap, 100, first + 9).Status.ShouldBe(KernelError.Ok);
        Last(w).Note.ShouldContain("D10");
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first, Root, NoCap, 100, first + 6).Status.ShouldBe(KernelError.Ok);
        Last(w).Note.ShouldContain("D10");
        w.Checker!.Violation.ShouldBeNull();
    }

    [Fact]
    public void Planted_bind_that_clears_the_grant_table_is_caught()
    {
        const string fault = nameof(PlantedFaults.BindResetsGrantTable);
        var (w, root, first, ut) = Start(PlantedFaultNames.FromNames([fault], out _));
        w.Kernel.Syscall(w.Tasks[1], SyscallNumber.GrantCreate, root.Ref.Packed, 0, 0x1000, 1).Status.ShouldBe(KernelError.Ok);
        w.Kernel.Syscall(root, SyscallNumber.UntypedRetype, ut, (ulong)ObjectType.GrantTable, 3, Root, first + 9, 1).Status.ShouldBe(KernelError.Ok);
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first, Root, NoCap, 100, first + 9).Status.ShouldBe(KernelError.Ok);
        w.Checker!.Violation.ShouldBeNull(); // clearing a fresh table changes nothing
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first, Root, NoCap, 100, first + 6);
        PlantedReplay.Confirm(w, fault, "task.configure.state", output);
    }

    [Fact]
    public void A_configure_that_changes_nothing_is_a_violation()
    {
        var (w, root, first, _) = Start();
        var step = WrongKernel.Step(w, root, SyscallNumber.TaskConfigure, [first, Root, first + 3, 100, first + 6, 0], KernelError.Ok);
        output.WriteLine(step.Note);
        w.Checker!.Violation.ShouldNotBeNull().Clause.ShouldBe("task.configure.state");
    }

    [Fact]
    public void Planted_configure_that_keeps_the_old_fault_endpoint_is_caught()
    {
        const string fault = nameof(PlantedFaults.ConfigureKeepsFaultEndpoint);
        var (w, root, first, _) = Start(PlantedFaultNames.FromNames([fault], out _));
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first, Root, first + 3, 100, first + 6);
        w.Checker!.Violation.ShouldBeNull();
        w.Kernel.Syscall(root, SyscallNumber.TaskConfigure, first, Root, first + 4, 100, first + 6);
        PlantedReplay.Confirm(w, fault, "task.configure.state", output);
    }

    [Fact]
    public void Call_reply_and_reply_recv_without_capabilities()
    {
        var (w, root, first, _) = Start();
        var server = w.Tasks[1];
        w.Kernel.Syscall(server, SyscallNumber.Recv, first + 3, NoCap).Blocked.ShouldBeTrue();
        w.Kernel.Syscall(root, SyscallNumber.Call, first + 3, 0xFFFF_FFFF_FFFF_FFFFUL, 1, 2, 3, 4).Blocked.ShouldBeTrue(); // root waits for the reply
        w.Kernel.Syscall(server, SyscallNumber.Reply, 0, 0xFFFF_FFFF, 5, 6, 7, 8).Status.ShouldBe(KernelError.Ok);
        Last(w).Note.ShouldStartWith("stutter.Reply");
        w.Kernel.Syscall(root, SyscallNumber.Call, first + 3, 0xFFFF_FFFF_FFFF_FFFFUL, 1, 2, 3, 4).Blocked.ShouldBeTrue(); // the server is not waiting: root queues
        w.Kernel.Syscall(server, SyscallNumber.ReplyRecv, first + 3, NoCap).Status.ShouldBe(KernelError.Ok);
        Last(w).Verdict.ShouldBe(StepVerdict.Checked); // judged as the receive
        w.Checker!.Violation.ShouldBeNull();
        w.Checker.Steps.TakeLast(5).ShouldAllBe(s => s.Verdict == StepVerdict.Checked);
    }

    /// <summary>Task 1 serves on endpoint <paramref name="ep"/>; the root task calls naming reply slot +9 (or none) and blocks.</summary>
    private static (Workload W, TaskObject Server, ulong First) Called(PlantedFaults? faults, ulong ep, bool replySlot)
    {
        var (w, root, first, _) = Start(faults);
        var server = w.Tasks[1];
        w.Kernel.Syscall(server, SyscallNumber.Recv, first + ep, NoCap).Blocked.ShouldBeTrue();
        var slot = replySlot ? first + 9 : 0xFFFF_FFFFUL;
        w.Kernel.Syscall(root, SyscallNumber.Call, first + ep, slot << 32 | 0xFFFF_FFFF, 1, 2, 3, 4).Blocked.ShouldBeTrue();
        return (w, server, first);
    }

    [Fact]
    public void A_reply_that_carries_a_capability_is_ipc_reply_transfer()
    {
        var (w, server, first) = Called(null, 3, replySlot: true);
        w.Kernel.Syscall(server, SyscallNumber.Reply, 0, first + 5, 5, 6, 7, 8).Status.ShouldBe(KernelError.Ok);
        Last(w).Note.ShouldStartWith("ipc.reply_transfer(");
        Last(w).Note.ShouldContain("grant=True");
        w.Kernel.SlotAt(new SlotAddress(w.Tasks[0].CSpaceRoot.Id, (int)(first + 9))).Cap.IsNull.ShouldBeFalse();
        w.Checker!.Violation.ShouldBeNull();
    }

    [Fact]
    public void A_reply_transfer_to_a_caller_without_a_reply_slot_is_D6()
    {
        var (w, server, first) = Called(null, 3, replySlot: false);
        w.Kernel.Syscall(server, SyscallNumber.Reply, 0, first + 5, 5, 6, 7, 8).Status.ShouldBe(KernelError.Ok);
        Last(w).Verdict.ShouldBe(StepVerdict.Divergence);
        Last(w).Note.ShouldContain("D6");
        w.Checker!.Violation.ShouldBeNull();
    }

    [Fact]
    public void A_reply_transfer_to_a_caller_whose_capability_lacked_grant_is_refused_and_the_planted_bug_caught()
    {
        // Endpoint 4's capability has no grant right: the reply may not carry a capability.
        var (w, server, first) = Called(null, 4, replySlot: true);
        w.Kernel.Syscall(server, SyscallNumber.Reply, 0, first + 5, 5, 6, 7, 8).Status.ShouldBe(KernelError.InsufficientRights);
        Last(w).Verdict.ShouldBe(StepVerdict.Checked);
        Last(w).Note.ShouldContain("NoGrantRight");
        w.Checker!.Violation.ShouldBeNull();

        const string fault = nameof(PlantedFaults.TransferWithoutGrant);
        var (bad, badServer, _) = Called(PlantedFaultNames.FromNames([fault], out _), 4, replySlot: true);
        bad.Kernel.Syscall(badServer, SyscallNumber.Reply, 0, first + 5, 5, 6, 7, 8);
        PlantedReplay.Confirm(bad, fault, "ipc.reply_transfer.status", output);
    }

    [Fact]
    public void A_reply_transfer_that_gives_the_capability_more_rights_is_a_violation()
    {
        var (w, server, first) = Called(null, 3, replySlot: true);
        // The reply should carry a read-only copy (+8); the kernel reports Ok but puts a full-rights copy of the original into the reply slot.
        w.Kernel.Syscall(server, SyscallNumber.CNodeMint, Root, first + 5, Root, first + 8, (ulong)Rights.Read, 0).Status.ShouldBe(KernelError.Ok);
        var step = WrongKernel.Step(w, server, SyscallNumber.Reply, [0, first + 8, 5, 6, 7, 8], KernelError.Ok,
            k => k.Syscall(server, SyscallNumber.CNodeMint, Root, first + 5, Root, first + 9, (ulong)Rights.All, 0).Status.ShouldBe(KernelError.Ok));
        output.WriteLine(step.Note);
        w.Checker!.Violation.ShouldNotBeNull().Clause.ShouldBe("ipc.reply_transfer.state");
    }
}
