using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// The Eval quantifier domains of one evaluation as values for <see cref="DomainQuantify"/>'s
/// variables: per role, the ids of <see cref="EvalDomains"/> (those present plus two fresh ones)
/// as an index map d.Role and its length d.Role.n. Any superset of the present ids is as exact
/// as the present ids themselves (an id a clause does not find in the maps it reads behaves like
/// the fresh ones), so the union of two states' ids serves a relational check and adding an
/// argument's id serves a step.
/// </summary>
public sealed class RoleDomains
{
    private static readonly Role[] Roles = [.. Enum.GetValues<Role>().Where(r => r != Role.None)];

    private readonly KernelSorts k;
    private readonly Dictionary<Role, HashSet<ulong>> present;
    private readonly Dictionary<Role, (MapValue Map, BitVecValue Count)> values;
    private readonly Dictionary<Role, Value[]> lists;
    // present's sets are never changed after construction, so one dictionary is shared by domains with equal ids.

    private RoleDomains(KernelSorts k, Dictionary<Role, HashSet<ulong>> present)
        : this(k, present, [], [])
    {
    }

    // Domains with the same ids as another's: its sets and its caches of the values built from them,
    // shared (a built value depends only on the role's ids, the same in both; a KernelEval and its
    // domains are used by one thread).
    private RoleDomains(KernelSorts k, Dictionary<Role, HashSet<ulong>> present, Dictionary<Role, (MapValue Map, BitVecValue Count)> values, Dictionary<Role, Value[]> lists)
    {
        this.k = k;
        this.present = present;
        this.values = values;
        this.lists = lists;
    }

    /// <summary>How many steps these domains were carried over by <see cref="Plus"/> since they were last computed from a whole state.</summary>
    public int Derivations { get; private init; }

    /// <summary>
    /// These domains (of a state pre) plus the ids in the entries of <paramref name="state"/> at
    /// <paramref name="changedKeys"/> (per field): a superset of the ids present in
    /// <paramref name="state"/> when every other entry, and every map default, is as in pre —
    /// which is as exact as the present ids themselves (see the class comment), without reading
    /// the unchanged entries. Ids of entries that went away stay: callers recompute from the whole
    /// state after some derivations so the domains do not keep growing.
    /// </summary>
    public RoleDomains Plus(ConcreteState state, IReadOnlyDictionary<string, HashSet<Value>> changedKeys)
    {
        // Only the ids not present yet (mostly none: then these sets, and their built values, are shared as they are).
        var added = new Dictionary<Role, HashSet<ulong>>();
        EvalDomains.AddEntries(k, added, state, changedKeys, present);
        if (added.Count == 0) return new RoleDomains(k, present, values, lists) { Derivations = Derivations + 1 };
        // Copy on write: a role with no new id shares this object's set (sets are never changed
        // after construction) and its built domain value.
        var merged = new Dictionary<Role, HashSet<ulong>>(present);
        foreach (var (r, ids) in added)
        {
            var mine = present.GetValueOrDefault(r);
            var grown = mine is null ? [] : new HashSet<ulong>(mine);
            grown.UnionWith(ids);
            merged[r] = grown;
        }

        var result = new RoleDomains(k, merged) { Derivations = Derivations + 1 };
        foreach (var (r, v) in values)
            if (ReferenceEquals(merged.GetValueOrDefault(r), present.GetValueOrDefault(r))) result.values[r] = v;
        foreach (var (r, v) in lists)
            if (ReferenceEquals(merged.GetValueOrDefault(r), present.GetValueOrDefault(r))) result.lists[r] = v;
        return result;
    }

    /// <summary>The ids present in <paramref name="state"/>, per role.</summary>
    public static RoleDomains Of(KernelSorts k, ConcreteState state) => new(k, EvalDomains.Present(k, state, []));

    /// <summary>These domains with <paramref name="extra"/>'s ids added (this object when they are all present already).</summary>
    public RoleDomains With(IEnumerable<(Role Role, Value Value)> extra)
    {
        var add = extra.Where(e => e.Role != Role.None && e.Value is BitVecValue).ToList();
        // Every id already present, with its CNode / owner part for a slot or grant key (as
        // EvalDomains.Add would add them): the copy would equal these domains, so they serve as they
        // are, with the domain values built for them (a spec step from a state asks for its own
        // domains with the step's arguments, mostly ids of the state).
        if (add.All(e => Present(e.Role, ((BitVecValue)e.Value).Bits)))
            return this;
        var copy = Copy();
        EvalDomains.AddAll(k, copy, add);
        return new RoleDomains(k, copy);
    }

    /// <summary>The union of two states' domains (for a relational check of pre → post).</summary>
    public RoleDomains Union(RoleDomains other)
    {
        if (ReferenceEquals(this, other) || other.SubsetOf(this)) return this;
        if (SubsetOf(other)) return other;
        var copy = Copy();
        foreach (var (r, set) in other.present)
        {
            if (!copy.TryGetValue(r, out var mine)) copy[r] = mine = [];
            mine.UnionWith(set);
        }

        return new RoleDomains(k, copy);
    }

    /// <summary>The value of a domain variable (<see cref="DomainQuantify.DomainName"/> or <see cref="DomainQuantify.CountName"/>).</summary>
    public Value Variable(Role role, bool count)
    {
        if (!values.TryGetValue(role, out var v))
        {
            var sort = k.SortOf(role);
            var ids = Ids(role);
            // Consecutive states mostly have the same ids per role: the map built last time on
            // this thread for the same ids is reused (maps are immutable values).
            var recent = lastBuilt ??= [];
            if (recent.TryGetValue(role, out var r) && ReferenceEquals(r.K, k) && r.Ids.AsSpan().SequenceEqual(ids))
            {
                v = (r.Map, r.Count);
            }
            else
            {
                var mapSort = Sort.Map(DomainQuantify.IndexSort, sort);
                var entries = ids.Select((id, i) => new KeyValuePair<Value, Value>(new BitVecValue(32, (ulong)i), new BitVecValue(sort.Width, id)));
                v = (MapValue.Create(mapSort, new BitVecValue(sort.Width, 0), entries), new BitVecValue(32, (ulong)ids.Length));
                recent[role] = (k, ids, v.Map, v.Count);
            }

            values[role] = v;
        }

        return count ? v.Count : v.Map;
    }

    [ThreadStatic]
    private static Dictionary<Role, (KernelSorts K, ulong[] Ids, MapValue Map, BitVecValue Count)>? lastBuilt;

    /// <summary>The domain of a role as values (<see cref="Ids"/>), for callers that enumerate it themselves.</summary>
    public IReadOnlyList<Value> Values(Role role)
    {
        if (lists.TryGetValue(role, out var list)) return list;
        var ids = Ids(role);
        // As for Variable: the list built last time on this thread for the same ids is reused.
        var recent = lastLists ??= [];
        if (recent.TryGetValue(role, out var r) && ReferenceEquals(r.K, k) && r.Ids.AsSpan().SequenceEqual(ids))
        {
            list = r.Values;
        }
        else
        {
            var width = k.SortOf(role).Width;
            list = [.. ids.Select(id => new BitVecValue(width, id))];
            recent[role] = (k, ids, list);
        }

        lists[role] = list;
        return list;
    }

    [ThreadStatic]
    private static Dictionary<Role, (KernelSorts K, ulong[] Ids, Value[] Values)>? lastLists;

    /// <summary>The ids of a role: those present plus the two smallest absent ones, ascending.</summary>
    public ulong[] Ids(Role role)
    {
        var sort = k.SortOf(role);
        var set = present.GetValueOrDefault(role) ?? [];
        var fresh = new List<ulong>();
        for (ulong x = 0; fresh.Count < 2 && x <= sort.Mask; x++)
            if (!set.Contains(x)) fresh.Add(x);
        return [.. set.Concat(fresh).Order()];
    }

    /// <summary>The literal domains of <see cref="Quantify.Over"/> (for callers that build terms per state).</summary>
    public IReadOnlyDictionary<Role, ImmutableArray<Term>> Terms() =>
        Roles.ToDictionary(r => r, r => Ids(r).Select(x => (Term)T.Bv(k.SortOf(r), x)).ToImmutableArray());

    private bool SubsetOf(RoleDomains other)
    {
        foreach (var (r, set) in present)
        {
            if (set.Count == 0) continue;
            if (!other.present.TryGetValue(r, out var theirs) || !set.IsSubsetOf(theirs)) return false;
        }

        return true;
    }

    // The id is present, and so are the parts EvalDomains.Add adds with it: a slot's CNode and index, a grant key's owner.
    private bool Present(Role r, ulong bits)
    {
        if (!present.TryGetValue(r, out var set) || !set.Contains(bits)) return false;
        return r switch
        {
            Role.Slot => Present(Role.Obj, bits >> k.Config.CNodeIndexBits) && Present(Role.CNodeIndex, bits & k.Index.Mask),
            Role.GrantKey => Present(Role.Obj, bits >> k.Config.GrantIndexBits),
            _ => true,
        };
    }

    private Dictionary<Role, HashSet<ulong>> Copy() => present.ToDictionary(e => e.Key, e => new HashSet<ulong>(e.Value));
}
