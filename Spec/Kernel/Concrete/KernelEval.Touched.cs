using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>How many invariant clauses a touched-only check skipped, evaluated on changed keys only, or evaluated in full.</summary>
public sealed class TouchedCounts
{
    public long Skipped { get; set; }

    public long Keyed { get; set; }

    public long Full { get; set; }
}

public sealed partial class KernelEval
{
    private const string DirtyName = "a.dirty";
    private const string DirtyCountName = "a.dirty.n";
    private readonly Dictionary<string, ImmutableArray<(EvalProgram Program, Sort VarSort)>> keyedVariantCache = [];

    /// <summary>
    /// The clauses <paramref name="post"/> breaks, evaluating only what the step pre → post can have
    /// changed. Sound only when every clause held on <paramref name="pre"/> (the caller's duty):
    /// <list type="bullet">
    /// <item>A state clause reading only fields equal in both states is skipped: its truth is a
    /// function of the fields it reads (EvalDomains makes the quantifiers exact — an id absent from
    /// those fields behaves like a fresh one), so it still holds.</item>
    /// <item>A state clause of the per-key form (<see cref="KeyedReads"/>) is evaluated only on the
    /// instances where some bound variable v is dirty: a key where a field it reads directly at v
    /// changed, or whose value post.G[v] is a key where a field read through G changed. An instance
    /// with no dirty variable makes exactly the reads it made on pre (each F[v] and G[v] is
    /// unchanged, hence each F[G[v]] too) and every other subterm depends only on the variables,
    /// so it has its pre value: true. The other variables range over the union of both states'
    /// domains (exact, as in a full evaluation).</item>
    /// <item>A relational clause of the per-key form (<see cref="KeyedReads.OfRelational"/>: read
    /// directly at bound variables in both states, and syntactically true on a step that changes
    /// nothing) is evaluated only on the instances where some bound variable is a key at which a
    /// field it reads changed. An instance with no such variable reads the same values in pre as in
    /// post, so it has the value of the clause on the step post → post at the same values, which
    /// OfRelational proved true. This needs nothing of pre.</item>
    /// <item>Everything else — clauses not of the per-key form, and any clause reading a field
    /// whose default changed — is evaluated in full.</item>
    /// </list>
    /// </summary>
    public IReadOnlyList<string> BrokenClausesTouched(ConcreteState post, ConcreteState pre, TouchedCounts counts) =>
        BrokenClausesTouched(post, pre, counts, null);

    /// <summary>
    /// As <see cref="BrokenClausesTouched(ConcreteState, ConcreteState, TouchedCounts)"/>, given the
    /// differences of pre → post when the caller knows them (an incremental abstraction does):
    /// <paramref name="changedKeys"/> names exactly the fields that differ (every other field is the
    /// same object in both states), each a map with the same default in both, with the keys at
    /// which it differs. Comparing the maps is then not needed. The caller vouches for the
    /// differences (a wrong set would skip clause instances; the cross-check mode tests that).
    /// </summary>
    public IReadOnlyList<string> BrokenClausesTouched(ConcreteState post, ConcreteState pre, TouchedCounts counts, IReadOnlyDictionary<string, HashSet<Value>>? changedKeys)
    {
        ArgumentNullException.ThrowIfNull(post);
        ArgumentNullException.ThrowIfNull(pre);
        ArgumentNullException.ThrowIfNull(counts);
        var changes = new FieldChanges(pre, post, changedKeys);
        var domains = changedKeys is not null ? DerivedDomains(post, pre, changedKeys) : DomainsOf(post).Union(DomainsOf(pre));
        var full = new EvalEnv(post, pre, null, domains);
        var broken = new List<string>();
        foreach (var c in Clauses)
        {
            if (!c.Relational && c.Reads.All(f => !changes.Changed(f)))
            {
                counts.Skipped++;
                continue;
            }

            bool holds;
            if (c.Keyed is { } keyed && DirtySets(keyed, c.Clause.Vars.Length, changes, post) is { } dirty)
            {
                counts.Keyed++;
                holds = true;
                var variants = KeyedVariants(c);
                for (var j = 0; j < dirty.Length && holds; j++)
                {
                    if (dirty[j].Count == 0) continue;
                    var sort = (BitVecSort)variants[j].VarSort;
                    var args = new Dictionary<string, Value>
                    {
                        ["dirty"] = MapValue.Create(Sort.Map(DomainQuantify.IndexSort, sort), new BitVecValue(sort.Width, 0),
                            dirty[j].Select((v, i) => new KeyValuePair<Value, Value>(new BitVecValue(32, (ulong)i), v))),
                        ["dirty.n"] = new BitVecValue(32, (ulong)dirty[j].Count),
                    };
                    holds = ((BoolValue)variants[j].Program.Run(full with { Args = args })).Value;
                }
            }
            else
            {
                counts.Full++;
                holds = ((BoolValue)c.Program.Run(full)).Value;
            }

            if (!holds) broken.Add(c.Name);
        }

        return broken;
    }

    // With the step's differences known, the post-state's domains are the pre-state's plus the ids
    // of the changed entries (RoleDomains.Plus: a superset of both states' ids, so also their
    // union), kept as the post-state's domains for the next step; recomputed from the whole state
    // every DerivationLimit steps so that ids of entries gone long ago drop out.
    private const int DerivationLimit = 16;

    private RoleDomains DerivedDomains(ConcreteState post, ConcreteState pre, IReadOnlyDictionary<string, HashSet<Value>> changedKeys)
    {
        if (domains.TryGetValue(post, out var known)) return known.Union(DomainsOf(pre));
        if (!domains.TryGetValue(pre, out var before) || before.Derivations >= DerivationLimit) return DomainsOf(post).Union(DomainsOf(pre));
        var derived = before.Plus(post, changedKeys);
        domains.AddOrUpdate(post, derived);
        return derived;
    }

    // Per bound variable, its dirty keys; null when some read cannot be bounded (evaluate in full).
    private static List<Value>[]? DirtySets(KeyedReads keyed, int vars, FieldChanges changes, ConcreteState post)
    {
        var sets = new HashSet<Value>[vars];
        for (var j = 0; j < vars; j++) sets[j] = [];
        foreach (var (field, v) in keyed.Direct)
        {
            if (!changes.Changed(field)) continue;
            if (changes.Keys(field) is not { } keys) return null;
            sets[v].UnionWith(keys);
        }

        foreach (var (field, via, v) in keyed.Hops)
        {
            if (!changes.Changed(field)) continue;
            if (changes.Keys(field) is not { } keys) return null;
            var g = post.Map(via);
            if (keys.Contains(g.Default)) return null; // every key not in G's entries reads a changed key
            // The keys k with G[k] a changed key, through G's inverse (built once per step).
            var inverse = changes.Inverse(via, g);
            foreach (var key in keys)
                if (inverse.TryGetValue(key, out var ks)) sets[v].UnionWith(ks);
        }

        return [.. sets.Select(s => s.ToList())];
    }

    private ImmutableArray<(EvalProgram Program, Sort VarSort)> KeyedVariants(ClauseProgram c)
    {
        if (keyedVariantCache.TryGetValue(c.Name, out var v)) return v;
        var clause = c.Clause;
        var post = KernelState.Symbolic(Spec.Sorts, Pre);
        var before = KernelState.Symbolic(Spec.Sorts, Before);
        var built = new List<(EvalProgram, Sort)>();
        for (var j = 0; j < clause.Vars.Length; j++)
        {
            var vars = clause.Vars.Select(x => ctx.Q.Fresh(x.Name, Spec.Sorts.SortOf(x.Role))).ToArray();
            var body = clause.At(ctx, before, post, [.. vars]);
            for (var i = vars.Length - 1; i >= 0; i--)
            {
                var role = clause.Vars[i].Role;
                var sort = vars[i].Sort;
                var (map, count) = i == j
                    ? (T.Var(DirtyName, Sort.Map(DomainQuantify.IndexSort, sort)), T.Var(DirtyCountName, DomainQuantify.IndexSort))
                    : (T.Var(DomainQuantify.DomainName(role), Sort.Map(DomainQuantify.IndexSort, sort)), T.Var(DomainQuantify.CountName(role), DomainQuantify.IndexSort));
                var index = ctx.Q.Fresh(vars[i].Name + ".i", DomainQuantify.IndexSort);
                body = T.ForAllInRange(index, T.Bv(DomainQuantify.IndexSort, 0), count, T.Let(vars[i], T.Select(map, index), body));
            }

            built.Add((Compile(body), vars[j].Sort));
        }

        keyedVariantCache[c.Name] = v = [.. built];
        return v;
    }

    /// <summary>Which fields differ between two states, and at which keys (computed on demand, once).</summary>
    private sealed class FieldChanges(ConcreteState pre, ConcreteState post, IReadOnlyDictionary<string, HashSet<Value>>? known)
    {
        private readonly Dictionary<string, bool> changed = [];
        private readonly Dictionary<string, HashSet<Value>?> keys = [];
        private readonly Dictionary<string, Dictionary<Value, List<Value>>> inverses = [];

        /// <summary>The entries of post's map <paramref name="field"/> (= <paramref name="map"/>) by value: value → the keys holding it.</summary>
        public Dictionary<Value, List<Value>> Inverse(string field, MapValue map)
        {
            if (inverses.TryGetValue(field, out var inv)) return inv;
            inv = [];
            foreach (var (k, v) in map.Entries)
            {
                if (!inv.TryGetValue(v, out var ks)) inv[v] = ks = [];
                ks.Add(k);
            }

            inverses[field] = inv;
            return inv;
        }

        public bool Changed(string field)
        {
            if (known is not null) return known.ContainsKey(field);
            if (!changed.TryGetValue(field, out var c))
            {
                var a = pre[field];
                var b = post[field];
                changed[field] = c = !ReferenceEquals(a, b) && !a.Equals(b);
            }

            return c;
        }

        /// <summary>The keys where the field's map differs; null when it is not a map or its default changed.</summary>
        public HashSet<Value>? Keys(string field)
        {
            if (known is not null) return known.GetValueOrDefault(field);
            if (keys.TryGetValue(field, out var k)) return k;
            k = null;
            if (pre[field] is MapValue a && post[field] is MapValue b && a.Default.Equals(b.Default))
            {
                k = [];
                foreach (var (key, v) in a.Entries)
                    if (!b.Select(key).Equals(v)) k.Add(key);
                foreach (var (key, v) in b.Entries)
                    if (!a.Select(key).Equals(v)) k.Add(key);
            }

            keys[field] = k;
            return k;
        }
    }
}
