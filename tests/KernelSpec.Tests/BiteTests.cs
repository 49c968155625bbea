using Shouldly;
using Verified.Proofs;
using Verified.Proofs.Kernel;
using Verified.Spec.Kernel;
using Verified.Trace;
using Xunit;

namespace Verified.Spec.Kernel.Tests;

/// <summary>
/// Every invariant bites: a spec whose operation is a planted mutant makes the matching
/// obligation fail with a counterexample naming that invariant's clause, and the same obligation
/// of the normal spec is proved (so the failure is the mutant's doing).
/// </summary>
public sealed class BiteTests
{
    public static TheoryData<string, string, string> Cases() => new()
    {
        { nameof(Mutants.MintKeepsAllRights), "cap.mint", "inv.no_rights_amplification.edge_rights_subset" },
        { nameof(Mutants.GrantRevokeWithoutBump), "grant.revoke", "inv.grant_revocation.revoked_below_generation" },
        { nameof(Mutants.CopyForgetsParent), "cap.copy", "inv.derivation_forest.derived_from_original" },
        { nameof(Mutants.StartAfterCrash), "svc.start", "inv.single_start.started_at_most_once" },
        { nameof(Mutants.MoveKeepsSource), "cap.move", "inv.cap_table.one_slot_per_cap" },
        { nameof(Mutants.DeleteAlwaysFinalises), "cap.delete", "inv.cap_object.names_live_object" },
        { nameof(Mutants.RetypeKeepsWatermark), "cap.retype", "inv.untyped.child_contained" },
        { nameof(Mutants.IndirectGrantWithoutRangeCheck), "grant.create_indirect", "inv.grant_chain.within_source" },
        { nameof(Mutants.StartWithoutDependencies), "svc.start", "inv.boot_order.dependencies_up" },
        { nameof(Mutants.TaskCreateWithoutTypeCheck), "task.create", "inv.tasks.active_task_live" },
    };

    internal static Operation MutantNamed(string name) =>
        (Operation)typeof(Mutants).GetProperty(name)!.GetValue(null)!;

    internal static ObligationResult Run(KernelSpec spec, string obligation, int timeoutMs = 60000)
    {
        var o = KernelObligations.For(spec).SingleOrDefault(x => x.Name == obligation)
            ?? throw new InvalidOperationException($"no obligation {obligation}");
        return ObligationRunner.Run([o], jobs: 1, timeoutMs: timeoutMs).Results.Single();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MutantBreaksItsInvariantWithANamedCounterexample(string mutant, string operation, string clause)
    {
        var name = $"{operation}/preserves/{clause}";
        var result = Run(KernelSpec.Default.WithOperation(MutantNamed(mutant)), name);
        var cex = result.ShouldBeOfType<ObligationResult.Counterexample>($"{name} with {mutant}: {result.Describe()}");
        cex.Trace.Violation!.Clause.ShouldBe(clause);
        cex.Trace.Violation.Property.ShouldBe(clause[..clause.LastIndexOf('.')]);
        cex.Trace.Steps.Single().Operation.ShouldBe(operation);
        cex.Trace.Steps[0].Result.ShouldBe("Ok");
        cex.Text.ShouldContain(clause);
        Run(KernelSpec.Default, name).ShouldBeOfType<ObligationResult.Proved>();
    }

    /// <summary>
    /// Mutants whose counterexample needs a model of the derivation-tree premises: Z3 answers
    /// unknown (model-based instantiation gives up), which the runner reports as a failure, never a
    /// pass. The named clause is then shown broken on a concrete run through Eval.
    /// </summary>
    [Fact]
    public void RevokeThatSparesGrandchildrenOrphansThem()
    {
        Run(KernelSpec.Default.WithOperation(Mutants.RevokeSparesGrandchildren), "cap.revoke_step/preserves/inv.derivation_forest.parent_live", 10000)
            .IsProved.ShouldBeFalse();
        var w = new World(KernelSpec.Default.WithOperation(Mutants.RevokeSparesGrandchildren));
        var s = Endpoint(w);
        s = w.Do(s, "cap.copy", ("src", w.Slot(1, 2)), ("dst", w.Slot(1, 3)), ("id", w.Cap(3)));
        s = w.Do(s, "cap.copy", ("src", w.Slot(1, 3)), ("dst", w.Slot(1, 4)), ("id", w.Cap(4)));
        var r = w.Try(s, "cap.revoke_step", ("slot", w.Slot(1, 2)), ("victim", w.Slot(1, 3)));
        r.Ok.ShouldBeTrue();
        w.Eval.BrokenClauses(r.Next, s).ShouldContain("inv.derivation_forest.parent_live");
    }

    [Fact]
    public void RestartKeepingTheGenerationLeavesOldCapabilitiesCurrent()
    {
        Run(KernelSpec.Default.WithOperation(Mutants.RestartKeepsGeneration), "svc.restart/preserves/inv.derivation_forest.derived_from_original", 10000)
            .IsProved.ShouldBeFalse();
        var w = new World(KernelSpec.Default.WithOperation(Mutants.RestartKeepsGeneration));
        var s = Endpoint(w);
        s = w.Do(s, "svc.start", ("svc", w.Svc(0)));
        s = w.Do(s, "svc.crash", ("svc", w.Svc(0)));
        var r = w.Try(s, "svc.restart", ("svc", w.Svc(0)), ("slot", w.Slot(1, 9)), ("id", w.Cap(9)));
        r.Ok.ShouldBeTrue();
        w.Eval.BrokenClauses(r.Next, s).ShouldContain("inv.derivation_forest.derived_from_original");
        // And the old capability still works for IPC: the stale-endpoint property is gone.
        w.Try(r.Next, "ipc.transfer", ("ep", w.Slot(1, 2)), ("src", w.Slot(1, 0)), ("dst", w.Slot(1, 10)), ("id", w.Cap(10))).Error.ShouldBe("Ok");
    }

    [Fact]
    public void MutateThatOverwritesABadgeChangesIt()
    {
        Run(KernelSpec.Default.WithOperation(Mutants.MutateOverwritesBadge), "cap.mutate/preserves/inv.badges_immutable.badge_never_changes", 10000)
            .IsProved.ShouldBeFalse();
        var w = new World(KernelSpec.Default.WithOperation(Mutants.MutateOverwritesBadge));
        var s = Endpoint(w);
        s = w.Do(s, "cap.mint", ("src", w.Slot(1, 2)), ("dst", w.Slot(1, 3)), ("id", w.Cap(3)), ("rights", w.Rights(Rights.All)), ("badge", w.Badge(5)));
        var r = w.Try(s, "cap.mutate", ("src", w.Slot(1, 3)), ("dst", w.Slot(1, 4)), ("rights", w.Rights(Rights.All)), ("badge", w.Badge(9)));
        r.Ok.ShouldBeTrue();
        w.Eval.BrokenClauses(r.Next, s).ShouldContain("inv.badges_immutable.badge_never_changes");
    }

    private static ConcreteState Endpoint(World w) =>
        w.Do(w.Boot(), "cap.retype", ("ut", w.Slot(1, 1)), ("dst", w.Slot(1, 2)), ("id", w.Cap(2)), ("obj", w.Obj(100)),
            ("type", World.Type("Endpoint")), ("size", w.Addr(16)));

    [Fact]
    public void MintMutantAlsoFailsTheNoNewRightLemma()
    {
        var r = Run(KernelSpec.Default.WithOperation(Mutants.MintKeepsAllRights), "lemma.cap.mint_adds_no_right");
        r.ShouldBeOfType<ObligationResult.Counterexample>().Trace.Violation!.Clause.ShouldBe("lemma.cap.mint_adds_no_right.new_rights_subset");
    }

    [Fact]
    public void RevokeWithoutBumpLetsTheOldGenerationVerifyAfterReissue()
    {
        var r = Run(KernelSpec.Default.WithOperation(Mutants.GrantRevokeWithoutBump), "lemma.revoked_grant_refused_after_reissue");
        var cex = r.ShouldBeOfType<ObligationResult.Counterexample>();
        cex.Trace.Violation!.Clause.ShouldBe("lemma.revoked_grant_refused_after_reissue.refused");
        TraceJson.TryParse(TraceJson.Serialize(cex.Trace), out var back, out _).ShouldBeTrue();
        back.ShouldBe(cex.Trace);
    }
}
