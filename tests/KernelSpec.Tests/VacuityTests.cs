using Shouldly;
using Verified.Proofs;
using Verified.Proofs.Kernel;
using Verified.Smt;
using Xunit;

namespace Verified.Spec.Kernel.Tests;

/// <summary>
/// Vacuity companions and the bounded search: every obligation has a companion whose premises
/// include its own; a companion of premises that cannot hold fails; a narrow model that does not
/// hold at full width is never accepted, neither as a witness nor as a counterexample.
/// </summary>
public sealed class VacuityTests
{
    [Fact]
    public void EveryKernelObligationHasACompanionWhosePremisesIncludeItsOwn()
    {
        var all = KernelObligations.All().Cast<KernelObligation>().ToList();
        var byName = all.ToDictionary(o => o.Name);
        var checkedCount = 0;
        foreach (var o in all.Where(o => o.Kind != ObligationKind.Vacuity))
        {
            o.VacuityCompanion.ShouldNotBeNull($"{o.Name} names no vacuity companion");
            var companion = byName.GetValueOrDefault(o.VacuityCompanion).ShouldNotBeNull($"{o.Name}: companion {o.VacuityCompanion} is not in the catalogue");
            companion.Kind.ShouldBe(ObligationKind.Vacuity);
            var covered = companion.Query.Premises.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            o.Query.Premises.Select(p => p.Name).Where(n => !covered.Contains(n)).ShouldBeEmpty($"{o.Name}: premises its companion {companion.Name} does not assert");
            checkedCount++;
        }
        checkedCount.ShouldBeGreaterThan(600);
    }

    [Fact]
    public void CompanionOfAnOperationThatNeverSucceedsFails()
    {
        var spec = KernelSpec.Default.WithOperation(Mutants.CopyNeverSucceeds);
        // The preservation obligations are proved vacuously: that is what the companion is for.
        BiteTests.Run(spec, "cap.copy/preserves/inv.cap_table.slot_holds_live_cap").ShouldBeOfType<ObligationResult.Proved>();
        var companion = BiteTests.Run(spec, "cap.copy/vacuity");
        companion.IsProved.ShouldBeFalse(companion.Describe());
        companion.Describe().ShouldContain("cap.copy.succeeds");
        BiteTests.Run(KernelSpec.Default, "cap.copy/vacuity").ShouldBeOfType<ObligationResult.Proved>().Witness.ShouldNotBeNull().ShouldContain("premises satisfiable");
    }

    [Fact]
    public void NarrowModelThatFailsAtFullWidthIsNotAWitness()
    {
        // Copy succeeds only at the generation's maximum: at 4 bits that is 15, which lifts to 15, not 2^32-1.
        var o = KernelObligations.For(KernelSpec.Default.WithOperation(Mutants.CopyOnlyAtMaxGeneration)).OfType<KernelObligation>().Single(x => x.Name == "cap.copy/vacuity");
        using var context = new Context();
        var result = o.Bounded.SearchPremises(context, s => s.Check());
        var inconclusive = result.ShouldBeOfType<SecondSearchResult.Inconclusive>();
        inconclusive.Reason.ShouldContain("none confirmed at full width");
        inconclusive.Reason.ShouldContain("cap.copy.succeeds");
        // The normal spec's companion model is confirmed by the same route.
        var normal = KernelObligations.All().OfType<KernelObligation>().Single(x => x.Name == "cap.copy/vacuity");
        normal.Bounded.SearchPremises(context, s => s.Check()).ShouldBeOfType<SecondSearchResult.Satisfied>().Text.ShouldContain("lifted to full width");
    }

    [Fact]
    public void NarrowCounterexampleThatFailsAtFullWidthIsNotReported()
    {
        const string name = "cap.mint/preserves/inv.no_rights_amplification.edge_rights_subset";
        var spec = KernelSpec.Default.WithOperation(Mutants.MintAmplifiesAtMaxGeneration);
        var o = KernelObligations.For(spec).OfType<KernelObligation>().Single(x => x.Name == name);
        using var context = new Context();
        var found = o.Bounded.Search(context, s => s.Check());
        found.ShouldBeOfType<SecondSearchResult.Inconclusive>().Reason.ShouldContain("none confirmed at full width");
        // The same bug when the full widths are the narrow ones is a real counterexample, and confirmed.
        var narrowGen = spec.WithConfig(BoundedSearch.Narrow(spec.Config));
        var o4 = KernelObligations.For(narrowGen).OfType<KernelObligation>().Single(x => x.Name == name);
        using var context4 = new Context();
        var second = o4.Bounded.Search(context4, s => s.Check());
        var confirmed = second.ShouldBeOfType<SecondSearchResult.Found>((second as SecondSearchResult.Inconclusive)?.Reason);
        confirmed.Trace.Violation!.Clause.ShouldBe("inv.no_rights_amplification.edge_rights_subset");
    }

    [Fact]
    public void TheProverStillFindsTheMaxGenerationBugAtFullWidth()
    {
        // The bug the bounded search cannot confirm is found by Z3 on the unbounded query.
        var r = BiteTests.Run(KernelSpec.Default.WithOperation(Mutants.MintAmplifiesAtMaxGeneration),
            "cap.mint/preserves/inv.no_rights_amplification.edge_rights_subset", 10000);
        var cex = r.ShouldBeOfType<ObligationResult.Counterexample>(r.Describe());
        cex.Trace.Violation!.Clause.ShouldBe("inv.no_rights_amplification.edge_rights_subset");
        cex.Text.ShouldNotContain("bounded search");
    }

    [Fact]
    public void LiftSplitsSlotKeysAndZeroExtendsIds()
    {
        var full = KernelConfig.Default;
        var narrow = BoundedSearch.Narrow(full);
        var lift = new WidthLift(narrow, full);
        var n = new KernelSorts(narrow);
        var f = new KernelSorts(full);
        lift.Lift(new BitVecValue(n.Slot.Width, (5UL << narrow.CNodeIndexBits) | 2), f.Slot).ShouldBe(new BitVecValue(f.Slot.Width, (5UL << full.CNodeIndexBits) | 2));
        lift.Lift(new BitVecValue(n.CapId.Width, 7), f.CapId).ShouldBe(new BitVecValue(f.CapId.Width, 7));
        var live = MapValue.Const(Sort.Map(n.CapId, Sort.Bool), BoolValue.False).Store(new BitVecValue(n.CapId.Width, 3), BoolValue.True);
        var lifted = (MapValue)lift.Lift(live, Sort.Map(f.CapId, Sort.Bool));
        lifted.Select(new BitVecValue(f.CapId.Width, 3)).ShouldBe(BoolValue.True);
        lifted.Select(new BitVecValue(f.CapId.Width, 1000)).ShouldBe(BoolValue.False);
    }
}
