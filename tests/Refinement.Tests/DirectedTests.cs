using Shouldly;
using Verified.Kernel;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>Hand-written sequences for the checker's clauses (the random properties find the same).</summary>
public sealed class DirectedTests(ITestOutputHelper output)
{
    // Window slots: 0..9 are root-CNode slots from the first setup slot (tasks, CNode, endpoints,
    // notification, grant tables); 10..19 are slots 0..9 of the second CNode.
    private static WorkAction A(ActionKind k, int x, int y = 0, int z = 7, int w = 0, int task = 0) => new(k, task, x, y, z, w);

    [Fact]
    public void Revoke_of_a_chain_is_checked_on_the_correct_kernel()
    {
        var w = new Workload(null, check: true);
        w.Run([A(ActionKind.Copy, 3, 10), A(ActionKind.Copy, 10, 11), A(ActionKind.Revoke, 3)]).ShouldBeNull();
        output.WriteLine(string.Join("\n", w.Checker!.Steps.Select(s => $"{s.Verdict}: {s.Note}")));
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
    }

    [Fact]
    public void Safecopy_that_skips_the_indirect_chain_is_caught()
    {
        // t1 grants t2; t2 re-delegates to the root task; t1 revokes; the root copies through t2's grant.
        WorkAction[] run =
        [
            new(ActionKind.GrantCreate, 1, 0, 2, 0, 0),
            new(ActionKind.GrantCreateIndirect, 2, 1, 0, 0, 0),
            new(ActionKind.GrantRevoke, 1, 0, 0, 0, 0),
            new(ActionKind.SafeCopy, 0, 0, 2, 0, 0),
        ];
        var clean = new Workload(null, check: true);
        clean.Run(run).ShouldBeNull();
        output.WriteLine(string.Join("\n", clean.Checker!.Steps.Skip(9).Select(s => $"{s.Verdict} {s.Status}: {s.Note}")));
        clean.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        var w = new Workload(new PlantedFaults { SafecopySkipsChain = true }, check: true);
        w.Run(run).ShouldNotBeNull().Clause.ShouldBe("safecopy.decision");
        // Minimal by hand (each of the four actions is needed) and replayable from its trace.
        var trace = Counterexample.ToTrace(w.Checker!, "safecopy skips chain");
        output.WriteLine(Verified.Trace.TraceText.Render(trace));
        Verified.Trace.TraceJson.TryParse(Verified.Trace.TraceJson.Serialize(trace), out var parsed, out var error).ShouldBeTrue(error);
        Replayer.Replay(parsed!).ShouldBeOfType<ReplayOutcome.Reproduced>().Violation.Clause.ShouldBe("safecopy.decision");
        for (var i = 0; i < run.Length; i++)
        {
            new Workload(new PlantedFaults { SafecopySkipsChain = true }, check: true).Run([.. run[..i], .. run[(i + 1)..]]).ShouldBeNull($"action {i} is needed");
        }
    }

    /// <summary>
    /// Finding F1 (fixed): mutate of a capability with children could shrink the parent's rights
    /// below a child's. The kernel now refuses it as cap.mutate does (HasChildren → RevokeFirst);
    /// the old behaviour, planted, is caught by the checker.
    /// </summary>
    [Fact]
    public void Mutate_of_a_parent_is_refused_and_the_old_behaviour_is_caught()
    {
        WorkAction[] run = [A(ActionKind.Copy, 3, 10, z: 7), A(ActionKind.Mutate, 3, 11, z: 1)];
        var w = new Workload(null, check: true);
        w.Run(run).ShouldBeNull();
        w.Checker!.Steps[^1].Status.ShouldBe(Verified.Kernel.Abi.KernelError.RevokeFirst);
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        var old = new Workload(new PlantedFaults { MutateIgnoresChildren = true }, check: true);
        var v = old.Run(run);
        output.WriteLine(Counterexample.Render(old.Checker!));
        v.ShouldNotBeNull().Clause.ShouldBe("cap.mutate.status");
    }

    /// <summary>
    /// Finding F2 (fixed): task destroy left capabilities naming the dead task. The kernel now
    /// deletes every capability to it (task.destroy + cap.delete each, as seL4 finalises a thread
    /// with its last capability); the old behaviour, planted, is caught.
    /// </summary>
    [Fact]
    public void Task_destroy_deletes_its_capabilities_and_the_old_behaviour_is_caught()
    {
        // A copy of t1's capability in the second CNode, then t1 destroyed by the root task.
        WorkAction[] run = [A(ActionKind.Copy, 0, 12), A(ActionKind.TaskDestroy, 0)];
        var w = new Workload(null, check: true);
        w.Run(run).ShouldBeNull();
        output.WriteLine(string.Join("\n", w.Checker!.Steps.Select(s => $"{s.Verdict} {s.Status}: {s.Note}")));
        w.Checker.Steps[^1].Verdict.ShouldBeOneOf(StepVerdict.Checked, StepVerdict.Divergence);
        w.Checker.Steps[^1].Note.ShouldContain("2 x cap.delete");
        var old = new Workload(new PlantedFaults { DestroyLeavesCapabilities = true }, check: true);
        var v = old.Run(run);
        output.WriteLine(Counterexample.Render(old.Checker!));
        v.ShouldNotBeNull().Clause.ShouldBe("task.destroy.state");
    }

    /// <summary>
    /// Finding F3 (fixed): delete of a capability with descendants lifted them one level, so after
    /// deleting an original with two children the object had two roots and no single revoke
    /// reached both. The kernel now refuses as cap.delete does (HasChildren → RevokeFirst).
    /// </summary>
    [Fact]
    public void Delete_of_a_parent_is_refused_and_the_old_behaviour_is_caught()
    {
        WorkAction[] run = [A(ActionKind.Copy, 3, 10), A(ActionKind.Copy, 3, 11), A(ActionKind.Delete, 3)];
        var w = new Workload(null, check: true);
        w.Run(run).ShouldBeNull();
        w.Checker!.Steps[^1].Status.ShouldBe(Verified.Kernel.Abi.KernelError.RevokeFirst);
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        var old = new Workload(new PlantedFaults { DeleteLiftsChildren = true }, check: true);
        var v = old.Run(run);
        output.WriteLine(Counterexample.Render(old.Checker!));
        v.ShouldNotBeNull().Clause.ShouldBe("cap.delete.status");
    }

    [Fact]
    public void Exit_is_compared_as_task_destroy_of_the_caller()
    {
        var w = new Workload(null, check: true);
        w.Run([new WorkAction(ActionKind.Exit, 1, 0, 0, 3, 0)]).ShouldBeNull(); // t1 exits
        output.WriteLine(w.Checker!.Steps[^1].Note);
        w.Checker.Steps[^1].Verdict.ShouldBeOneOf(StepVerdict.Checked, StepVerdict.Divergence);
        w.Checker.Steps[^1].Note.ShouldStartWith("task.destroy(");
        w.Tasks[1].IsLive.ShouldBeFalse();
    }

    [Fact]
    public void An_exit_that_leaves_the_task_alive_is_a_violation()
    {
        var w = new Workload(null, check: true);
        var step = WrongKernel.Step(w, w.Tasks[1], Verified.Kernel.Abi.SyscallNumber.Exit, [3, 0, 0, 0, 0, 0], Verified.Kernel.Abi.KernelError.Ok);
        output.WriteLine(step.Note);
        step.Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker!.Violation.ShouldNotBeNull().Clause.ShouldBe("task.destroy.state");
    }
}
