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
    // Per role, its ids: a prefix of a pool shared along a chain of states (IdPool). Never changed
    // after construction, so one dictionary is shared by domains with equal ids.
    private readonly Dictionary<Role, (IdPool Pool, int Length)> present;
    // Built from the ids of a role, so shared by domains with the same prefixes.
    private readonly Dictionary<Role, (MapValue Map, BitVecValue Count)> values;
    private readonly Dictionary<Role, IReadOnlyList<Value>> lists;
    private readonly Dictionary<Role, ulong[]> fresh;

    private RoleDomains(KernelSorts k, Dictionary<Role, (IdPool Pool, int Length)> present)
        : this(k, present, [], [], [])
    {
    }

    // Domains with the same ids as another's: its prefixes and its caches of the values built from them,
    // shared (a built value depends only on the role's ids, the same in both; a KernelEval and its
    // domains are used by one thread).
    private RoleDomains(KernelSorts k, Dictionary<Role, (IdPool Pool, int Length)> present, Dictionary<Role, (MapValue Map, BitVecValue Count)> values,
        Dictionary<Role, IReadOnlyList<Value>> lists, Dictionary<Role, ulong[]> fresh)
    {
        this.k = k;
        this.present = present;
        this.values = values;
        this.lists = lists;
        this.fresh = fresh;
    }

    /// <summary>How many ids these domains hold (all roles).</summary>
    public int Size { get; private init; }

    /// <summary>How many they held when last computed from a whole state (<see cref="Of"/>).</summary>
    public int Computed { get; private init; }

    /// <summary>
    /// Carried over so often that they may hold many ids no longer present (an id that went away
    /// stays): more than twice those of the state last computed in full, plus 64. Callers compute
    /// the next state's from its whole state instead, so a state costs O(1) amortised per id added.
    /// </summary>
    public bool Stale => Size > (2 * Computed) + 64;

    /// <summary>
    /// These domains (of a state pre) plus the ids in the entries of <paramref name="state"/> at
    /// <paramref name="changedKeys"/> (per field): a superset of the ids present in
    /// <paramref name="state"/> when every other entry, and every map default, is as in pre —
    /// which is as exact as the present ids themselves (see the class comment), without reading
    /// the unchanged entries. Ids of entries that went away stay (see <see cref="Stale"/>). The new
    /// ids are appended to the pools these share (IdPool): O(ids added), not O(ids).
    /// </summary>
    public RoleDomains Plus(ConcreteState state, IReadOnlyDictionary<string, HashSet<Value>> changedKeys) => Plus(state, changedKeys, false);

    /// <summary>As <see cref="Plus(ConcreteState, IReadOnlyDictionary{string, HashSet{Value}})"/>; <paramref name="plantFreshNotRechecked"/>: planted fault (TouchedFaults.FreshIdsNotRechecked).</summary>
    internal RoleDomains Plus(ConcreteState state, IReadOnlyDictionary<string, HashSet<Value>> changedKeys, bool plantFreshNotRechecked)
    {
        // Only the ids not present yet (mostly none: then these prefixes, and their built values, are shared as they are).
        var added = new Dictionary<Role, HashSet<ulong>>();
        EvalDomains.AddEntries(k, added, state, changedKeys, contains ??= Contains);
        // The same ids added to these domains as by the last Plus: its result (see lastPlus).
        if (lastPlus is { } last && last.Plant == plantFreshNotRechecked && SameIds(last.Added, added)) return last.Result;
        var grown = Grown(added);
        grown.plantFreshNotRechecked = plantFreshNotRechecked;
        if (depth < MemoDepth) lastPlus = (added, plantFreshNotRechecked, grown);
        return grown;
    }

    // The last Plus from these domains: the ids it added and its result. Plus's result is a function
    // of these domains' ids, the ids added and the planted flag alone (the state is read only to
    // find the ids), and a RoleDomains never changes its ids (its caches are functions of them), so
    // Plus adding the same ids again may hand out the same object. This is what shares the domains
    // of equal states across kernels booted alike: the random bench and the property tests run each
    // sequence from the same boot state (one state object, whose domains are computed once) through
    // the same setup syscalls, so each sequence's setup states got domains equal to the last
    // sequence's, each copying its prefix of the pools (the last sequence had appended past it) and
    // building its maps again. Kept only MemoDepth steps from a state computed in full, so that a
    // long-lived root (the first state every kernel shares) holds at most that many domains.
    private (Dictionary<Role, HashSet<ulong>> Added, bool Plant, RoleDomains Result)? lastPlus;
    private Func<Role, ulong, bool>? contains;
    private int depth;
    private const int MemoDepth = 64;

    // The same roles with the same (non-empty) sets of ids.
    private static bool SameIds(Dictionary<Role, HashSet<ulong>> a, Dictionary<Role, HashSet<ulong>> b)
    {
        var count = 0;
        foreach (var (r, ids) in b)
        {
            if (ids.Count == 0) continue;
            count++;
            if (!a.TryGetValue(r, out var theirs) || !theirs.SetEquals(ids)) return false;
        }

        foreach (var (_, ids) in a)
            if (ids.Count > 0) count--;
        return count == 0;
    }

    // Planted fault: the first of the pool's last fresh ids is taken over without testing that it is still absent.
    private bool plantFreshNotRechecked;

    /// <summary>The ids present in <paramref name="state"/>, per role.</summary>
    public static RoleDomains Of(KernelSorts k, ConcreteState state)
    {
        var sets = EvalDomains.Present(k, state, []);
        var present = new Dictionary<Role, (IdPool, int)>();
        var size = 0;
        foreach (var (r, ids) in sets)
        {
            var pool = new IdPool();
            foreach (var id in ids) pool.Add(id);
            present[r] = (pool, pool.Count);
            size += pool.Count;
        }

        return new RoleDomains(k, present) { Size = size, Computed = size };
    }

    /// <summary>These domains with <paramref name="extra"/>'s ids added (this object when they are all present already). <paramref name="extra"/> is enumerated up to twice.</summary>
    public RoleDomains With(IEnumerable<(Role Role, Value Value)> extra)
    {
        // Every id already present, with its CNode / owner part for a slot or grant key (as
        // EvalDomains.Add would add them): the copy would equal these domains, so they serve as they
        // are, with the domain values built for them (a spec step from a state asks for its own
        // domains with the step's arguments, mostly ids of the state). Tested without a list or a
        // closure: this runs for every spec step that quantifies.
        var missing = false;
        foreach (var (role, value) in extra)
        {
            if (role == Role.None || value is not BitVecValue bv || Present(role, bv.Bits)) continue;
            missing = true;
            break;
        }

        if (!missing) return this;
        var add = extra.Where(e => e.Role != Role.None && e.Value is BitVecValue).ToList();
        var added = new Dictionary<Role, HashSet<ulong>>();
        EvalDomains.AddAll(k, added, add, Contains);
        return Grown(added);
    }

    /// <summary>The union of two states' domains (for a relational check of pre → post).</summary>
    public RoleDomains Union(RoleDomains other)
    {
        if (ReferenceEquals(this, other) || other.SubsetOf(this)) return this;
        if (SubsetOf(other)) return other;
        var added = new Dictionary<Role, HashSet<ulong>>();
        foreach (var (r, (pool, length)) in other.present)
        {
            for (var i = 0; i < length; i++)
            {
                if (Contains(r, pool[i])) continue;
                if (!added.TryGetValue(r, out var set)) added[r] = set = [];
                set.Add(pool[i]);
            }
        }

        return Grown(added);
    }

    /// <summary>The value of a domain variable (<see cref="DomainQuantify.DomainName"/> or <see cref="DomainQuantify.CountName"/>).</summary>
    public Value Variable(Role role, bool count)
    {
        if (!values.TryGetValue(role, out var v))
        {
            var sort = k.SortOf(role);
            var (pool, length) = present.GetValueOrDefault(role);
            var f = Fresh(role);
            BitVecValue Index(int i) => new(32, (ulong)i);
            MapValue map;
            // The map built last for a shorter prefix of the same pool with as many fresh ids: the
            // same entries below its length, so only the ids after it and the fresh ids are stored
            // (over the old fresh ids, whose positions are below length + f.Length).
            if (pool?.LastMap is var (l, lf, m) && l <= length && lf.Length == f.Length)
            {
                map = m;
                if (l != length || !lf.AsSpan().SequenceEqual(f))
                {
                    for (var i = l; i < length; i++) map = map.Store(Index(i), new BitVecValue(sort.Width, pool[i]));
                    for (var j = 0; j < f.Length; j++) map = map.Store(Index(length + j), new BitVecValue(sort.Width, f[j]));
                }
            }
            else
            {
                var entries = new List<KeyValuePair<Value, Value>>(length + f.Length);
                for (var i = 0; i < length; i++) entries.Add(new(Index(i), new BitVecValue(sort.Width, pool![i])));
                for (var j = 0; j < f.Length; j++) entries.Add(new(Index(length + j), new BitVecValue(sort.Width, f[j])));
                map = MapValue.Create(Sort.Map(DomainQuantify.IndexSort, sort), new BitVecValue(sort.Width, 0), entries);
            }

            if (pool is not null && (pool.LastMap is not { } last || last.Length <= length)) pool.LastMap = (length, f, map);
            v = (map, Index(length + f.Length));
            values[role] = v;
        }

        return count ? v.Count : v.Map;
    }

    /// <summary>The domain of a role as values (the ids present, then the fresh ones), for callers that enumerate it themselves.</summary>
    public IReadOnlyList<Value> Values(Role role)
    {
        if (lists.TryGetValue(role, out var list)) return list;
        var width = k.SortOf(role).Width;
        var (pool, length) = present.GetValueOrDefault(role);
        list = new DomainList(pool?.Boxed(length, width) ?? [], length, [.. Fresh(role).Select(id => (Value)new BitVecValue(width, id))]);
        lists[role] = list;
        return list;
    }

    /// <summary>The ids of a role: those present plus the two smallest absent ones, ascending.</summary>
    public ulong[] Ids(Role role)
    {
        var (pool, length) = present.GetValueOrDefault(role);
        var ids = new List<ulong>(length + 2);
        for (var i = 0; i < length; i++) ids.Add(pool![i]);
        ids.AddRange(Fresh(role));
        return [.. ids.Order()];
    }

    /// <summary>The literal domains of <see cref="Quantify.Over"/> (for callers that build terms per state).</summary>
    public IReadOnlyDictionary<Role, ImmutableArray<Term>> Terms() =>
        Roles.ToDictionary(r => r, r => Ids(r).Select(x => (Term)T.Bv(k.SortOf(r), x)).ToImmutableArray());

    // The two smallest ids absent from the role's prefix. From the pool's last ones for a prefix
    // no longer than this one (a subset of it): every id below its first was present then, so is
    // now, and so is every id between its first and second; so the first is still the smallest
    // absent if it is absent, and the search for the rest starts at its second. The search cost
    // along a chain is then the ids it passes once.
    private ulong[] Fresh(Role role)
    {
        if (fresh.TryGetValue(role, out var f)) return f;
        var mask = k.SortOf(role).Mask;
        var (pool, length) = present.GetValueOrDefault(role);
        var found = new List<ulong>(2);
        ulong start = 0;
        if (pool?.LastFresh is var (l, lf) && l <= length && lf.Length == 2)
        {
            if (plantFreshNotRechecked || !pool.Contains(lf[0], length)) found.Add(lf[0]);
            start = lf[1];
        }

        for (var x = start; found.Count < 2 && x <= mask; x++)
        {
            if (pool is null || !pool.Contains(x, length)) found.Add(x);
            if (x == ulong.MaxValue) break;
        }

        f = [.. found];
        if (pool is not null && (pool.LastFresh is not { } last || last.Length <= length)) pool.LastFresh = (length, f);
        fresh[role] = f;
        return f;
    }

    // These domains plus the given ids (none of them present), per role: the new ids appended to
    // the role's pool (in place when this prefix is the pool's whole, else to a copy of the prefix);
    // the other roles share this object's prefixes and built values.
    private RoleDomains Grown(Dictionary<Role, HashSet<ulong>> added)
    {
        added = added.Where(e => e.Value.Count > 0).ToDictionary(e => e.Key, e => e.Value);
        if (added.Count == 0) return new RoleDomains(k, present, values, lists, fresh) { Size = Size, Computed = Computed, depth = depth + 1 };
        var merged = new Dictionary<Role, (IdPool, int)>(present);
        var size = Size;
        foreach (var (r, ids) in added)
        {
            var (pool, length) = present.GetValueOrDefault(r);
            var grown = pool?.ForAppend(length) ?? new IdPool();
            foreach (var id in ids) grown.Add(id);
            merged[r] = (grown, grown.Count);
            size += ids.Count;
        }

        var result = new RoleDomains(k, merged) { Size = size, Computed = Computed, depth = depth + 1 };
        foreach (var (r, v) in values)
            if (!added.ContainsKey(r)) result.values[r] = v;
        foreach (var (r, v) in lists)
            if (!added.ContainsKey(r)) result.lists[r] = v;
        foreach (var (r, v) in fresh)
            if (!added.ContainsKey(r)) result.fresh[r] = v;
        return result;
    }

    private bool Contains(Role r, ulong bits) => present.TryGetValue(r, out var p) && p.Pool.Contains(bits, p.Length);

    private bool SubsetOf(RoleDomains other)
    {
        foreach (var (r, (pool, length)) in present)
        {
            if (length == 0) continue;
            if (other.present.TryGetValue(r, out var theirs) && ReferenceEquals(theirs.Pool, pool) && length <= theirs.Length) continue; // a prefix of theirs
            for (var i = 0; i < length; i++)
                if (!other.Contains(r, pool[i])) return false;
        }

        return true;
    }

    // The id is present, and so are the parts EvalDomains.Add adds with it: a slot's CNode and index, a grant key's owner.
    private bool Present(Role r, ulong bits)
    {
        if (!Contains(r, bits)) return false;
        return r switch
        {
            Role.Slot => Present(Role.Obj, bits >> k.Config.CNodeIndexBits) && Present(Role.CNodeIndex, bits & k.Index.Mask),
            Role.GrantKey => Present(Role.Obj, bits >> k.Config.GrantIndexBits),
            _ => true,
        };
    }
}
