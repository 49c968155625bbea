namespace Verified.Spec.Kernel;

/// <summary>
/// Narrowed quantifiers for the operations' steps: a quantifier whose instances can matter only
/// where a conjunct C(x) holds ranges over the ids where C holds, read from an index, instead of
/// over the whole domain — so delete's "no descendants", "last capability to its object", "the
/// CNode is empty" and "no live child" cost the matching ids, not the number of capabilities,
/// slots or objects. A quantifier is rewritten (<see cref="Narrow"/>) to read its domain from the
/// variables n.K / n.K.n, bound per evaluation (<see cref="Domains"/>): to the index's group when
/// the index describes the state evaluated, and to the whole domain otherwise (the same value).
/// <para>Why narrowing keeps the value. The body of ∀x. B(x) is one of ¬(C1 ∧ … ∧ Cn), or
/// (C1 ∧ … ∧ Cn) ⇒ Q with Q = ¬(D1 ∧ …) adding the Dj as conditions; at an x where one condition
/// is false B(x) is true, so leaving x out does not change ∀. The body of ∃x. B(x) is
/// C1 ∧ … ∧ Cn: false where one is false, so leaving x out does not change ∃. Eval's terms are
/// total and have no effects, so the order of the instances does not matter either. The
/// narrowings (each yields a superset of the ids where its conditions all hold):</para>
/// <list type="bullet">
/// <item>Grouped: conditions M[x] (M a Boolean state field whose default is false, so M[x] holds
/// only at M's entries) and e(x) = t (e reads the state only as F[x], t reads only the state and
/// the arguments): the entries of M grouped by e, at group t.</item>
/// <item>Inner: the condition F[x][t] (F a state field of Boolean maps whose default is the
/// constant false map, and every entry's inner map of default false): the entries x of F whose
/// inner map holds t.</item>
/// </list>
/// The ids so found are entries of the state's maps, which the whole domain holds (EvalDomains).
/// <para>The indexes are moved along the states a step or the kernel produced, at the keys where
/// the fields they read changed (<see cref="MoveIndexes(ConcreteState, ConcreteState, StateChanges)"/>):
/// a key's old groups are those of the state moved from, its new ones those of the state moved
/// to, and a key where none of the index's fields changed is in the same groups in both. An index
/// that describes another state than the one evaluated is not used (the whole domain is).</para>
/// </summary>
internal sealed class StepNarrowing
{
    public const string Prefix = "n.";

    private readonly List<NarrowedQuantifier> quantifiers = [];
    private readonly Dictionary<Term, int> byTerm = [];
    private readonly List<StepIndex> indexes = [];
    private readonly Dictionary<string, StepIndex> indexByKey = new(StringComparer.Ordinal);

    /// <summary>Test-only planted fault: a move changes no group (the index keeps the groups of the state it was built for).</summary>
    public bool PlantSkipMoves { get; set; }

    /// <summary>
    /// The state the checker will step from next: an index not describing a state evaluated is
    /// rebuilt for it only when it is this one; and every index used before that does not describe
    /// it is rebuilt for it when it is set (a step may first read an index on a state it built from
    /// this one, which the index then reaches by moves).
    /// </summary>
    public ConcreteState? Anchor
    {
        get => anchor;
        set
        {
            anchor = value;
            if (value is not null)
            {
                foreach (var index in indexes)
                {
                    if (!index.Wanted || ReferenceEquals(index.At, value) || CatchUp(index, value)) continue;
                    index.Rebuild(value);
                    Rebuilt++;
                }
            }

            // The recorded moves lead to states of the last step: no index is asked for them again.
            pending.Clear();
        }
    }

    private ConcreteState? anchor;
    private readonly HashSet<Value> moveKeys = [];

    // Moves recorded and not made yet (MoveLater), by the state moved to: the state moved from and
    // how the two differ (the caller's changes, not changed afterwards). At most PendingLimit, so
    // a caller that never sets the anchor does not keep every state it stepped through.
    private readonly Dictionary<ConcreteState, (ConcreteState From, StateChanges Changes)> pending = new(ReferenceEqualityComparer.Instance);
    private readonly List<(ConcreteState From, ConcreteState To, StateChanges Changes)> path = [];
    private const int PendingLimit = 1024;

    public int Count => quantifiers.Count;

    /// <summary>Quantifier domains bound from an index, and bound to the whole domain (no index for the state, or the narrowing does not apply there).</summary>
    public long FromIndex { get; private set; }

    public long Whole { get; private set; }

    /// <summary>Indexes built from a whole state (the first use, or no move reached the state).</summary>
    public long Rebuilt { get; private set; }

    /// <summary><paramref name="term"/> with every narrowable quantifier reading its own domain variables n.K / n.K.n.</summary>
    public Term Narrow(Term term)
    {
        if (term.Children.Length == 0) return term;
        var children = new Term[term.Children.Length];
        var changed = false;
        for (var i = 0; i < children.Length; i++)
        {
            children[i] = Narrow(term.Children[i]);
            changed |= !ReferenceEquals(children[i], term.Children[i]);
        }

        var t = changed ? T.Rebuild(term, children) : term;
        return t is QuantTerm q && IdOf(q) is { } id ? Renamed(q, id) : t;
    }

    // The quantifier's number when it has the DomainQuantify shape and a narrowing; null otherwise.
    private int? IdOf(QuantTerm q)
    {
        if (byTerm.TryGetValue(q, out var known)) return known;
        if (q.Domain != QuantDomainKind.Range || q.Vars.Length != 1 || q.Body is not LetTerm { Value: AppTerm { Op: Op.Select } sel } let
            || sel.Args[0] is not VarTerm domain || !domain.Name.StartsWith("d.", StringComparison.Ordinal) || !sel.Args[1].Equals(q.Vars[0])
            || q.DomainTerms[1] is not VarTerm count || count.Name != domain.Name + ".n")
            return null;
        var role = Enum.Parse<Role>(domain.Name[2..]);
        var v = let.Var;
        var conditions = new List<Term>();
        switch (q.Kind, let.Body)
        {
            case (Quantifier.ForAll, AppTerm { Op: Op.Not } not):
                Conjunction.Flatten(not.Args[0], conditions);
                break;
            case (Quantifier.ForAll, AppTerm { Op: Op.Implies } imp):
                Conjunction.Flatten(imp.Args[0], conditions);
                if (imp.Args[1] is AppTerm { Op: Op.Not } negated) Conjunction.Flatten(negated.Args[0], conditions);
                break;
            case (Quantifier.Exists, var body):
                Conjunction.Flatten(body, conditions);
                break;
            default:
                return null;
        }

        var narrowing = Grouped(v, conditions) ?? Inner(v, conditions);
        if (narrowing is null) return null;
        var id = quantifiers.Count;
        quantifiers.Add(narrowing with { Role = role, DomainSort = (MapSort)domain.Sort });
        byTerm[q] = id;
        return id;
    }


    private static bool ReadsOnlyStateAndArgs(Term t) =>
        t.FreeVariables().All(x => x.Name.StartsWith("s.", StringComparison.Ordinal) || x.Name.StartsWith("a.", StringComparison.Ordinal));

    // e reads the state only as F[v] (F a field), and no variable but v: the fields it reads, or null.
    private static List<int>? AtVariable(Term e, VarTerm v)
    {
        var fields = new List<int>();
        bool Walk(Term t)
        {
            switch (t)
            {
                case AppTerm { Op: Op.Select } s when s.Args[0] is VarTerm f && f.Name.StartsWith("s.", StringComparison.Ordinal):
                    if (!s.Args[1].Equals(v)) return false;
                    fields.Add(ConcreteState.IndexOf(f.Name[2..]));
                    return true;
                case VarTerm x:
                    return x.Equals(v);
                case QuantTerm or LetTerm or MapUpdateTerm:
                    return false;
                default:
                    return t.Children.All(Walk);
            }
        }

        return Walk(e) ? fields : null;
    }

    private NarrowedQuantifier? Grouped(VarTerm v, List<Term> conditions)
    {
        var member = conditions.OfType<AppTerm>().FirstOrDefault(c => c.Op == Op.Select && c.Args[0] is VarTerm f && f.Name.StartsWith("s.", StringComparison.Ordinal)
            && c.Args[1].Equals(v) && c.Sort is BoolSort);
        if (member is null) return null;
        foreach (var c in conditions)
        {
            if (c is not AppTerm { Op: Op.Eq } eq || eq.Args.Length != 2) continue;
            for (var side = 0; side < 2; side++)
            {
                var e = eq.Args[side];
                var t = eq.Args[1 - side];
                if (!ReadsOnlyStateAndArgs(t) || !e.FreeVariables().Contains(v) || AtVariable(e, v) is not { } reads) continue;
                var m = ConcreteState.IndexOf(((VarTerm)member.Args[0]).Name[2..]);
                return new NarrowedQuantifier(GroupedBy(m, v, e, reads), new EvalProgram(Eval.Compile(t)), Role.None, null!);
            }
        }

        return null;
    }

    // The index of the entries of Boolean field m grouped by e(v), e reading the state only at v
    // (the fields `reads`): one per grouping, whatever the bound variable is named, so the
    // quantifiers of different operations and the checker's lookups (Members) share it.
    private StepIndex GroupedBy(int m, VarTerm v, Term e, IEnumerable<int> reads)
    {
        var canonical = T.Var(Prefix + "x", v.Sort);
        var named = WithVariable(e, v, canonical);
        var key = $"grouped {m} {named}";
        if (!indexByKey.TryGetValue(key, out var index))
        {
            index = new StepIndex.GroupedIndex(m, [m, .. reads.Distinct()], new PointProgram(named, [canonical], "s.", "p."));
            indexByKey[key] = index;
            indexes.Add(index);
        }

        return index;
    }

    private static Term WithVariable(Term t, VarTerm v, VarTerm to)
    {
        if (t is VarTerm x) return x.Equals(v) ? to : t;
        if (t.Children.Length == 0) return t;
        var children = new Term[t.Children.Length];
        for (var i = 0; i < children.Length; i++) children[i] = WithVariable(t.Children[i], v, to);
        return T.Rebuild(t, children);
    }

    /// <summary>
    /// The index of the entries x of Boolean state field <paramref name="member"/> grouped by
    /// <paramref name="group"/>(x), which must read the state only at x (as s.F[x]): the one a
    /// narrowed quantifier with these conditions uses, or a new one.
    /// </summary>
    public StepIndex GroupedIndex(int member, Sort keySort, Func<Term, Term> group)
    {
        var v = T.Var(Prefix + "probe", keySort);
        var e = group(v);
        if (AtVariable(e, v) is not { } reads) throw new ArgumentException($"StepNarrowing: the grouping {e} reads the state elsewhere than at its variable", nameof(group));
        return GroupedBy(member, v, e, reads);
    }

    /// <summary>The index of the entries x of a field of Boolean maps grouped by each key t where the inner map holds (as a narrowed quantifier with the condition F[x][t] uses).</summary>
    public StepIndex InnerIndexOf(int mapField)
    {
        var key = $"inner {mapField}";
        if (!indexByKey.TryGetValue(key, out var index))
        {
            index = new StepIndex.InnerIndex(mapField);
            indexByKey[key] = index;
            indexes.Add(index);
        }

        return index;
    }

    /// <summary>
    /// The ids of group <paramref name="t"/> of <paramref name="index"/> in <paramref name="state"/>,
    /// for a caller outside the quantifiers (the refinement checker's cascade): null when the index
    /// cannot describe the state (no recorded moves reach it and it is not the anchor) or the
    /// narrowing does not apply there. The index is kept describing the checker's states from then
    /// on (Wanted). The collection is the index's own: read it before the index moves again.
    /// </summary>
    public IReadOnlyCollection<Value>? Members(StepIndex index, ConcreteState state, Value t)
    {
        index.Wanted = true;
        return ReadyOrRebuild(index, state) ? index.Group(state, t) : null;
    }

    private NarrowedQuantifier? Inner(VarTerm v, List<Term> conditions)
    {
        foreach (var c in conditions)
        {
            if (c is not AppTerm { Op: Op.Select } outer || outer.Args[0] is not AppTerm { Op: Op.Select } inner || inner.Args[0] is not VarTerm f
                || !f.Name.StartsWith("s.", StringComparison.Ordinal) || !inner.Args[1].Equals(v) || !ReadsOnlyStateAndArgs(outer.Args[1]) || outer.Sort is not BoolSort)
                continue;
            return new NarrowedQuantifier(InnerIndexOf(ConcreteState.IndexOf(f.Name[2..])), new EvalProgram(Eval.Compile(outer.Args[1])), Role.None, null!);
        }

        return null;
    }

    private static Term Renamed(QuantTerm q, int id)
    {
        var let = (LetTerm)q.Body;
        var sel = (AppTerm)let.Value;
        var domain = T.Var($"{Prefix}{id}", sel.Args[0].Sort);
        var count = T.Var($"{Prefix}{id}.n", q.DomainTerms[1].Sort);
        var body = T.Let(let.Var, T.Select(domain, sel.Args[1]), let.Body);
        return q.Kind == Quantifier.ForAll ? T.ForAllInRange(q.Vars[0], q.DomainTerms[0], count, body) : T.ExistsInRange(q.Vars[0], q.DomainTerms[0], count, body);
    }

    /// <summary>
    /// The values of the narrowed quantifiers' domain variables for one evaluation on
    /// <paramref name="state"/>: each computed on first read. <paramref name="keyEnv"/> evaluates
    /// the group keys t (state and arguments); <paramref name="whole"/> gives the whole domains
    /// (the fallback).
    /// </summary>
    public Func<int, bool, Value> Domains(ConcreteState state, EvalEnv keyEnv, Func<RoleDomains> whole)
    {
        Value?[]? cache = null; // made on the first read (most steps read no narrowed quantifier)
        return (id, count) =>
        {
            var at = id * 2 + (count ? 1 : 0);
            if (cache is null || cache.Length < quantifiers.Count * 2) Array.Resize(ref cache, quantifiers.Count * 2);
            if (cache[at] is { } known) return known;
            var q = quantifiers[id];
            q.Index.Wanted = true;
            (Value Map, Value Count) d;
            if (ReadyOrRebuild(q.Index, state) && q.Index.Group(state, q.Key.Run(keyEnv)) is { } group)
            {
                // Most groups are empty or small: the empty domain and the small indexes and counts
                // are made once (values are immutable), and the sorts are checked already.
                var (zero, empty) = EmptyDomain(q.DomainSort);
                if (group.Count == 0) d = (empty, Small(0));
                else
                {
                    var entries = new List<KeyValuePair<Value, Value>>(group.Count);
                    foreach (var x in group) entries.Add(new(Small(entries.Count), x));
                    d = (MapValue.CreateUnchecked(q.DomainSort, zero, entries), Small(entries.Count));
                }

                FromIndex++;
            }
            else
            {
                Whole++;
                var all = whole();
                d = (all.Variable(q.Role, false), all.Variable(q.Role, true));
            }

            cache[id * 2] = d.Map;
            cache[id * 2 + 1] = d.Count;
            return count ? d.Count : d.Map;
        };
    }

    private readonly Dictionary<MapSort, (Value Zero, MapValue Empty)> emptyDomains = [];
    private static readonly BitVecValue[] SmallValues = [.. Enumerable.Range(0, 64).Select(i => new BitVecValue(32, (ulong)i))];

    private static BitVecValue Small(int i) => i < SmallValues.Length ? SmallValues[i] : new BitVecValue(32, (ulong)i);

    private (Value Zero, MapValue Empty) EmptyDomain(MapSort s)
    {
        if (!emptyDomains.TryGetValue(s, out var e))
        {
            var zero = new BitVecValue(((BitVecSort)s.Value).Width, 0);
            emptyDomains[s] = e = (zero, MapValue.Create(s, zero, []));
        }

        return e;
    }

    // The index describes the state: it did already, or it is rebuilt for the anchor.
    private bool ReadyOrRebuild(StepIndex index, ConcreteState state)
    {
        if (ReferenceEquals(index.At, state) || CatchUp(index, state)) return true;
        if (!ReferenceEquals(state, Anchor)) return false;
        index.Rebuild(state);
        Rebuilt++;
        return true;
    }

    /// <summary>
    /// Records that <paramref name="to"/> differs from <paramref name="from"/> only as
    /// <paramref name="changes"/> says (not changed afterwards): an index describing
    /// <paramref name="from"/>, or a state from which recorded moves lead to it, is moved to
    /// <paramref name="to"/> when a quantifier first reads it there (<see cref="CatchUp"/>), or when
    /// <paramref name="to"/> becomes the anchor. Most states a step builds (every object of a
    /// retype, a single operation's result) are never read through an index, so their moves are
    /// never made. The moves made are the same as moving at once along the way, in the same order.
    /// </summary>
    public void MoveLater(ConcreteState from, ConcreteState to, StateChanges changes)
    {
        if (ReferenceEquals(from, to)) return;
        if (pending.Count >= PendingLimit) pending.Clear(); // the indexes then serve no state beyond: whole domains, or a rebuild at the anchor
        pending[to] = (from, changes);
    }

    // Moves the index along the recorded moves that lead from the state it describes to `state`
    // (the last recorded into each state: a path back from `state`); false when none does.
    private bool CatchUp(StepIndex index, ConcreteState state)
    {
        if (index.At is not { } at || pending.Count == 0) return false;
        path.Clear();
        for (var s = state; !ReferenceEquals(s, at);)
        {
            if (path.Count >= PendingLimit || !pending.TryGetValue(s, out var link)) return false;
            path.Add((link.From, s, link.Changes));
            s = link.From;
        }

        for (var i = path.Count - 1; i >= 0 && index.At is not null; i--)
        {
            var (from, to, changes) = path[i];
            MoveOne(index, from, to, new Keyed(changes));
        }

        return ReferenceEquals(index.At, state);
    }

    /// <summary>Moves every index describing <paramref name="from"/> to <paramref name="to"/>, which differs from it only as <paramref name="changes"/> says.</summary>
    public void Move<TChanges>(ConcreteState from, ConcreteState to, TChanges changes) where TChanges : IFieldChanges
    {
        if (ReferenceEquals(from, to)) return;
        foreach (var index in indexes)
            if (ReferenceEquals(index.At, from)) MoveOne(index, from, to, changes);
    }

    private void MoveOne<TChanges>(StepIndex index, ConcreteState from, ConcreteState to, TChanges changes) where TChanges : IFieldChanges
    {
        var keys = moveKeys;
        keys.Clear();
        var whole = false;
        foreach (var f in index.Fields) whole |= changes.AddKeys(f, keys);
        if (whole) index.Forget();
        else if (PlantSkipMoves) index.Relabel(to);
        else index.Move(from, to, keys);
    }

    /// <summary>Where two states differ, field by field: for the index moves.</summary>
    public interface IFieldChanges
    {
        /// <summary>Adds the keys where <paramref name="field"/> may differ to <paramref name="into"/>; true when it may differ as a whole (then the keys do not matter).</summary>
        bool AddKeys(int field, HashSet<Value> into);
    }

    /// <summary>One spec step's changes.</summary>
    public readonly struct Keyed(StateChanges changes) : IFieldChanges
    {
        public bool AddKeys(int field, HashSet<Value> into)
        {
            if (changes.IsWhole(field)) return true;
            if (changes.Keys(field) is { } k) into.UnionWith(k);
            return false;
        }
    }

    /// <summary>The union of a chain of steps' changes (the states at its two ends differ at most there).</summary>
    public readonly struct Chain(IReadOnlyList<StateChanges> links) : IFieldChanges
    {
        public bool AddKeys(int field, HashSet<Value> into)
        {
            for (var i = 0; i < links.Count; i++)
            {
                if (links[i].IsWhole(field)) return true;
                if (links[i].Keys(field) is { } k) into.UnionWith(k);
            }

            return false;
        }
    }

    /// <summary>The same by field position.</summary>
    public readonly struct ByPosition(IReadOnlyList<HashSet<Value>?> changedKeys) : IFieldChanges
    {
        public bool AddKeys(int field, HashSet<Value> into)
        {
            if (changedKeys[field] is { } k) into.UnionWith(k);
            return false;
        }
    }

    /// <summary>The incremental abstraction's changed keys by field name (the fields named are the only ones that differ, each keyed).</summary>
    public readonly struct ByName(IReadOnlyDictionary<string, HashSet<Value>> changedKeys) : IFieldChanges
    {
        public bool AddKeys(int field, HashSet<Value> into)
        {
            if (changedKeys.TryGetValue(KernelState.Fields[field].Name, out var k)) into.UnionWith(k);
            return false;
        }
    }

    public bool Describes(ConcreteState state)
    {
        foreach (var index in indexes)
            if (ReferenceEquals(index.At, state)) return true;
        return false;
    }

    /// <summary>For the cross-check: the first index describing <paramref name="state"/> that differs from one built from it afresh (null: none).</summary>
    public string? Disagreement(ConcreteState state)
    {
        foreach (var index in indexes)
        {
            if (!ReferenceEquals(index.At, state)) continue;
            if (index.Fresh(state) is { } other && !index.SameGroups(other)) return index.Describe();
        }

        return null;
    }

    /// <summary>One narrowed quantifier: its index, its group key t, its role and domain sort.</summary>
    private sealed record NarrowedQuantifier(StepIndex Index, EvalProgram Key, Role Role, MapSort DomainSort);
}
