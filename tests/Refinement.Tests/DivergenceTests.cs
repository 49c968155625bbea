using Shouldly;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// The documented divergences accept only their documented reason: a kernel that refuses or
/// changes something else in the same operation is reported, not passed as a divergence.
/// </summary>
public sealed class DivergenceTests(ITestOutputHelper output)
{
    // Window slots: 0, 1 tasks t1, t2; 3, 4 endpoints; 5 a notification; 10.. the second CNode.
    private static WorkAction A(ActionKind k, int task, int x, int y = 0, int z = 7, int w = 0) => new(k, task, x, y, z, w);

    private void Show(Workload w) => output.WriteLine(string.Join("\n", w.Checker!.Steps.Skip(14).Select(s => $"{s.Verdict} {s.Status}: {s.Note}")));

    [Theory]
    [InlineData(ActionKind.Mint)]
    [InlineData(ActionKind.Mutate)]
    public void D3_a_badge_on_a_task_capability_is_the_documented_refusal(ActionKind kind)
    {
        var w = new Workload(null, check: true);
        w.Run([A(kind, 0, 0, 10, w: 1)]).ShouldBeNull();
        Show(w);
        w.Checker!.Steps[^1].Status.ShouldBe(KernelError.InvalidArgument);
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
        w.Checker.Steps[^1].Note.ShouldContain("D3 badge on a non-badgeable Task capability");
    }

    [Theory]
    [InlineData(ActionKind.Mint, "cap.mint.status")]
    [InlineData(ActionKind.Mutate, "cap.mutate.status")]
    public void D3_does_not_cover_a_refused_badge_on_a_notification(ActionKind kind, string clause)
    {
        WorkAction[] run = [A(kind, 0, 5, 10, w: 1)];
        var clean = new Workload(null, check: true);
        clean.Run(run).ShouldBeNull();
        clean.Checker!.Steps[^1].Status.ShouldBe(KernelError.Ok);
        clean.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);

        var w = new Workload(new PlantedFaults { BadgeRefusesNotification = true }, check: true);
        var v = w.Run(run);
        output.WriteLine(Counterexample.Render(w.Checker!));
        w.Checker!.Steps[^1].Status.ShouldBe(KernelError.InvalidArgument);
        v.ShouldNotBeNull().Clause.ShouldBe(clause);
    }

    [Fact]
    public void D5_covers_the_grants_of_the_task_that_died()
    {
        // t2 grants t1; the root destroys t2: t2's grant vanishes in the kernel (its table is detached), the spec keeps it.
        var w = new Workload(null, check: true);
        w.Run([A(ActionKind.GrantCreate, 2, 0, 1, 0, 0), A(ActionKind.TaskDestroy, 0, 1)]).ShouldBeNull();
        Show(w);
        w.Tasks[2].IsLive.ShouldBeFalse();
        w.Checker!.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
        w.Checker.Steps[^1].Note.ShouldContain("D5");
    }

    [Fact]
    public void D5_covers_the_grants_of_a_task_whose_grant_table_died()
    {
        // t1 grants t2; the root deletes the only capability to t1's grant table (window slot 6):
        // the table dies, the kernel detaches it from t1 and t1's grant vanishes; the spec keeps it.
        var w = new Workload(null, check: true);
        w.Run([A(ActionKind.GrantCreate, 1, 0, 2, 0, 0), A(ActionKind.Delete, 0, 6)]).ShouldBeNull();
        Show(w);
        w.Tasks[1].IsLive.ShouldBeTrue();
        w.Checker!.Steps[^1].Status.ShouldBe(KernelError.Ok);
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
        w.Checker.Steps[^1].Note.ShouldContain("D5");
    }

    /// <summary>
    /// Finding F8: t2 grants t1, t1 re-delegates it to the root, the root destroys t2. The kernel
    /// revokes the re-delegated grant with t2's table (D5 covers that), so no grant is left current
    /// through a source that is gone, and the root's old handle is refused. With the old behaviour
    /// planted, the kernel's state breaks inv.grant_chain.current_source_valid.
    /// </summary>
    [Fact]
    public void F8_destroying_the_source_of_a_re_delegated_grant_revokes_the_re_delegation()
    {
        WorkAction[] run = [A(ActionKind.GrantCreate, 2, 0, 1, 0, 0), A(ActionKind.GrantCreateIndirect, 1, 2, 0, 0, 0), A(ActionKind.TaskDestroy, 0, 1)];
        var w = new Workload(null, check: true);
        // Z = 1: the handle one generation behind the entry's (now bumped) one, the root's original handle.
        w.Run([.. run, A(ActionKind.SafeCopy, 0, 0, 1, 1, 0)]).ShouldBeNull();
        Show(w);
        var steps = w.Checker!.Steps;
        steps[^3].Verdict.ShouldBe(StepVerdict.Checked, "the re-delegation was made");
        steps[^2].Verdict.ShouldBe(StepVerdict.Divergence);
        steps[^2].Note.ShouldContain("revokes the grants re-delegated from it");
        var entry = w.Kernel.Objects.Resolve<Verified.Kernel.Objects.GrantTableObject>(w.Tasks[1].GrantTable).ShouldNotBeNull().View[0];
        entry.InUse.ShouldBeFalse("t1's re-delegation is revoked");
        entry.Generation.ShouldBe(1u, "as by grant revoke");
        steps[^1].Status.ShouldBe(KernelError.GrantInvalid, "the root's handle through the dead source is refused");
        steps[^1].Verdict.ShouldBe(StepVerdict.Checked);

        var old = new Workload(new PlantedFaults { DetachKeepsDerivedGrants = true }, check: true);
        var v = old.Run(run);
        output.WriteLine(Counterexample.Render(old.Checker!));
        v.ShouldNotBeNull().Clause.ShouldBe("inv.grant_chain.current_source_valid");
    }

    [Fact]
    public void D5_does_not_cover_revoking_a_re_delegation_whose_source_lives()
    {
        // t1 grants itself (entry 0) and re-delegates that to t2 (entry 1); the root destroys t2.
        // Planted DestroyFreesGrantsToTask revokes t1's entry 1 (granted to t2) exactly as the F8
        // revoke would, but its source is t1's, alive: D5 does not cover it.
        WorkAction[] run = [A(ActionKind.GrantCreate, 1, 0, 1, 0, 0), A(ActionKind.GrantCreateIndirect, 1, 1, 2, 0, 0), A(ActionKind.TaskDestroy, 0, 1)];
        var clean = new Workload(null, check: true);
        clean.Run(run).ShouldBeNull();
        Show(clean);
        clean.Checker!.Steps[^2].Status.ShouldBe(KernelError.Ok, "the re-delegation was made");
        clean.Tasks[2].IsLive.ShouldBeFalse();

        var w = new Workload(new PlantedFaults { DestroyFreesGrantsToTask = true }, check: true);
        var v = w.Run(run);
        output.WriteLine(Counterexample.Render(w.Checker!));
        v.ShouldNotBeNull().Clause.ShouldBe("task.destroy.state");
    }

    [Fact]
    public void D5_does_not_cover_a_destroy_that_frees_another_tasks_grant()
    {
        // t1 grants t2; the root destroys t2. t1's grant (to a dead grantee) stays, in the spec and the kernel.
        WorkAction[] run = [A(ActionKind.GrantCreate, 1, 0, 2, 0, 0), A(ActionKind.TaskDestroy, 0, 1)];
        var clean = new Workload(null, check: true);
        clean.Run(run).ShouldBeNull();
        Show(clean);
        clean.Tasks[2].IsLive.ShouldBeFalse();
        clean.Checker!.Steps[^1].Note.ShouldStartWith("task.destroy(");

        var w = new Workload(new PlantedFaults { DestroyFreesGrantsToTask = true }, check: true);
        var v = w.Run(run);
        output.WriteLine(Counterexample.Render(w.Checker!));
        v.ShouldNotBeNull().Clause.ShouldBe("task.destroy.state");
    }

    /// <summary>
    /// D5 is classified at the step's changed keys (RefinementChecker.ClassifyD5). t2 grants t1 and
    /// t1 grants t2; the root destroys t2: t2's grant vanishing is D5, t1's grant freed by planted
    /// DestroyFreesGrantsToTask is not. A classification that looks only at the dead owner's grants
    /// (planted D5LooksAtOwnersOnly) passes it as D5; the cross-check names transition.d5.
    /// </summary>
    [Fact]
    public void D5_at_the_changed_keys_sees_another_owners_grant_and_a_planted_owners_only_look_is_caught()
    {
        WorkAction[] run = [A(ActionKind.GrantCreate, 2, 0, 1, 0, 0), A(ActionKind.GrantCreate, 1, 0, 2, 0, 0), A(ActionKind.TaskDestroy, 0, 1)];
        var faults = new PlantedFaults { DestroyFreesGrantsToTask = true };
        var clean = new Workload(null, check: true, 1, null);
        clean.Run(run).ShouldBeNull();
        Show(clean);
        clean.Checker!.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence, "t2's own grant vanished: D5, cross-checked");
        clean.Checker.Steps[^2].Status.ShouldBe(KernelError.Ok, "t1's grant to t2 was made");

        var v = new Workload(faults, check: true).Run(run).ShouldNotBeNull("t1's grant, freed, is not D5");
        output.WriteLine($"{v.Clause}: {v.Message}");
        v.Clause.ShouldBe("task.destroy.state");

        var planted = new ShortcutFaults { D5LooksAtOwnersOnly = true };
        var passed = new Workload(faults, check: true, 0, planted);
        passed.Run(run).ShouldBeNull("the planted classification passes it");
        passed.Checker!.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
        var x = new Workload(faults, check: true, 1, planted).Run(run).ShouldNotBeNull();
        output.WriteLine($"{x.Clause}: {x.Message}");
        x.Property.ShouldBe("cross-check");
        x.Clause.ShouldBe("transition.d5");
    }
}
