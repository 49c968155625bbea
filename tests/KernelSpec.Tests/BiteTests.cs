using Shouldly;
using Verified.Proofs;
using Verified.Proofs.Kernel;
using Verified.Spec.Kernel;
using Verified.Tests.Shared;
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
        { nameof(Mutants.RetypeResetsWithChildAlive), "cap.retype", "inv.untyped.children_disjoint" },
        { nameof(Mutants.IndirectGrantWithoutRangeCheck), "grant.create_indirect", "inv.grant_chain.within_source" },
        { nameof(Mutants.StartWithoutDependencies), "svc.start", "inv.boot_order.dependencies_up" },
        { nameof(Mutants.TaskCreateWithoutTypeCheck), "task.create", "inv.tasks.active_task_live" },
        { nameof(Mutants.ConfigureRecordsNextGeneration), "task.configure", "inv.tasks.fault_endpoint_generation" },
        { nameof(Mutants.ReplyTransferGivesAllRights), "ipc.reply_transfer", "inv.no_rights_amplification.edge_rights_subset" },
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
    /// unknown on the unbounded query (model-based instantiation gives up), and the runner's
    /// bounded search finds the counterexample at narrow widths and confirms it at full width.
    /// </summary>
    public static TheoryData<string, string, string> BoundedCases() => new()
    {
        { nameof(Mutants.RevokeSparesGrandchildren), "cap.revoke_step", "inv.derivation_forest.parent_live" },
        { nameof(Mutants.RestartKeepsGeneration), "svc.restart", "inv.derivation_forest.derived_from_original" },
        { nameof(Mutants.MutateOverwritesBadge), "cap.mutate", "inv.badges_immutable.badge_never_changes" },
    };

    [Theory]
    [MemberData(nameof(BoundedCases))]
    public void MutantFoundByBoundedSearchIsConfirmedAtFullWidth(string mutant, string operation, string clause)
    {
        var name = $"{operation}/preserves/{clause}";
        var result = Run(KernelSpec.Default.WithOperation(MutantNamed(mutant)), name, 5000);
        var cex = result.ShouldBeOfType<ObligationResult.Counterexample>($"{name} with {mutant}: {result.Describe()}");
        cex.Trace.Violation!.Clause.ShouldBe(clause);
        cex.Trace.Violation.Message.ShouldContain("found by bounded search");
        cex.Trace.Violation.Message.ShouldContain("confirmed at full width");
        cex.Trace.Steps.Single().Operation.ShouldBe(operation);
        cex.Trace.Steps[0].Result.ShouldBe("Ok");
        cex.Text.ShouldContain($"step 1: operation {operation}(");
        // Golden: the header people read first. The states below it are one model among many,
        // and Z3's choice varies with things as incidental as the process's memory layout.
        var header = cex.Text[..cex.Text.IndexOf("initial state:", StringComparison.Ordinal)];
        System.Text.RegularExpressions.Regex.Replace(header, @"= \d+", "= N").ShouldMatchGolden($"bounded-{mutant}");
    }

    /// <summary>The revoke-termination lemmas bite: a step that keeps its victim, adds a descendant, or refuses some leaves.</summary>
    public static TheoryData<string, string, string> TerminationCases() => new()
    {
        { nameof(Mutants.RevokeStepKeepsVictim), "lemma.revoke_step_shrinks_descendants", "lemma.revoke_step_shrinks_descendants.victim_removed" },
        { nameof(Mutants.RevokeStepAddsDescendant), "lemma.revoke_step_shrinks_descendants", "lemma.revoke_step_shrinks_descendants.no_new_descendant" },
        { nameof(Mutants.RevokeStepOnlyIndexZero), "lemma.revoke_progress", "lemma.revoke_progress.step_succeeds" },
    };

    [Theory]
    [MemberData(nameof(TerminationCases))]
    public void RevokeTerminationLemmaCatchesMutantStep(string mutant, string lemma, string clause)
    {
        var result = Run(KernelSpec.Default.WithOperation(MutantNamed(mutant)), lemma, 10000);
        var cex = result.ShouldBeOfType<ObligationResult.Counterexample>($"{lemma} with {mutant}: {result.Describe()}");
        cex.Trace.Violation!.Clause.ShouldBe(clause);
        cex.Text.ShouldContain(clause);
        Run(KernelSpec.Default, lemma).ShouldBeOfType<ObligationResult.Proved>();
    }

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
