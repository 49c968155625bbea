namespace Verified.Spec.Kernel;

/// <summary>
/// The touched-only check of a clause of the shape "two live members of one group do not overlap":
/// <c>A[x] ∧ A[y] ∧ x ≠ y ∧ H[x] ∧ H[y] ∧ U[x] = U[y] ⇒ B[x] + S[x] ≤ B[y] ∨ B[y] + S[y] ≤ B[x]</c>
/// (A, H Boolean post-state fields; U the group; [B, B + S) an interval, + modulo the width, ≤
/// unsigned) — children_disjoint, objects of one untyped. A changed key is compared with the one
/// member of its group whose interval can overlap it first, found in a sorted index, not with
/// every member (the generic plan's candidates: the group, O(state)).
/// <para>Soundness. Members are the keys with A and H true. The keys where none of the five fields
/// changed (clean) are members of the same group with the same interval in both states, and every
/// instance over two clean keys held on pre (the caller's duty), so the clean members of a group
/// are pairwise disjoint. Kept in the index are those whose interval does not wrap (B ≤ B + S);
/// the wrapping ones are kept in a list and compared one by one. For pairwise disjoint non-wrapping
/// intervals ordered by (B, E), E = B + S, the ends do not decrease: if B₁ &lt; B₂ then E₂ ≥ B₂ &gt; B₁
/// so disjointness leaves E₁ ≤ B₂ ≤ E₂; if B₁ = B₂ one of them is empty. A member y breaks the
/// instance with x exactly when B[y] &lt; E[x] ∧ B[x] &lt; E[y] (the negated conclusion). The
/// members with B[y] &lt; E[x] are a prefix of the order, and the largest of them has the largest
/// end among them: some member breaks the clause with x if and only if that one does. The changed
/// keys are taken one by one: each member among them is checked against the clean members and the
/// changed ones already checked (which are then disjoint from each other too) and joins the index;
/// so every instance with a changed key is decided, and the rest hold.</para>
/// <para>The index is of the five map objects of one state, moved to the next at the changed keys
/// (each leaves its old place, then rejoins if a member), rebuilt from the pre-state when it is not
/// pre's, and dropped when a check stops at a break. Planted wrong versions: <see cref="TouchedFaults.DisjointBelowStartOnly"/>.</para>
/// </summary>
internal sealed class DisjointIndex
{
    private readonly int[] fields; // A, H, U, B, S by position
    // Per group, its non-wrapping members' intervals in Order (a sorted list: found by binary search,
    // moved by a copy of the tail; a tree allocated a node per member and a view per lookup).
    private readonly Dictionary<Value, List<Interval>> sorted = new(ValueKeyComparer.Instance);
    private readonly Dictionary<Value, KeySet> wrapping = new(ValueKeyComparer.Instance);
    private readonly Dictionary<Value, (Value Group, Interval At)> members = new(ValueKeyComparer.Instance);
    private readonly MapValue?[] of = new MapValue?[5];

    private DisjointIndex(int[] fields) => this.fields = fields;

    private readonly record struct Interval(ulong Base, ulong End, ulong Id);

    private sealed class Order : IComparer<Interval>
    {
        public static readonly Order Instance = new();

        public int Compare(Interval a, Interval b)
        {
            var c = a.Base.CompareTo(b.Base);
            if (c != 0) return c;
            c = a.End.CompareTo(b.End);
            return c != 0 ? c : a.Id.CompareTo(b.Id);
        }
    }

    /// <summary>The index for a clause body of the shape above over <paramref name="vars"/> (x, y), null for any other body.</summary>
    public static DisjointIndex? Of(Term body, IReadOnlyList<VarTerm> vars, string postPrefix)
    {
        if (vars.Count != 2 || body is not AppTerm { Op: Op.Implies } imp || imp.Args[0] is not AppTerm { Op: Op.And } and || and.Args.Length != 6) return null;
        VarTerm? FieldAt(Term t) => t is AppTerm { Op: Op.Select } s && s.Args[0] is VarTerm f && f.Name.StartsWith(postPrefix, StringComparison.Ordinal) ? f : null;
        if (FieldAt(and.Args[0]) is not { } a || FieldAt(and.Args[3]) is not { } h || and.Args[5] is not AppTerm { Op: Op.Eq } eq || FieldAt(eq.Args[0]) is not { } u
            || imp.Args[1] is not AppTerm { Op: Op.Or } or || or.Args.Length != 2 || or.Args[0] is not AppTerm { Op: Op.BvUle } le
            || le.Args[0] is not AppTerm { Op: Op.BvAdd } add || FieldAt(add.Args[0]) is not { } b || FieldAt(add.Args[1]) is not { } s) return null;
        // The body must be exactly the shape rebuilt from the fields found (else: not this clause).
        var (x, y) = (vars[0], vars[1]);
        Term End(Term o) => T.BvAdd(T.Select(b, o), T.Select(s, o));
        var expected = T.Implies(
            T.And(T.Select(a, x), T.Select(a, y), T.Neq(x, y), T.Select(h, x), T.Select(h, y), T.Eq(T.Select(u, x), T.Select(u, y))),
            T.Or(T.BvUle(End(x), T.Select(b, y)), T.BvUle(End(y), T.Select(b, x))));
        if (!expected.Equals(body)) return null;
        return new DisjointIndex([.. new[] { a, h, u, b, s }.Select(f => ConcreteState.IndexOf(f.Name[postPrefix.Length..]))]);
    }

    /// <summary>
    /// Whether every instance with a key of <paramref name="dirty"/> (the keys where one of the
    /// five fields differs between pre and post; every instance without one held on pre) holds on
    /// <paramref name="post"/>; null when the index does not apply (a Boolean field's default is
    /// not false, or a field is not a bit-vector map): the caller then takes the generic route.
    /// <paramref name="body"/> (bound to post) decides the pairs with a wrapping member.
    /// <paramref name="belowStartOnly"/>: planted fault, compares x only with the member whose
    /// start is the greatest not above x's start.
    /// </summary>
    public bool? Holds(IEnumerable<Value> dirty, ConcreteState post, ConcreteState pre, PointProgram body, Value[] vals, bool belowStartOnly)
    {
        for (var i = 0; i < 2; i++)
            if (post.Map(fields[i]).Default is not BoolValue { Value: false } || pre.Map(fields[i]).Default is not BoolValue { Value: false }) return null;
        if (!IsOf(pre))
        {
            if (!Rebuild(pre)) return null;
        }

        foreach (var k in dirty) Leave(k);
        foreach (var k in dirty)
        {
            if (Member(post, k) is not var (group, at)) continue;
            if (!Fits(group, at, k, body, vals, belowStartOnly))
            {
                Array.Clear(of); // partly moved: rebuilt when next needed
                return false;
            }

            Join(k, group, at);
        }

        // The planted fault may have let overlapping members in: its index is not kept.
        if (belowStartOnly) Array.Clear(of);
        else
            for (var i = 0; i < of.Length; i++) of[i] = post.Map(fields[i]);
        return true;
    }

    private bool IsOf(ConcreteState state)
    {
        for (var i = 0; i < of.Length; i++)
            if (!ReferenceEquals(of[i], state.Map(fields[i]))) return false;
        return true;
    }

    private bool Rebuild(ConcreteState state)
    {
        sorted.Clear();
        wrapping.Clear();
        members.Clear();
        Array.Clear(of);
        foreach (var (k, alive) in state.Map(fields[0]).Entries)
        {
            if (alive is not BoolValue { Value: true }) continue;
            if (Member(state, k) is not var (group, at)) continue;
            Join(k, group, at);
        }

        for (var i = 0; i < of.Length; i++) of[i] = state.Map(fields[i]);
        return true;
    }

    // The key's group and interval when it is a member (A and H true), else null.
    private (Value Group, Interval At)? Member(ConcreteState state, Value k)
    {
        if (state.Map(fields[0]).Select(k) is not BoolValue { Value: true } || state.Map(fields[1]).Select(k) is not BoolValue { Value: true }) return null;
        if (state.Map(fields[3]).Select(k) is not BitVecValue b || state.Map(fields[4]).Select(k) is not BitVecValue s || k is not BitVecValue id)
            throw new InvalidOperationException("DisjointIndex: the interval fields are not bit-vector maps over bit-vector keys");
        var mask = b.Width >= 64 ? ulong.MaxValue : (1UL << b.Width) - 1;
        return (state.Map(fields[2]).Select(k), new Interval(b.Bits, (b.Bits + s.Bits) & mask, id.Bits));
    }

    // Whether the member x (group, interval) overlaps no member of its group in the index.
    private bool Fits(Value group, Interval x, Value key, PointProgram body, Value[] vals, bool belowStartOnly)
    {
        if (sorted.TryGetValue(group, out var set) && set.Count > 0)
        {
            if (belowStartOnly)
            {
                var below = LastUpTo(set, new Interval(x.Base, ulong.MaxValue, ulong.MaxValue));
                if (below >= 0 && set[below].Base < x.End && x.Base < set[below].End) return false;
            }
            else if (x.End > 0)
            {
                // The member with the greatest (B, E) among those with B < E[x]: it overlaps x iff any does.
                var last = LastUpTo(set, new Interval(x.End - 1, ulong.MaxValue, ulong.MaxValue));
                if (last >= 0 && x.Base < set[last].End) return false;
            }
        }

        if (wrapping.TryGetValue(group, out var odd))
        {
            foreach (var y in odd)
            {
                (vals[0], vals[1]) = (key, y);
                if (!body.Holds(vals)) return false;
                (vals[0], vals[1]) = (y, key);
                if (!body.Holds(vals)) return false;
            }
        }

        return true;
    }

    // The position of the last interval not above bound in Order (-1: none).
    private static int LastUpTo(List<Interval> set, Interval bound)
    {
        var i = set.BinarySearch(bound, Order.Instance);
        return i >= 0 ? i : ~i - 1;
    }

    private void Join(Value k, Value group, Interval at)
    {
        members[k] = (group, at);
        if (at.End >= at.Base)
        {
            if (!sorted.TryGetValue(group, out var set)) sorted[group] = set = [];
            var i = set.BinarySearch(at, Order.Instance);
            if (i < 0) set.Insert(~i, at); // a member is in the index once (Leave first), and ids differ
        }
        else
        {
            if (!wrapping.TryGetValue(group, out var odd)) wrapping[group] = odd = new KeySet();
            odd.Add(k);
        }
    }

    private void Leave(Value k)
    {
        if (!members.Remove(k, out var m)) return;
        if (m.At.End >= m.At.Base)
        {
            var set = sorted[m.Group];
            var i = set.BinarySearch(m.At, Order.Instance);
            if (i >= 0) set.RemoveAt(i);
        }
        else wrapping[m.Group].Remove(k);
    }
}
