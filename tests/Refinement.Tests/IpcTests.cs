using Shouldly;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>IPC compared with ipc.transfer, cap.move and cap.delete of in-flight capabilities (root-CNode window: 3 and 4 endpoints, 4 without the grant right).</summary>
public sealed class IpcTests(ITestOutputHelper output)
{
    // Send: Z 0 Send, 1 NBSend, 2 Call; W 3 = no capability. Recv: Z 0 Recv, 1 NBRecv; W 0 no slot, 1 slot 9, 2 slot Y.
    private static WorkAction Send(int task, int ep, int cap, int z = 0, int w = 0) => new(ActionKind.Send, task, ep, cap, z, w);

    private static WorkAction Recv(int task, int ep, int z = 0, int w = 1) => new(ActionKind.Recv, task, ep, 0, z, w);

    private void Show(Workload w) => output.WriteLine(string.Join("\n", w.Checker!.Steps.Skip(12).Select(s => $"{s.Verdict} {s.Status}: {s.Note}")));

    [Fact]
    public void Blocked_send_queues_the_capability_and_receive_moves_it()
    {
        var w = new Workload(null, check: true);
        w.Run([Send(1, 3, 4), Recv(0, 3)]).ShouldBeNull();
        Show(w);
        var steps = w.Checker!.Steps;
        steps[^2].Verdict.ShouldBe(StepVerdict.Checked);
        steps[^2].Note.ShouldStartWith("ipc.transfer(");
        steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        steps[^1].Note.ShouldStartWith("cap.move(");
        w.Kernel.SlotAt(new Verified.Kernel.Objects.SlotAddress(w.Tasks[0].CSpaceRoot.Id, w.Booted.FirstFreeSlot + 9)).Cap.IsNull.ShouldBeFalse();
    }

    [Fact]
    public void Send_to_a_waiting_receiver_transfers_at_once()
    {
        var w = new Workload(null, check: true);
        w.Run([Recv(0, 3), Send(0, 3, 4)]).ShouldBeNull(); // after the root task blocks, task pick 0 is t1
        Show(w);
        w.Checker!.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        w.Checker.Steps[^1].Note.ShouldStartWith("ipc.transfer(");
    }

    [Fact]
    public void Transfer_through_a_channel_without_grant_is_refused_and_the_planted_bug_caught()
    {
        WorkAction[] run = [Send(1, 4, 3)];
        var w = new Workload(null, check: true);
        w.Run(run).ShouldBeNull();
        Show(w);
        w.Checker!.Steps[^1].Status.ShouldBe(KernelError.InsufficientRights);
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        var bad = new Workload(new PlantedFaults { TransferWithoutGrant = true }, check: true);
        bad.Run(run).ShouldNotBeNull().Clause.ShouldBe("ipc.transfer.status");
    }

    [Fact]
    public void Revoke_reaches_a_queued_capability_and_the_planted_miss_is_caught()
    {
        WorkAction[] run = [Send(1, 3, 4), new(ActionKind.Revoke, 0, 4, 0, 0, 0)];
        var w = new Workload(null, check: true);
        w.Run(run).ShouldBeNull();
        Show(w);
        w.Checker!.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        w.Checker.Steps[^1].Note.ShouldContain("1 x cap.revoke_step");
        var bad = new Workload(new PlantedFaults { RevokeMissesInFlight = true }, check: true);
        bad.Run(run).ShouldNotBeNull().Clause.ShouldBe("cap.revoke.done");
    }

    [Fact]
    public void Deleting_the_endpoint_cancels_the_queued_capability()
    {
        // t1 blocks sending endpoint 4's capability on endpoint 3; the root deletes endpoint 3's only capability.
        var w = new Workload(null, check: true);
        w.Run([Send(1, 3, 4), new(ActionKind.Delete, 0, 3, 0, 0, 0)]).ShouldBeNull();
        Show(w);
        w.Checker!.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        w.Checker.Steps[^1].Note.ShouldContain("cancelled IPC");
    }

    [Fact]
    public void A_receive_that_drops_the_queued_capability_is_a_violation()
    {
        var w = new Workload(null, check: true);
        w.Run([Send(1, 3, 4)]).ShouldBeNull();
        var root = w.Tasks[0];
        var first = (ulong)w.Booted.FirstFreeSlot;
        // The kernel "receives" by doing nothing: the queued capability should have moved to slot 9.
        var step = WrongKernel.Step(w, root, SyscallNumber.Recv, [first + 3, first + 9, 0, 0, 0, 0], KernelError.Ok);
        output.WriteLine(step.Note);
        step.Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker!.Violation.ShouldNotBeNull().Clause.ShouldBe("cap.move.state");
    }

    [Fact]
    public void A_send_that_reports_a_wrong_status_is_a_violation()
    {
        var w = new Workload(null, check: true);
        var first = (ulong)w.Booted.FirstFreeSlot;
        // NBSend with no receiver must be WouldBlock; a kernel answering Ok is wrong.
        var step = WrongKernel.Step(w, w.Tasks[1], SyscallNumber.NBSend, [first + 3, 0xFFFF_FFFF_FFFF_FFFF, 0, 0, 0, 0], KernelError.Ok);
        step.Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker!.Violation.ShouldNotBeNull().Clause.ShouldBe("ipc.send.status");
    }

    /// <summary>
    /// A queued capability may vanish in a step only with its send cancelled: a delete that also
    /// drops a blocked sender's capability and leaves it queued (the message later arrives without
    /// it) was passed as "cap.delete of capabilities queued in cancelled IPC" until the sender's
    /// state was required to show the cancellation.
    /// </summary>
    [Fact]
    public void A_queued_capability_dropped_without_cancelling_the_send_is_caught()
    {
        WorkAction[] run = [Send(1, 3, 4), new(ActionKind.Copy, 0, 3, 10, 7, 0), new(ActionKind.Delete, 0, 10, 0, 0, 0)];
        var w = new Workload(null, check: true);
        w.Run(run).ShouldBeNull();
        Show(w);
        w.Checker!.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        w.Checker.Steps[^1].Note.ShouldStartWith("cap.delete(");
        w.Checker.Steps[^1].Note.ShouldNotContain("cancelled");
        var bad = new Workload(new PlantedFaults { DeleteDropsQueuedCapabilities = true }, check: true, crossCheckEvery: 1, shortcuts: null);
        var v = bad.Run(run).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Clause.ShouldBe("cap.delete.state");
        bad.Checker!.Steps.Count.ShouldBe(w.Checker.Steps.Count, "caught at the delete itself");
    }
}
