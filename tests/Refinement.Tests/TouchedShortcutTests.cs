using Shouldly;
using Verified.Proofs.Refinement;
using Verified.Spec;
using Verified.Spec.Kernel;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// The shortcuts inside the touched-only invariant evaluation (KernelEval.BrokenClausesTouched):
/// on states of a real kernel, each edited to break a clause at an instance one of the shortcuts
/// reasons about, the touched-only result must be the full evaluation's; with each planted wrong
/// version of a shortcut (<see cref="TouchedFaults"/>) it must differ — what the checker's
/// cross-check (the full evaluation) then reports.
/// </summary>
public sealed class TouchedShortcutTests(ITestOutputHelper output)
{
    private const string OneSlotPerCap = "inv.cap_table.one_slot_per_cap";
    private const string AncestorIsPath = "inv.derivation_forest.ancestor_is_path";
    private const string AncestorLive = "inv.derivation_forest.ancestor_live_and_shallower";
    private const string ParentLive = "inv.derivation_forest.parent_live";
    private const string SlotInLiveCNode = "inv.cap_table.slot_in_live_cnode";
    private const string ChildrenDisjoint = "inv.untyped.children_disjoint";

    private static readonly Lazy<KernelEval> Shared = new(() => new KernelEval(RefinementSpec.Spec));

    private static ConcreteState Store(ConcreteState s, string field, Value key, Value value) => s.With(field, s.Map(field).Store(key, value));

    // The touched-only and the full evaluation of pre → post (pre must satisfy every clause).
    private (IReadOnlyList<string> Touched, IReadOnlyList<string> Full) Evaluate(KernelEval eval, ConcreteState pre, ConcreteState post, TouchedFaults? faults, TouchedCounts? counts = null)
    {
        eval.BrokenClauses(pre).ShouldBeEmpty("the pre-state satisfies every clause");
        var touched = eval.BrokenClausesTouched(post, pre, counts ?? new TouchedCounts(), null, faults);
        var full = eval.BrokenClauses(post, pre);
        output.WriteLine($"touched: {string.Join(", ", touched)}; full: {string.Join(", ", full)}");
        return (touched, full);
    }

    // With the planted shortcut fault, the touched-only evaluation of pre → post misses the break of clause that the full one finds.
    private void ShouldBeMissedOnlyWith(ConcreteState pre, ConcreteState post, string clause, TouchedFaults faults)
    {
        var (touched, full) = Evaluate(Shared.Value, pre, post, faults);
        full.ShouldContain(clause);
        touched.ShouldNotContain(clause);
    }

    /// <summary>A second occupied slot holding c: only the new slot changed; its partner is found through the inverse of SlotCap.</summary>
    private static ConcreteState Duplicate(CopyChain ch)
    {
        var slotCap = ch.S2.Map("SlotCap");
        var slot = (BitVecValue)slotCap.Entries.Single(e => e.Value.Equals(ch.C2)).Key;
        var empty = new BitVecValue(slot.Width, slot.Bits + 1);
        ch.S2.Map("SlotFull").Select(empty).ShouldBe(BoolValue.False, "the slot after c2's is empty");
        return Store(Store(ch.S2, "SlotFull", empty, BoolValue.True), "SlotCap", empty, ch.C);
    }

    /// <summary>A dead capability d with c as ancestor: only d changed (in CapAnc).</summary>
    private static ConcreteState DeadWithAncestor(CopyChain ch)
    {
        var live = ch.S2.Map("CapLive");
        var c = (BitVecValue)ch.C;
        var dead = new BitVecValue(c.Width, live.Entries.Keys.Max(k => ((BitVecValue)k).Bits) + 1);
        var anc = ch.S2.Map("CapAnc");
        return Store(ch.S2, "CapAnc", dead, ((MapValue)anc.Select(dead)).Store(c, BoolValue.True));
    }

    /// <summary>c no shallower than its child c2: only c changed (in CapDepth); the instance (c2, c) has its second variable dirty.</summary>
    private static ConcreteState ParentAsDeepAsChild(CopyChain ch) => Store(ch.S2, "CapDepth", ch.C, ch.S2.Map("CapDepth").Select(ch.C2));

    /// <summary>The CNode holding c2's slot dies: only ObjAlive changed, at the CNode — which slot_in_live_cnode reads at a key computed from the slot.</summary>
    private static ConcreteState CNodeDies(CopyChain ch)
    {
        var slot = (BitVecValue)ch.S2.Map("SlotCap").Entries.Single(e => e.Value.Equals(ch.C2)).Key;
        var cnode = new BitVecValue(RefinementSpec.Config.ObjBits, slot.Bits >> RefinementSpec.Config.CNodeIndexBits);
        ch.S2.Map("ObjAlive").Select(cnode).ShouldBe(BoolValue.True);
        return Store(ch.S2, "ObjAlive", cnode, BoolValue.False);
    }

    /// <summary>The CNode holding c's and c2's slots dies and c's slot empties in the same step: of the two, only c2's slot (unchanged) is a full slot of a dead CNode.</summary>
    private static ConcreteState CNodeDiesAndCsSlotEmpties(CopyChain ch)
    {
        var slot = ch.S2.Map("SlotCap").Entries.Single(e => e.Value.Equals(ch.C)).Key;
        return Store(CNodeDies(ch), "SlotFull", slot, BoolValue.False);
    }

    [Fact]
    public void Touched_only_evaluation_agrees_with_the_full_one_on_breaks_at_unchanged_partners()
    {
        var ch = CopyChain.Make();
        var eval = Shared.Value;
        foreach (var (post, clause) in new[] { (Duplicate(ch), OneSlotPerCap), (DeadWithAncestor(ch), AncestorIsPath), (ParentAsDeepAsChild(ch), AncestorLive), (CNodeDies(ch), SlotInLiveCNode) })
        {
            var counts = new TouchedCounts();
            var (touched, full) = Evaluate(eval, ch.S2, post, null, counts);
            full.ShouldContain(clause);
            touched.ShouldBe(full);
            counts.Full.ShouldBe(0, "every clause these fields touch is evaluated on its dirty keys");
        }
    }

    [Fact]
    public void Planted_guard_from_the_conclusion_is_caught()
    {
        // ancestor_is_path: CapAnc[x][y] ⇒ CapLive[x] ∧ …; taking CapLive[x] as a guard skips the dead x.
        var ch = CopyChain.Make();
        ShouldBeMissedOnlyWith(ch.S2, DeadWithAncestor(ch), AncestorIsPath, new TouchedFaults { GuardsFromConclusion = true });
    }

    [Fact]
    public void Planted_symmetry_of_an_asymmetric_clause_is_caught()
    {
        // ancestor_live_and_shallower is not symmetric: the break (c2, c) has only its ancestor dirty.
        var ch = CopyChain.Make();
        ShouldBeMissedOnlyWith(ch.S2, ParentAsDeepAsChild(ch), AncestorLive, new TouchedFaults { AssumeSymmetric = true });
    }

    [Fact]
    public void Planted_stale_inverse_is_caught()
    {
        // parent_live reads CapLive through CapParent: c's death makes its children dirty through
        // CapParent's inverse. An inverse cached from s1 (before c2 existed) misses c2.
        var ch = CopyChain.Make();
        var eval = new KernelEval(RefinementSpec.Spec); // its own cache of inverses
        var faults = new TouchedFaults { StaleInverse = true };
        eval.BrokenClausesTouched(ch.S1, ch.S0, new TouchedCounts(), null, faults).ShouldBeEmpty();
        eval.BrokenClausesTouched(ch.S2, ch.S1, new TouchedCounts(), null, faults).ShouldBeEmpty();
        var post = Store(ch.S2, "CapLive", ch.C, BoolValue.False);
        var (touched, full) = Evaluate(eval, ch.S2, post, faults);
        full.ShouldContain(ParentLive);
        touched.ShouldNotContain(ParentLive);
        Evaluate(Shared.Value, ch.S2, post, null).Touched.ShouldContain(ParentLive);
    }

    [Fact]
    public void Planted_inverse_update_that_skips_the_changed_keys_is_caught()
    {
        // CapParent's inverse after s1 → s2 is derived from s1's; without moving the changed keys
        // it lacks c2 under c, and the next step reads it (CapParent is unchanged in s2 → s3).
        var ch = CopyChain.Make();
        var eval = new KernelEval(RefinementSpec.Spec); // its own cache for the planted inverses
        var faults = new TouchedFaults { InverseSkipsChanges = true };
        eval.BrokenClausesTouched(ch.S1, ch.S0, new TouchedCounts(), null, faults).ShouldBeEmpty();
        eval.BrokenClausesTouched(ch.S2, ch.S1, new TouchedCounts(), null, faults).ShouldBeEmpty();
        var post = Store(ch.S2, "CapLive", ch.C, BoolValue.False);
        var (touched, full) = Evaluate(eval, ch.S2, post, faults);
        full.ShouldContain(ParentLive);
        touched.ShouldNotContain(ParentLive);
        // The same three steps without the fault, through the shared cache, derive the inverse correctly.
        Shared.Value.BrokenClausesTouched(ch.S1, ch.S0, new TouchedCounts()).ShouldBeEmpty();
        Shared.Value.BrokenClausesTouched(ch.S2, ch.S1, new TouchedCounts()).ShouldBeEmpty();
        Evaluate(Shared.Value, ch.S2, post, null).Touched.ShouldContain(ParentLive);
    }

    [Fact]
    public void Planted_read_set_without_computed_keys_is_caught()
    {
        // slot_in_live_cnode reads ObjAlive at the CNode part of the slot, not at the slot.
        var ch = CopyChain.Make();
        ShouldBeMissedOnlyWith(ch.S2, CNodeDies(ch), SlotInLiveCNode, new TouchedFaults { IgnoreComputedReads = true });
    }

    [Fact]
    public void Planted_transposed_nested_narrowing_is_caught()
    {
        // With c dirty, ancestor_live_and_shallower's x ranges over c's descendants {x : CapAnc[x][c]};
        // the row CapAnc[c] is c's ancestors instead, which misses (c2, c).
        var ch = CopyChain.Make();
        ShouldBeMissedOnlyWith(ch.S2, ParentAsDeepAsChild(ch), AncestorLive, new TouchedFaults { TransposeNested = true });
    }

    [Fact]
    public void Planted_computed_index_that_skips_the_changed_keys_is_caught()
    {
        // slot_in_live_cnode finds the full slots of a CNode that died through SlotFull's entries
        // grouped by CNode, brought along step by step. Not moved at s1 -> s2, the group lacks c2's
        // slot (c's slot is in it), and when the CNode dies while c's slot empties only c2's slot breaks the clause.
        var ch = CopyChain.Make();
        var post = CNodeDiesAndCsSlotEmpties(ch);
        foreach (var planted in new[] { true, false })
        {
            var eval = new KernelEval(RefinementSpec.Spec); // its own plans, so the index is brought from s0 to s1 to s2
            var faults = planted ? new TouchedFaults { ComputedIndexSkipsChanges = true } : null;
            eval.BrokenClausesTouched(ch.S1, ch.S0, new TouchedCounts(), null, faults).ShouldBeEmpty();
            eval.BrokenClausesTouched(ch.S2, ch.S1, new TouchedCounts(), null, faults).ShouldBeEmpty();
            var (touched, full) = Evaluate(eval, ch.S2, post, faults);
            full.ShouldContain(SlotInLiveCNode);
            if (planted) touched.ShouldNotContain(SlotInLiveCNode); else touched.ShouldBe(full);
        }
    }
    [Fact]
    public void Planted_column_that_skips_the_changed_keys_is_caught()
    {
        // With c dirty, ancestor_live_and_shallower's x ranges over c's column of CapAnc (the x with
        // CapAnc[x][c]), brought along step by step. Not moved at s1 -> s2, the column lacks c2, so
        // when c becomes as deep as its child c2 the break (c2, c) is missed.
        var ch = CopyChain.Make();
        var post = ParentAsDeepAsChild(ch);
        foreach (var planted in new[] { true, false })
        {
            var eval = new KernelEval(RefinementSpec.Spec); // its own columns, so they are brought from s1 to s2
            var faults = planted ? new TouchedFaults { ColumnSkipsChanges = true } : null;
            eval.BrokenClausesTouched(ch.S1, ch.S0, new TouchedCounts(), null, faults).ShouldBeEmpty();
            eval.BrokenClausesTouched(ch.S2, ch.S1, new TouchedCounts(), null, faults).ShouldBeEmpty();
            var (touched, full) = Evaluate(eval, ch.S2, post, faults);
            full.ShouldContain(AncestorLive);
            if (planted) touched.ShouldNotContain(AncestorLive); else touched.ShouldBe(full);
        }
    }
    // The live objects retyped from one untyped (the largest such group), by base.
    private static List<BitVecValue> Siblings(ConcreteState s)
    {
        var alive = s.Map("ObjAlive");
        var hasUt = s.Map("ObjHasUt");
        var groups = alive.Entries.Where(e => e.Value.Equals(BoolValue.True) && hasUt.Select(e.Key).Equals(BoolValue.True))
            .GroupBy(e => s.Map("ObjUt").Select(e.Key)).OrderByDescending(g => g.Count()).First();
        return [.. groups.Select(e => (BitVecValue)e.Key).OrderBy(o => ((BitVecValue)s.Map("ObjBase").Select(o)).Bits)];
    }

    private static ulong Bits(ConcreteState s, string field, Value key) => ((BitVecValue)s.Map(field).Select(key)).Bits;

    /// <summary>The lowest object of an untyped grows over all its siblings above it: only it changed (ObjSize); no member starts at or below its start.</summary>
    private static ConcreteState LowestGrowsOverSiblings(ConcreteState s)
    {
        var sibs = Siblings(s);
        sibs.Count.ShouldBeGreaterThan(2, "the untyped has several children");
        var (low, high) = (sibs[0], sibs[^1]);
        var end = Bits(s, "ObjBase", high) + Bits(s, "ObjSize", high);
        var size = (BitVecValue)s.Map("ObjSize").Select(low);
        return Store(s, "ObjSize", low, new BitVecValue(size.Width, end - Bits(s, "ObjBase", low)));
    }

    /// <summary>Two objects not alive before become children of the largest group's untyped (or, alone, of an id no object is from), with the given start and size each.</summary>
    private static ConcreteState TwoNewChildren(ConcreteState s, ulong base1, ulong size1, ulong base2, ulong size2, bool ownGroup = false)
    {
        var sibs = Siblings(s);
        var ut = ownGroup ? new BitVecValue(sibs[0].Width, (1UL << sibs[0].Width) - 1) : s.Map("ObjUt").Select(sibs[0]);
        if (ownGroup) s.Map("ObjUt").Entries.Values.ShouldNotContain(ut);
        var alive = s.Map("ObjAlive");
        var free = Enumerable.Range(1, 1000).Select(i => new BitVecValue(sibs[0].Width, (ulong)i)).Where(o => !alive.Select(o).Equals(BoolValue.True)).Take(2).ToArray();
        var width = ((BitVecValue)s.Map("ObjBase").Select(sibs[0])).Width;
        var post = s;
        foreach (var (o, b, z) in new[] { (free[0], base1, size1), (free[1], base2, size2) })
        {
            post = Store(Store(Store(post, "ObjAlive", o, BoolValue.True), "ObjHasUt", o, BoolValue.True), "ObjUt", o, ut);
            post = Store(Store(post, "ObjBase", o, new BitVecValue(width, b)), "ObjSize", o, new BitVecValue(width, z));
        }

        return post;
    }

    [Fact]
    public void Disjoint_index_agrees_with_the_full_evaluation()
    {
        var ch = CopyChain.Make();
        var sibs = Siblings(ch.S2);
        var top = Bits(ch.S2, "ObjBase", sibs[^1]) + Bits(ch.S2, "ObjSize", sibs[^1]);
        var lowBase = Bits(ch.S2, "ObjBase", sibs[0]);
        var cases = new (ConcreteState Post, bool Broken)[]
        {
            (LowestGrowsOverSiblings(ch.S2), true),
            (TwoNewChildren(ch.S2, top + 0x10000, 0x2000, top + 0x11000, 0x2000), true), // the two new ones overlap
            (TwoNewChildren(ch.S2, top + 0x10000, 0x1000, top + 0x11000, 0x1000), false), // adjacent, not overlapping
            (TwoNewChildren(ch.S2, top + 0x10000, 0, top + 0x10000, 0x1000), false), // an empty one at the other's start
            // One wraps past 2^64 into the lowest sibling's range: the clause's ends are modular, so it does not overlap it.
            (TwoNewChildren(ch.S2, ulong.MaxValue - 0xfff, lowBase + 0x2000, top + 0x10000, 0x1000), false),
            // Alone in a group: one wraps (end 0x1000), the other spans [0x800, 2^64 - 0x800), past the first's start.
            (TwoNewChildren(ch.S2, ulong.MaxValue - 0xfff, 0x2000, 0x800, ulong.MaxValue - 0x1000, ownGroup: true), true),
            (TwoNewChildren(ch.S2, ulong.MaxValue - 0xfff, 0x2000, 0x1000, ulong.MaxValue - 0x2000, ownGroup: true), false),
        };
        foreach (var (post, broken) in cases)
        {
            var eval = new KernelEval(RefinementSpec.Spec);
            var counts = new TouchedCounts();
            var (touched, full) = Evaluate(eval, ch.S2, post, null, counts);
            full.Contains(ChildrenDisjoint).ShouldBe(broken);
            touched.ShouldBe(full);
            counts.Full.ShouldBe(0);
        }
    }

    [Fact]
    public void Planted_disjoint_check_against_the_member_below_only_is_caught()
    {
        // The lowest child grows over its siblings: no member starts at or below its start, so
        // comparing it with that member alone finds nothing; the member below its end overlaps it.
        var ch = CopyChain.Make();
        ShouldBeMissedOnlyWith(ch.S2, LowestGrowsOverSiblings(ch.S2), ChildrenDisjoint, new TouchedFaults { DisjointBelowStartOnly = true });
        Evaluate(new KernelEval(RefinementSpec.Spec), ch.S2, LowestGrowsOverSiblings(ch.S2), null).Touched.ShouldContain(ChildrenDisjoint);
    }
}
