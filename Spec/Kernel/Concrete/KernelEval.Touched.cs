using System.Collections.Immutable;
using System.Runtime.CompilerServices;

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
    private KeyedPlan?[]? plans;
    private readonly Dictionary<string, KeyedPlan> plantedPlans = [];
    private readonly Dictionary<string, Dictionary<Value, KeySet>> staleInverses = [];

    /// <summary>
    /// The clauses <paramref name="post"/> breaks, evaluating only what the step pre → post can have
    /// changed. Sound only when every clause held on <paramref name="pre"/> (the caller's duty):
    /// <list type="bullet">
    /// <item>A state clause reading only fields equal in both states is skipped: its truth is a
    /// function of the fields it reads (EvalDomains makes the quantifiers exact — an id absent from
    /// those fields behaves like a fresh one), so it still holds.</item>
    /// <item>A state clause of the per-key form (<see cref="KeyedReads"/>) is evaluated only on the
    /// instances where some bound variable v is dirty: a key where a field it reads directly at v
    /// changed, or whose value post.G[v] is a key where a field read through G changed, or whose
    /// computed key e(v) is a key where a field read at e(v) changed. An instance with no dirty
    /// variable makes exactly the reads it made on pre (each F[v], G[v] and F[e(v)] is unchanged,
    /// hence each F[G[v]] too) and every other subterm depends only on the variables, so it has its
    /// pre value: true. The keys with e(v) changed are found among the entries of a Boolean
    /// post-state field M with M[v] a conjunct of the antecedent of A ⇒ B (M's default false; else
    /// the clause is evaluated in full): at any other v the antecedent is false.</item>
    /// <item>A relational clause of the per-key form (<see cref="KeyedReads.OfRelational"/>: read
    /// directly at bound variables in both states, and syntactically true on a step that changes
    /// nothing) is evaluated only on the instances where some bound variable is a key at which a
    /// field it reads changed. An instance with no such variable reads the same values in pre as in
    /// post, so it has the value of the clause on the step post → post at the same values, which
    /// OfRelational proved true. This needs nothing of pre.</item>
    /// <item>Everything else — clauses not of the per-key form, and any clause reading a field
    /// whose default changed — is evaluated in full.</item>
    /// </list>
    /// The instances of a per-key clause with variable j dirty are enumerated here, not by a
    /// quantifier (<see cref="KeyedPlan"/>); leaving out an instance is sound only when it holds:
    /// <list type="bullet">
    /// <item>Guard: when the body is A ⇒ B, a conjunct of A that reads no bound variable but j is
    /// tested first; where it is false every instance with that value of j holds (A is false).</item>
    /// <item>Narrowing: a conjunct M[y] of A, with M a Boolean map reading no bound variable but j,
    /// is false at every y that is not an entry of M when M's default is false, so y ranges over
    /// M's entries; a conjunct G[y] = t of A (G a post-state field, t reading no bound variable but
    /// j) is false at every y where G does not hold t, so when t is not G's default y ranges over
    /// G's inverse at t (none: no instance); a conjunct F[y][t] of A (F a post-state field) is false
    /// at every y whose inner map does not hold t, so when the default's does not, y ranges over
    /// the entries of F whose inner map does: t's column (ColumnGroups: the entries k with F[k][t]
    /// true, any row's entries at t that are not true left out) plus the entries whose row's
    /// default is not false, each tested. Of several, the smallest set is taken. Any other y
    /// ranges over its domain. Ids outside the domain that a narrowing yields are real values of
    /// the sort, so evaluating them cannot report a clause that holds.</item>
    /// <item>Symmetry: two variables of one role whose body with the variables swapped is the same
    /// up to the order of the operands of and, or and equality (<see cref="KeyedPlan.SameUpToOrder"/>):
    /// instance (a, b) has the value of (b, a), so the instances with the second variable dirty are
    /// those with the first variable at the same key; only j = 0 is run, over both dirty sets.</item>
    /// <item>Inverses (value → keys) are kept per field with the map object they are of: an
    /// unchanged field (the same object in the next state) has the same inverse. A changed field's
    /// inverse is derived from the pre-state map's by moving each key where the two maps differ
    /// from its old value's keys to its new value's: exact, so the next step may derive from it.
    /// Any other map's is built from its entries. The same holds of a computed read's index (a
    /// Boolean map's entries grouped by the computed key) and of a nested read's columns (a key
    /// where F differs leaves the columns of its old row's true entries and joins those of its new
    /// row's: every other key's row, hence its place in the columns, is the same in both maps).</item>
    /// </list>
    /// Each has a planted wrong version (<see cref="TouchedFaults"/>) that a test catches.
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
    /// The dictionary and its sets are kept (post's quantifier domains are derived from them when
    /// first needed, up to 16 steps later): the caller must not change them afterwards.
    /// </summary>
    public IReadOnlyList<string> BrokenClausesTouched(ConcreteState post, ConcreteState pre, TouchedCounts counts, IReadOnlyDictionary<string, HashSet<Value>>? changedKeys) =>
        BrokenClausesTouched(post, pre, counts, changedKeys, null);

    /// <summary>As above, with planted wrong shortcuts (<paramref name="faults"/>, for tests: each must be caught by comparing with the full evaluation).</summary>
    public IReadOnlyList<string> BrokenClausesTouched(ConcreteState post, ConcreteState pre, TouchedCounts counts, IReadOnlyDictionary<string, HashSet<Value>>? changedKeys, TouchedFaults? faults)
    {
        ArgumentNullException.ThrowIfNull(post);
        ArgumentNullException.ThrowIfNull(pre);
        ArgumentNullException.ThrowIfNull(counts);
        var changes = (fieldChanges ??= new FieldChanges(inverses, plantedInverses, columns, plantedColumns)).Reset(pre, post, changedKeys, faults is { StaleInverse: true } ? staleInverses : null, faults is { InverseSkipsChanges: true }, faults is { ColumnSkipsChanges: true });
        // The quantifier domains are computed only if an evaluation needs them (most steps none:
        // a keyed clause's partners mostly come from narrowings); see DomainsFor.
        var derived = changedKeys is not null && CarryKeys(post, pre, changedKeys, faults is { FreshIdsNotRechecked: true });
        var domains = (lazyDomains ??= new LazyDomains(this)).Reset(post, pre, derived);
        List<string>? broken = null;
        var masks = ReadMasks;
        var changedMask = masks is null ? 0 : changes.ChangedMask();
        var clauses = Clauses;
        for (var i = 0; i < clauses.Length; i++)
        {
            var c = clauses[i];
            if (!c.Relational && (masks is null ? c.Reads.All(f => !changes.Changed(f)) : (masks[i] & changedMask) == 0))
            {
                counts.Skipped++;
                continue;
            }

            bool holds;
            if (c.Keyed is not null && PlanOf(i, c, faults) is var plan && DirtySets(plan, changes, post, pre, faults is { IgnoreComputedReads: true }, faults is { ComputedIndexSkipsChanges: true }) is { } dirty)
            {
                counts.Keyed++;
                holds = DisjointHolds(plan, dirty, post, pre, faults is { DisjointBelowStartOnly: true })
                    ?? KeyedHolds(plan, dirty, post, pre, changes, domains.Get, faults is { AssumeSymmetric: true });
            }
            else
            {
                counts.Full++;
                holds = ((BoolValue)c.Program.Run(new EvalEnv(post, pre, null, domains.Get()))).Value;
            }

            if (!holds) (broken ??= []).Add(c.Name);
        }

        domains.Reset(null, null, false); // the states are not kept past the check
        return broken ?? (IReadOnlyList<string>)[];
    }

    private LazyDomains? lazyDomains;

    // The quantifier domains of one check, computed only if an evaluation needs them: post's own
    // when they were carried from pre's (a superset of pre's ids), else the union of both states'.
    // One per KernelEval with its delegate made once (a closure per check was most of a check's
    // allocation); a check is not re-entrant.
    private sealed class LazyDomains
    {
        private readonly KernelEval eval;
        private ConcreteState? post;
        private ConcreteState? pre;
        private bool derived;
        private RoleDomains? value;

        public LazyDomains(KernelEval eval)
        {
            this.eval = eval;
            Get = Compute;
        }

        public Func<RoleDomains> Get { get; }

        public LazyDomains Reset(ConcreteState? post, ConcreteState? pre, bool derived)
        {
            (this.post, this.pre, this.derived, value) = (post, pre, derived, null);
            return this;
        }

        private RoleDomains Compute()
        {
            if (value is not null) return value;
            var p = post ?? throw new InvalidOperationException("KernelEval: domains asked for outside a check");
            return value = derived ? eval.DomainsOf(p) : eval.DomainsOf(p).Union(eval.DomainsOf(pre!));
        }
    }

    // Every instance with some variable j at one of its dirty keys (the rest of the instances hold,
    // see BrokenClausesTouched): per j, each dirty key, then the other variables over their
    // candidates. A symmetric clause runs only j = 0, over the dirty keys of both variables.
    private static bool KeyedHolds(KeyedPlan plan, HashSet<Value>[] dirty, ConcreteState post, ConcreteState pre, FieldChanges changes, Func<RoleDomains> domains, bool assumeSymmetric)
    {
        var n = plan.Roles.Length;
        plan.Body.Bind(post, pre);
        var variants = n;
        if (n == 2 && (plan.Symmetric || (assumeSymmetric && plan.Roles[0] == plan.Roles[1])))
        {
            variants = 1;
            // The plan's own scratch sets (DirtySets): the second's keys join the first's.
            AddAll(dirty[0], dirty[1]);
            dirty[1].Clear();
        }

        var vals = plan.Values;
        for (var j = 0; j < variants; j++)
        {
            if (dirty[j].Count == 0) continue;
            var variant = plan.Variants[j];
            variant.Guard?.Bind(post, pre);
            foreach (var others in variant.Others)
                foreach (var w in others) w.Bind(post, pre);
            foreach (var x in dirty[j])
            {
                vals[j] = x;
                if (variant.Guard is { } g && !g.Holds(vals)) continue;
                if (!Others(plan, variant, j, 0, vals, changes, domains, post)) return false;
            }
        }

        return true;
    }

    // A clause "members of one group do not overlap" through its sorted index (DisjointIndex, whose
    // comment has the argument); null when the clause has none or it does not apply to these states.
    private static bool? DisjointHolds(KeyedPlan plan, HashSet<Value>[] dirty, ConcreteState post, ConcreteState pre, bool belowStartOnly)
    {
        if (plan.Disjoint is not { } index) return null;
        // Both variables read the five fields directly: the dirty keys are the same for both; one pass over them.
        AddAll(dirty[0], dirty[1]);
        dirty[1].Clear();
        plan.Body.Bind(post, pre);
        return index.Holds(dirty[0], post, pre, plan.Body, plan.Values, belowStartOnly);
    }

    // The instances with variable j fixed, over variables i..n-1 (other than j).
    private static bool Others(KeyedPlan plan, KeyedVariant variant, int j, int i, Value[] vals, FieldChanges changes, Func<RoleDomains> domains, ConcreteState post)
    {
        if (i == j) i++;
        if (i >= vals.Length) return plan.Body.Holds(vals);
        var candidates = Candidates(variant.Others[i], vals, changes, post) ?? domains().Values(plan.Roles[i]);
        for (var c = 0; c < candidates.Count; c++)
        {
            vals[i] = candidates[c];
            if (!Others(plan, variant, j, i + 1, vals, changes, domains, post)) return false;
        }

        return true;
    }

    // The smallest candidate set any narrowing gives (null: none applies, the whole domain).
    private static IReadOnlyList<Value>? Candidates(ImmutableArray<Narrowing> narrowings, Value[] vals, FieldChanges changes, ConcreteState post)
    {
        // Counted before any set is built: a join's inverse and a nested read's columns are shared
        // and cached, a Boolean map's entry count is known without listing them.
        IReadOnlyList<Value>? best = null;
        MapValue? bestMap = null;
        var bestCount = int.MaxValue;
        foreach (var w in narrowings)
        {
            if (w is not Narrowing.Join jn) continue;
            var g = post.Map(jn.At);
            var at = jn.Value.Run(vals);
            if (at.Equals(g.Default)) continue;
            var keys = changes.Inverse(jn.At, g).GetValueOrDefault(at);
            if (keys is null) return [];
            if (keys.Count < bestCount) (best, bestCount) = (keys, keys.Count);
        }

        foreach (var w in narrowings)
        {
            if (w is not Narrowing.TrueKeys t) continue;
            var m = (MapValue)t.Map.Run(vals);
            if (m.Default is BoolValue { Value: false } && m.Entries.Count < bestCount) (best, bestMap, bestCount) = (null, m, m.Entries.Count);
        }

        foreach (var w in narrowings)
        {
            if (w is not Narrowing.Nested nested) continue;
            var f = post.Map(nested.At);
            var inner = nested.Inner.Run(vals);
            if (((MapValue)f.Default).Select(inner) is not BoolValue { Value: false }) continue;
            // The keys k with F[k][t] true: among F's entries (any other k reads the default row,
            // false at t), those in t's column, and those whose row's default is not false (tested).
            var columns = changes.Column(nested.At, f);
            var column = columns.Column(inner);
            if (columns.Odd.Count == 0)
            {
                if ((column?.Count ?? 0) < bestCount) (best, bestMap, bestCount) = (column ?? (IReadOnlyList<Value>)[], null, column?.Count ?? 0);
                continue;
            }

            var found = column is null ? new List<Value>() : [.. column];
            foreach (var k in columns.Odd)
                if (((MapValue)f.Select(k)).Select(inner) is BoolValue { Value: true } && column?.Contains(k) != true) found.Add(k);
            if (found.Count < bestCount) (best, bestMap, bestCount) = (found, null, found.Count);
        }

        return bestMap is not null ? KeysOf(bestMap) : best;
    }

    // With the step's differences known, the post-state's domains are the pre-state's plus the ids
    // of the changed entries (RoleDomains.Plus: a superset of both states' ids, so also their
    // union), computed when first needed — by this check or by a later step from this state —
    // from the pre-state's, computed or carried the same way. Ids of entries gone stay until the
    // domains are Stale (grown past twice the last whole computation): the next are then computed
    // from the whole state. A chain of carried states whose domains were not computed yet is at
    // most DerivationLimit long (the state after it is computed from its whole state when needed),
    // so a carried state holds at most that many others.
    private const int DerivationLimit = 16;

    private readonly ConditionalWeakTable<ConcreteState, CarriedKeys> carriedKeys = [];

    private sealed record CarriedKeys(ConcreteState From, IReadOnlyDictionary<string, HashSet<Value>> Keys, int Depth, bool PlantFresh);

    // Whether post's domains (when first needed) are pre's plus the ids at changedKeys: a superset
    // of pre's ids too. False: post's are computed from the whole state, without pre's.
    private bool CarryKeys(ConcreteState post, ConcreteState pre, IReadOnlyDictionary<string, HashSet<Value>> changedKeys, bool plantFresh)
    {
        if (ReferenceEquals(post, pre)) return true;
        if (carriedKeys.TryGetValue(post, out var known)) return ReferenceEquals(known.From, pre);
        if (domains.TryGetValue(post, out _)) return false;
        // Stale pre-domains are not carried (CarriedByKeys would compute post's from its whole
        // state, without pre's ids, while the caller relies on their superset): answer false, so
        // the check takes the union of both states' domains.
        if (domains.TryGetValue(pre, out var preDomains) && preDomains.Stale) return false;
        var depth = preDomains is not null ? 0 : carriedKeys.TryGetValue(pre, out var c) ? c.Depth : 0;
        if (depth >= DerivationLimit) return false;
        carriedKeys.AddOrUpdate(post, new CarriedKeys(pre, changedKeys, depth + 1, plantFresh));
        return true;
    }

    // The domains of a state carried by CarryKeys (null: not carried), its entry dropped once
    // computed so that the states before it can go.
    private RoleDomains? CarriedByKeys(ConcreteState state)
    {
        if (!carriedKeys.TryGetValue(state, out var c)) return null;
        var from = DomainsOf(c.From);
        carriedKeys.Remove(state);
        // CarryKeys promised a superset of the pre-state's ids: pre's domains, computed after that
        // promise, may have turned out stale (too large to carry further), and then the post-state's
        // own ids with pre's keep the promise.
        return from.Stale ? RoleDomains.Of(Spec.Sorts, state).Union(from) : from.Plus(state, c.Keys, c.PlantFresh);
    }

    // Per bound variable, its dirty keys; null when some read cannot be bounded (evaluate in full).
    private static HashSet<Value>[]? DirtySets(KeyedPlan plan, FieldChanges changes, ConcreteState post, ConcreteState pre, bool ignoreComputed, bool skipComputedChanges)
    {
        var at = plan.At;
        var sets = plan.Dirty;
        // Cleared for this check; a set grown large by an earlier step is replaced, as clearing it
        // would cost its capacity on every later step.
        for (var i = 0; i < sets.Length; i++)
        {
            if (sets[i].EnsureCapacity(0) > 64) sets[i] = new HashSet<Value>(ValueKeyComparer.Instance);
            else sets[i].Clear();
        }

        // Inverses the plan reads are moved along with every change (cheap: the changed keys), so
        // that the step that reads one derives it instead of building it.
        foreach (var f in at.InverseFields)
            if (changes.Changed(f)) changes.Inverse(f, post.Map(f));
        foreach (var f in at.ColumnFields)
            if (changes.Changed(f)) changes.Column(f, post.Map(f));
        foreach (var (field, v) in at.Direct)
        {
            if (!changes.Changed(field)) continue;
            if (changes.Keys(field) is not { } keys) return null;
            AddAll(sets[v], keys);
        }

        foreach (var (field, via, v) in at.Hops)
        {
            if (!changes.Changed(field)) continue;
            if (changes.Keys(field) is not { } keys) return null;
            var g = post.Map(via);
            if (keys.Contains(g.Default)) return null; // every key not in G's entries reads a changed key
            // The keys k with G[k] a changed key, through G's inverse.
            var inverse = changes.Inverse(via, g);
            foreach (var key in keys)
                if (inverse.TryGetValue(key, out var ks)) AddAll(sets[v], ks);
        }

        for (var r = 0; r < at.Computed.Length && !ignoreComputed; r++)
        {
            var (field, v) = at.Computed[r];
            var fieldChanged = changes.Changed(field);
            // The keys k with e(k) a changed key, among the entries of the antecedent's guard M[v]
            // (M's default false): any other k has M[k] false, so its instances hold. They are
            // read from M's entries grouped by e (ComputedIndex), kept up to date whenever M
            // changes, so that the step that needs it derives it from the previous step's.
            if (at.ScanOver[v] is var over && (over < 0 || post.Map(over) is not { Default: BoolValue { Value: false } }))
            {
                if (fieldChanged) return null;
                continue;
            }

            if (!fieldChanged && !changes.Changed(over)) continue;
            var byKey = ComputedIndex(plan, r, over, post.Map(over), changes, pre, skipComputedChanges);
            if (!fieldChanged) continue;
            if (changes.Keys(field) is not { } keys) return null;
            foreach (var key in keys)
                if (byKey.TryGetValue(key, out var ks)) AddAll(sets[v], ks);
        }

        return sets;
    }

    // into ∪= from, through the sets' struct enumerators (UnionWith takes an IEnumerable: a boxed enumerator and interface calls per key).
    private static void AddAll(HashSet<Value> into, HashSet<Value> from)
    {
        foreach (var k in from) into.Add(k);
    }

    private static void AddAll(HashSet<Value> into, KeySet from)
    {
        for (var i = 0; i < from.Count; i++) into.Add(from[i]);
    }

    // The entries of m (post's Boolean field `over`) grouped by the value of computed key r at them:
    // e(k) -> the keys k. The plan keeps one per computed read, for one map object: when that is
    // pre's map of the field and the keys where post's differs are known, it is brought to post's
    // by moving those keys (e reads no state, so e(k) is the same in both); else it is built from
    // m's entries. skip: planted fault, the keys are not moved (the index stays pre's).
    private static Dictionary<Value, KeySet> ComputedIndex(KeyedPlan plan, int r, int over, MapValue m, FieldChanges changes, ConcreteState pre, bool skip)
    {
        var groups = skip ? plan.PlantedComputedIndex[r] : plan.ComputedIndex[r];
        if (ReferenceEquals(groups.Map, m)) return groups.Groups;
        var groupOf = plan.ComputedGroupOf[r];
        if (groups.Map is { } before && ReferenceEquals(before, pre[over]) && changes.Keys(over) is { } differ)
            groups.Move(m, differ, groupOf, skip);
        else
            groups.Rebuild(m, groupOf);
        return groups.Groups;
    }

    // Per clause, the fields it reads as a bit set over KernelState.Fields (null: more fields than bits).
    private static readonly Dictionary<string, int> FieldIndex = KernelState.Fields.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
    private ulong[]? readMasks;

    private ulong[]? ReadMasks => KernelState.Fields.Length > 64 ? null : readMasks ??= [.. Clauses.Select(c => c.Reads.Aggregate(0UL, (m, f) => m | (1UL << FieldIndex[f])))];

    // The plan of a keyed clause (its reads again, over the plan's own variables); planted faults get their own plans.
    private KeyedPlan PlanOf(int index, ClauseProgram c, TouchedFaults? faults)
    {
        var guards = faults is { GuardsFromConclusion: true };
        var transpose = faults is { TransposeNested: true };
        if (!guards && !transpose)
        {
            plans ??= new KeyedPlan?[Clauses.Length];
            return plans[index] ??= BuildPlan(c, false, false);
        }

        var name = $"{c.Name}/{guards}/{transpose}";
        if (!plantedPlans.TryGetValue(name, out var plan)) plantedPlans[name] = plan = BuildPlan(c, guards, transpose);
        return plan;
    }

    private KeyedPlan BuildPlan(ClauseProgram c, bool guards, bool transpose)
    {
        var clause = c.Clause;
        var post = KernelState.Symbolic(Spec.Sorts, Pre);
        var before = KernelState.Symbolic(Spec.Sorts, Before);
        var vars = clause.Vars.Select(x => ctx.Q.Fresh(x.Name, Spec.Sorts.SortOf(x.Role))).ToArray();
        var body = clause.At(ctx, before, post, [.. vars]);
        var keyed = (clause.Relational ? KeyedReads.OfRelational(body, clause.At(ctx, post, post, [.. vars]), vars, Pre, Before) : KeyedReads.Of(body, vars, Pre))
            ?? throw new InvalidOperationException($"KernelEval: clause {c.Name} is keyed, but not over fresh variables");
        var swapped = vars.Length == 2 && clause.Vars[0].Role == clause.Vars[1].Role ? clause.At(ctx, before, post, [vars[1], vars[0]]) : null;
        return KeyedPlan.Build(body, swapped, vars, [.. clause.Vars.Select(x => x.Role)], keyed, Pre, Before, guards, transpose);
    }

    // The entries of a map by value (value → the keys holding it), per field: moved along from
    // one step's map to the next (KeyGroups), rebuilt when the map asked for is not the next of the
    // last one (another checker's states, a test's). Planted faults keep theirs apart.
    private readonly KeyGroups?[] inverses = new KeyGroups?[ConcreteState.FieldCount];
    private readonly KeyGroups?[] plantedInverses = new KeyGroups?[ConcreteState.FieldCount];
    private readonly ColumnGroups?[] columns = new ColumnGroups?[ConcreteState.FieldCount];
    private readonly ColumnGroups?[] plantedColumns = new ColumnGroups?[ConcreteState.FieldCount];
    private FieldChanges? fieldChanges;

    private static readonly Func<Value, Value, Value> ByValue = (_, v) => v;

    // The keys of a map's entries, per map object (enumerating an immutable dictionary is slow and
    // allocates; the same inner maps are read step after step).
    private static readonly ConditionalWeakTable<MapValue, Value[]> Keys = new();

    private static Value[] KeysOf(MapValue map) => Keys.GetValue(map, m => [.. m.Entries.Keys]);

    /// <summary>Which fields differ between two states, and at which keys (computed on demand, once), by field position.</summary>
    private sealed class FieldChanges(KeyGroups?[] inverses, KeyGroups?[] plantedInverses, ColumnGroups?[] columns, ColumnGroups?[] plantedColumns)
    {
        private ConcreteState pre = null!;
        private ConcreteState post = null!;
        private Dictionary<string, Dictionary<Value, KeySet>>? staleInverses;
        private bool skipChanges;
        private bool skipColumnChanges;

        // Per field: 0 not compared yet, 1 unchanged, 2 changed; its keys once found (null: not a map, or its default changed).
        private readonly byte[] changed = new byte[ConcreteState.FieldCount];
        private readonly HashSet<Value>?[] keys = new HashSet<Value>?[ConcreteState.FieldCount];
        private readonly bool[] keysFound = new bool[ConcreteState.FieldCount];

        /// <summary>Starts on the step pre → post (one instance per KernelEval, reused step after step: a check is not re-entrant).</summary>
        public FieldChanges Reset(ConcreteState pre, ConcreteState post, IReadOnlyDictionary<string, HashSet<Value>>? known, Dictionary<string, Dictionary<Value, KeySet>>? staleInverses, bool skipChanges, bool skipColumnChanges)
        {
            this.skipColumnChanges = skipColumnChanges;
            this.pre = pre;
            this.post = post;
            this.staleInverses = staleInverses;
            this.skipChanges = skipChanges;
            Array.Clear(keys);
            if (known is null)
            {
                Array.Clear(changed);
                Array.Clear(keysFound);
                return this;
            }

            Array.Fill(changed, (byte)1);
            Array.Fill(keysFound, true);
            foreach (var (field, at) in known)
            {
                if (!FieldIndex.TryGetValue(field, out var i)) continue; // a name that is no field changes no clause's reads
                changed[i] = 2;
                keys[i] = at;
            }

            return this;
        }

        /// <summary>The entries of post's map at position <paramref name="field"/> (= <paramref name="map"/>) by value: value → the keys holding it.</summary>
        public Dictionary<Value, KeySet> Inverse(int field, MapValue map)
        {
            if (staleInverses is not null)
            {
                // Planted fault: cached by field name, so a later step reads the inverse of an older map.
                var name = KernelState.Fields[field].Name;
                if (!staleInverses.TryGetValue(name, out var stale))
                {
                    var fresh = new KeyGroups();
                    fresh.Rebuild(map, ByValue);
                    staleInverses[name] = stale = fresh.Groups;
                }

                return stale;
            }

            var groups = (skipChanges ? plantedInverses : inverses)[field] ??= new KeyGroups();
            if (ReferenceEquals(groups.Map, map)) return groups.Groups;
            // Post's map from pre's, whose inverse this is, at the keys where they differ.
            if (groups.Map is { } before && ReferenceEquals(before, pre[field]) && ReferenceEquals(map, post[field]) && Keys(field) is { } differ)
                groups.Move(map, differ, ByValue, skipChanges);
            else
                groups.Rebuild(map, ByValue);
            return groups.Groups;
        }

        /// <summary>The columns of post's map of Boolean maps at position <paramref name="field"/> (= <paramref name="map"/>): inner key t → the keys k with map[k][t] true.</summary>
        public ColumnGroups Column(int field, MapValue map)
        {
            var groups = (skipColumnChanges ? plantedColumns : columns)[field] ??= new ColumnGroups();
            if (ReferenceEquals(groups.Map, map)) return groups;
            // Post's map from pre's, whose columns these are, at the keys where they differ (as Inverse).
            if (groups.Map is { } before && ReferenceEquals(before, pre[field]) && ReferenceEquals(map, post[field]) && Keys(field) is { } differ)
                groups.Move(map, differ, skipColumnChanges);
            else
                groups.Rebuild(map);
            return groups;
        }

        /// <summary>The changed fields as a bit set over KernelState.Fields (at most 64 of them).</summary>
        public ulong ChangedMask()
        {
            var mask = 0UL;
            for (var i = 0; i < changed.Length; i++)
                if (Changed(i)) mask |= 1UL << i;
            return mask;
        }

        public bool Changed(string field) => Changed(FieldIndex[field]);

        public bool Changed(int field)
        {
            if (changed[field] == 0)
            {
                var a = pre[field];
                var b = post[field];
                changed[field] = !ReferenceEquals(a, b) && !a.Equals(b) ? (byte)2 : (byte)1;
            }

            return changed[field] == 2;
        }

        /// <summary>The keys where the field's map differs; null when it is not a map or its default changed (or, with known changes, when it did not change).</summary>
        public HashSet<Value>? Keys(int field)
        {
            if (keysFound[field]) return keys[field];
            HashSet<Value>? k = null;
            if (pre[field] is MapValue a && post[field] is MapValue b && a.Default.Equals(b.Default))
            {
                k = [];
                foreach (var (key, v) in a.Entries)
                    if (!b.Select(key).Equals(v)) k.Add(key);
                foreach (var (key, v) in b.Entries)
                    if (!a.Select(key).Equals(v)) k.Add(key);
            }

            keysFound[field] = true;
            keys[field] = k;
            return k;
        }
    }
}
