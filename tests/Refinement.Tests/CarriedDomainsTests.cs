using Shouldly;
using Verified.Proofs.Refinement;
using Verified.Spec;
using Verified.Spec.Kernel;
using Xunit;

namespace Verified.Refinement.Tests;

/// <summary>
/// The quantifier domains carried from state to state by the changed keys (RoleDomains.Plus, the
/// ids appended to a pool shared along the chain; the fresh ids advanced from the last ones) must
/// be exactly the ids of every state of the chain plus the two smallest ids absent from them —
/// what the whole states give — for every role, as ids, as the list the touched-only check
/// enumerates, and as the index map the compiled quantifiers read; also on a branch (two next
/// states from one) and when the smallest absent id becomes present.
/// </summary>
public sealed class CarriedDomainsTests
{
    private static readonly KernelSorts K = RefinementSpec.Spec.Sorts;
    private static readonly Role[] Roles = [.. Enum.GetValues<Role>().Where(r => r != Role.None)];

    // The keys at which each field's map differs (every field of these states is a map with an unchanged default).
    private static Dictionary<string, HashSet<Value>> Diff(ConcreteState pre, ConcreteState post)
    {
        var changed = new Dictionary<string, HashSet<Value>>(StringComparer.Ordinal);
        foreach (var f in KernelState.Fields)
        {
            if (pre[f.Name] is not MapValue a || post[f.Name] is not MapValue b || a.Equals(b)) continue;
            a.Default.ShouldBe(b.Default);
            var keys = new HashSet<Value>();
            foreach (var (key, v) in a.Entries) if (!b.Select(key).Equals(v)) keys.Add(key);
            foreach (var (key, v) in b.Entries) if (!a.Select(key).Equals(v)) keys.Add(key);
            changed[f.Name] = keys;
        }

        return changed;
    }

    // The smallest object id absent from the state's ids (and above `after`).
    private static ulong SmallestAbsentObj(IEnumerable<ConcreteState> states, ulong after = 0)
    {
        var ids = states.SelectMany(s => EvalDomains.Present(K, s, []).GetValueOrDefault(Role.Obj) ?? []).ToHashSet();
        var x = after;
        while (ids.Contains(x)) x++;
        return x;
    }

    private static ConcreteState Alive(ConcreteState s, ulong obj) =>
        s.With("ObjAlive", s.Map("ObjAlive").Store(new BitVecValue(K.Obj.Width, obj), BoolValue.True));

    // The domains must be those of the union of the states' ids.
    private static void ShouldBeOf(RoleDomains d, IReadOnlyList<ConcreteState> states)
    {
        foreach (var r in Roles)
        {
            var present = states.SelectMany(s => EvalDomains.Present(K, s, []).GetValueOrDefault(r) ?? []).ToHashSet();
            var fresh = new List<ulong>();
            for (ulong x = 0; fresh.Count < 2 && x <= K.SortOf(r).Mask; x++)
                if (!present.Contains(x)) fresh.Add(x);
            var expected = present.Concat(fresh).Order().ToArray();
            d.Ids(r).ShouldBe(expected, $"ids of {r}");
            d.Values(r).Select(v => ((BitVecValue)v).Bits).Order().ToArray().ShouldBe(expected, $"listed domain of {r}");
            var map = (MapValue)d.Variable(r, false);
            var n = (int)((BitVecValue)d.Variable(r, true)).Bits;
            Enumerable.Range(0, n).Select(i => ((BitVecValue)map.Select(new BitVecValue(32, (ulong)i))).Bits).Order().ToArray().ShouldBe(expected, $"domain map of {r}");
        }
    }

    [Fact]
    public void Carried_domains_are_the_chains_ids_plus_the_two_smallest_absent()
    {
        var (s0, s1, s2, _, _) = CopyChain.Make();
        // The smallest absent object id becomes present (the fresh ids must move past it), then the next one.
        var gap = SmallestAbsentObj([s0, s1, s2]);
        var s3 = Alive(s2, gap);
        var s4 = Alive(s3, SmallestAbsentObj([s3], gap));
        // A branch from s2: another object id.
        var s3b = Alive(s2, SmallestAbsentObj([s3, s4], gap) + 5);

        var d0 = RoleDomains.Of(K, s0);
        ShouldBeOf(d0, [s0]);
        var d1 = d0.Plus(s1, Diff(s0, s1));
        ShouldBeOf(d1, [s0, s1]);
        var d2 = d1.Plus(s2, Diff(s1, s2));
        ShouldBeOf(d2, [s0, s1, s2]);
        var d3 = d2.Plus(s3, Diff(s2, s3));
        ShouldBeOf(d3, [s0, s1, s2, s3]);
        var d4 = d3.Plus(s4, Diff(s3, s4));
        ShouldBeOf(d4, [s0, s1, s2, s3, s4]);
        var d3b = d2.Plus(s3b, Diff(s2, s3b));
        ShouldBeOf(d3b, [s0, s1, s2, s3b]);
        // The earlier domains are unchanged by the later ones appended to their pools.
        ShouldBeOf(d2, [s0, s1, s2]);
        ShouldBeOf(d3, [s0, s1, s2, s3]);
        d4.Union(d2).ShouldBeSameAs(d4, "a prefix of the same pool is a subset");
        ShouldBeOf(d3b.Union(d4), [s0, s1, s2, s3, s4, s3b]);
    }
    [Fact]
    public void Planted_fresh_id_taken_over_unchecked_is_caught()
    {
        // The touched-only check carries the post-state's domains by the changed keys; when the
        // smallest absent object id becomes present, the planted version keeps it as a fresh id.
        var w = new Workload(null, check: false);
        var s0 = Abstraction.Abstract(w.Kernel, new CapIdentities());
        var s1 = Alive(s0, SmallestAbsentObj([s0]));
        foreach (var planted in new[] { true, false })
        {
            var eval = new KernelEval(RefinementSpec.Spec);
            eval.DomainsOf(s0).Ids(Role.Obj); // the pool's fresh ids, from the whole state
            eval.BrokenClausesTouched(s1, s0, new TouchedCounts(), Diff(s0, s1), planted ? new TouchedFaults { FreshIdsNotRechecked = true } : null);
            var d1 = eval.DomainsOf(s1);
            if (planted) d1.Ids(Role.Obj).Distinct().Count().ShouldBeLessThan(d1.Ids(Role.Obj).Length, "a present id is listed again as fresh");
            else ShouldBeOf(d1, [s0, s1]);
        }
    }

    [Fact]
    public void A_state_carried_from_domains_that_turn_out_stale_still_holds_the_pre_states_ids()
    {
        // The touched-only check of s1 -> s2 carries s2's domains from s1's (s1's not computed yet,
        // so CarryKeys answers "carried": the check then quantifies over s2's domains alone, relying
        // on them to hold s1's ids too). s1's, computed later from s0's plus the ids s1 added, turn
        // out stale (more than twice s0's ids plus 64): s2's must then be computed from s2 and still
        // hold s1's ids (d59705f; before it, s2's were computed from s2's whole state alone and the
        // ids s1 held and s2 does not were lost). The premise, that neither check computes s1's
        // domains, holds because every clause reading ObjAlive reads it at bound variables with its
        // other variables narrowed (objects alive with no type are in no group); were it to change,
        // this test would fail (s2's domains would then rightly be its own), not pass unseen.
        var w = new Workload(null, check: false);
        var s0 = Abstraction.Abstract(w.Kernel, new CapIdentities());
        var eval = new KernelEval(RefinementSpec.Spec);
        var d0 = eval.DomainsOf(s0);
        d0.Stale.ShouldBeFalse();
        var added = new List<ulong>();
        var s1 = s0;
        for (var x = SmallestAbsentObj([s0]); added.Count < d0.Size + 100; x = SmallestAbsentObj([s1], x + 1))
        {
            added.Add(x);
            s1 = Alive(s1, x);
        }

        var s2 = s1.With("ObjAlive", s0["ObjAlive"]); // the same values as s0, another state object
        eval.BrokenClausesTouched(s1, s0, new TouchedCounts(), Diff(s0, s1));
        eval.BrokenClausesTouched(s2, s1, new TouchedCounts(), Diff(s1, s2));
        eval.DomainsOf(s1).Stale.ShouldBeTrue("the premise: s1's carried domains are stale");
        var ids = eval.DomainsOf(s2).Ids(Role.Obj).ToHashSet();
        added.Where(x => !ids.Contains(x)).ShouldBeEmpty("s2's domains lost ids of s1 the check relied on");
        ShouldBeOf(eval.DomainsOf(s2), [s1, s2]);
    }
}
