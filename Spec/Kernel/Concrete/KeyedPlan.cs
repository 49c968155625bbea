using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// How <see cref="KernelEval"/> enumerates the instances of a per-key clause (<see cref="KeyedReads"/>)
/// whose variable <c>j</c> is dirty: its body as a point program, and for each <c>j</c> a
/// <see cref="KeyedVariant"/> — a guard to test before the other variables are enumerated and,
/// per other variable, where its candidates can be read from instead of its whole domain. Both come
/// from the antecedent of a body of the form <c>A ⇒ B</c> only: an instance whose antecedent is
/// false holds, so it need not be evaluated (see <see cref="KernelEval.BrokenClausesTouched(ConcreteState, ConcreteState, TouchedCounts)"/>).
/// </summary>
internal sealed class KeyedPlan
{
    private KeyedPlan(PointProgram body, ImmutableArray<Role> roles, bool symmetric, ImmutableArray<KeyedVariant> variants,
        KeyedReads keyed, ImmutableArray<PointProgram> computedKeys, ImmutableArray<string?> scanOver, DisjointIndex? disjoint)
    {
        Disjoint = disjoint;
        Body = body;
        Roles = roles;
        Symmetric = symmetric;
        Variants = variants;
        Keyed = keyed;
        ComputedKeys = computedKeys;
        ScanOver = scanOver;
        Dirty = [.. roles.Select(_ => new HashSet<Value>(ValueKeyComparer.Instance))];
        Values = new Value[roles.Length];
        ComputedIndex = [.. computedKeys.Select(_ => new KeyGroups())];
        ComputedGroupOf = [.. computedKeys.Select((key, r) => GroupOf(key, keyed.Computed[r].Var))];
        PlantedComputedIndex = [.. computedKeys.Select(_ => new KeyGroups())];
        InverseFields = [.. keyed.Hops.Select(h => h.Via)
            .Concat(variants.SelectMany(x => x.Others).SelectMany(o => o).OfType<Narrowing.Join>().Select(j => j.Field)).Distinct()];
        ColumnFields = [.. variants.SelectMany(x => x.Others).SelectMany(o => o).OfType<Narrowing.Nested>().Select(n => n.Field).Distinct()];
        At = new Positions(
            [.. keyed.Direct.Select(d => (ConcreteState.IndexOf(d.Field), d.Var))],
            [.. keyed.Hops.Select(h => (ConcreteState.IndexOf(h.Field), ConcreteState.IndexOf(h.Via), h.Var))],
            [.. keyed.Computed.Select(c => (ConcreteState.IndexOf(c.Field), c.Var))],
            [.. scanOver.Select(f => f is null ? -1 : ConcreteState.IndexOf(f))],
            [.. InverseFields.Select(ConcreteState.IndexOf)],
            [.. ColumnFields.Select(ConcreteState.IndexOf)]);
    }

    /// <summary>The fields of <see cref="Keyed"/>, <see cref="ScanOver"/> and <see cref="InverseFields"/> by position in <see cref="KernelState.Fields"/> (-1: none), resolved once.</summary>
    public Positions At { get; }

    internal sealed record Positions((int Field, int Var)[] Direct, (int Field, int Via, int Var)[] Hops, (int Field, int Var)[] Computed, int[] ScanOver, int[] InverseFields, int[] ColumnFields);

    /// <summary>Per computed read, the entries of its variable's antecedent guard grouped by the computed key (KernelEval's ComputedIndex), for one map object.</summary>
    public KeyGroups[] ComputedIndex { get; }

    /// <summary>Per computed read, its key at an entry (k, _) of the guard's map: the key term with the read's variable at k (made once: a closure per check was most of the check's allocation).</summary>
    public Func<Value, Value, Value>[] ComputedGroupOf { get; }

    // The computed key e(k), evaluated with the plan's scratch values (the other variables are not read: e reads only v).
    private Func<Value, Value, Value> GroupOf(PointProgram key, int v) => (k, _) =>
    {
        Values[v] = k;
        return key.Run(Values);
    };

    /// <summary>As <see cref="ComputedIndex"/>, for the planted fault that leaves it unmoved (kept apart).</summary>
    public KeyGroups[] PlantedComputedIndex { get; }

    /// <summary>The post-state fields whose inverse the plan reads (hops, joins): moved along whenever they change, so a step that reads one derives it.</summary>
    public ImmutableArray<string> InverseFields { get; }

    /// <summary>For a clause "members of one group do not overlap", its sorted index (null: not of that shape).</summary>
    public DisjointIndex? Disjoint { get; }

    /// <summary>The post-state maps of Boolean maps whose columns the plan reads (nested narrowings): moved along whenever they change, so a step that reads one derives it.</summary>
    public ImmutableArray<string> ColumnFields { get; }

    /// <summary>Scratch: per variable, its dirty keys in the current check (refilled by each; a plan belongs to one KernelEval, which is not thread-safe).</summary>
    public HashSet<Value>[] Dirty { get; }

    /// <summary>Scratch: the values of the variables of the instance being evaluated.</summary>
    public Value[] Values { get; }

    /// <summary>The clause's reads, over this plan's variables.</summary>
    public KeyedReads Keyed { get; }

    /// <summary>The key term of each of <see cref="Keyed"/>'s computed reads, compiled.</summary>
    public ImmutableArray<PointProgram> ComputedKeys { get; }

    /// <summary>Per variable v, a post-state Boolean field M with M[v] a conjunct of the antecedent (null: none): v's instances outside M's entries hold.</summary>
    public ImmutableArray<string?> ScanOver { get; }

    public PointProgram Body { get; }

    public ImmutableArray<Role> Roles { get; }

    /// <summary>Two variables of one role, and the body with them swapped is the same up to the order of the operands of and, or and equality.</summary>
    public bool Symmetric { get; }

    public ImmutableArray<KeyedVariant> Variants { get; }

    /// <param name="body">The clause body at <paramref name="vars"/>.</param>
    /// <param name="swapped">The clause body at <paramref name="vars"/> in reverse order (used only for two variables).</param>
    /// <param name="guardsFromConclusion">Planted fault: also take guards from the conclusion (wrong: a false conclusion is exactly a break).</param>
    /// <param name="transposeNested">Planted fault: a nested narrowing F[v][t] takes the entries of F[t] (the row) instead of the keys k with F[k][t] (the column).</param>
    public static KeyedPlan Build(Term body, Term? swapped, IReadOnlyList<VarTerm> vars, ImmutableArray<Role> roles, KeyedReads keyed, string postPrefix, string prePrefix,
        bool guardsFromConclusion, bool transposeNested)
    {
        var conjuncts = new List<Term>();
        if (body is AppTerm { Op: Op.Implies } imp)
        {
            Conjunction.Flatten(imp.Args[0], conjuncts);
            if (guardsFromConclusion) Conjunction.Flatten(imp.Args[1], conjuncts);
        }

        var variants = new List<KeyedVariant>();
        for (var j = 0; j < vars.Count; j++)
        {
            var dirty = vars[j];
            bool OnlyDirty(Term t) => Enumerable.Range(0, vars.Count).All(i => i == j || !Mentions(t, vars[i]));
            var guards = vars.Count > 1 ? conjuncts.Where(OnlyDirty).ToList() : [];
            var others = new ImmutableArray<Narrowing>[vars.Count];
            for (var i = 0; i < vars.Count; i++)
            {
                others[i] = i == j ? [] : [.. conjuncts.Select(c => NarrowingOf(c, vars[i], OnlyDirty, postPrefix, prePrefix, vars, transposeNested)).OfType<Narrowing>()];
            }

            var guard = guards.Count == 0 ? null : new PointProgram(guards.Count == 1 ? guards[0] : T.And(guards), vars, postPrefix, prePrefix);
            variants.Add(new KeyedVariant(guard, [.. others]));
        }

        var symmetric = vars.Count == 2 && roles[0] == roles[1] && swapped is not null && SameUpToOrder(body, swapped);
        var scanOver = vars.Select(v => conjuncts.OfType<AppTerm>().Where(c => c.Op == Op.Select && c.Args[1].Equals(v))
            .Select(c => c.Args[0] is VarTerm m && m.Name.StartsWith(postPrefix, StringComparison.Ordinal) && m.Sort is MapSort { Value: BoolSort } ? m.Name[postPrefix.Length..] : null)
            .FirstOrDefault(m => m is not null)).ToImmutableArray();
        return new KeyedPlan(new PointProgram(body, vars, postPrefix, prePrefix), roles, symmetric, [.. variants],
            keyed, [.. keyed.Computed.Select(c => new PointProgram(c.Key, vars, postPrefix, prePrefix))], scanOver,
            symmetric ? DisjointIndex.Of(body, vars, postPrefix) : null);
    }

    // A conjunct M[v] (M a Boolean map not reading v) or G[v] = t (G a post-state field, t not
    // reading v), where M and t read no bound variable but the dirty one.
    private static Narrowing? NarrowingOf(Term c, VarTerm v, Func<Term, bool> onlyDirty, string postPrefix, string prePrefix, IReadOnlyList<VarTerm> vars, bool transposeNested)
    {
        // F[v][t], F a post-state field: v ranges over the keys whose inner map holds t (a scan of F's entries).
        if (c is AppTerm { Op: Op.Select } outer && outer.Args[0] is AppTerm { Op: Op.Select } row && row.Args[1].Equals(v) && row.Args[0] is VarTerm nested
            && nested.Name.StartsWith(postPrefix, StringComparison.Ordinal) && onlyDirty(outer.Args[1]) && outer.Sort is BoolSort)
        {
            return transposeNested && ((MapSort)nested.Sort).Key.Equals(outer.Args[1].Sort)
                ? new Narrowing.TrueKeys(new PointProgram(T.Select(nested, outer.Args[1]), vars, postPrefix, prePrefix))
                : new Narrowing.Nested(nested.Name[postPrefix.Length..], new PointProgram(outer.Args[1], vars, postPrefix, prePrefix));
        }

        if (c is AppTerm { Op: Op.Select } sel && sel.Args[1].Equals(v) && onlyDirty(sel.Args[0]) && sel.Args[0].Sort is MapSort { Value: BoolSort })
            return new Narrowing.TrueKeys(new PointProgram(sel.Args[0], vars, postPrefix, prePrefix));
        if (c is AppTerm { Op: Op.Eq } eq)
        {
            for (var side = 0; side < 2; side++)
            {
                if (eq.Args[side] is AppTerm { Op: Op.Select } g && g.Args[1].Equals(v) && g.Args[0] is VarTerm field
                    && field.Name.StartsWith(postPrefix, StringComparison.Ordinal) && onlyDirty(eq.Args[1 - side]))
                {
                    return new Narrowing.Join(field.Name[postPrefix.Length..], new PointProgram(eq.Args[1 - side], vars, postPrefix, prePrefix));
                }
            }
        }

        return null;
    }


    private static bool Mentions(Term t, VarTerm v) => t.Equals(v) || t.Children.Any(c => Mentions(c, v));

    /// <summary>Equal up to the order of the operands of and, or, equality (each is commutative; evaluation has no side effects).</summary>
    internal static bool SameUpToOrder(Term a, Term b)
    {
        if (a is not AppTerm x || b is not AppTerm y) return a.Equals(b);
        if (x.Op != y.Op || x.P0 != y.P0 || x.P1 != y.P1 || !x.Sort.Equals(y.Sort) || x.Args.Length != y.Args.Length) return false;
        if (x.Op is Op.And or Op.Or) return SameMultiset(x.Args, y.Args);
        if (x.Op == Op.Eq && SameUpToOrder(x.Args[0], y.Args[1]) && SameUpToOrder(x.Args[1], y.Args[0])) return true;
        for (var i = 0; i < x.Args.Length; i++)
            if (!SameUpToOrder(x.Args[i], y.Args[i])) return false;
        return true;
    }

    private static bool SameMultiset(ImmutableArray<Term> xs, ImmutableArray<Term> ys)
    {
        var used = new bool[ys.Length];
        foreach (var x in xs)
        {
            var found = false;
            for (var i = 0; i < ys.Length && !found; i++)
            {
                if (used[i] || !SameUpToOrder(x, ys[i])) continue;
                used[i] = found = true;
            }

            if (!found) return false;
        }

        return true;
    }
}

/// <summary>For one dirty variable: a guard reading only it (null: none), and the narrowings of each other variable (empty for the dirty one).</summary>
internal sealed record KeyedVariant(PointProgram? Guard, ImmutableArray<ImmutableArray<Narrowing>> Others);

/// <summary>Where a bound variable's candidates come from, given the dirty variable.</summary>
internal abstract record Narrowing
{
    private Narrowing() { }

    /// <summary>Binds the state fields its term reads.</summary>
    public void Bind(ConcreteState post, ConcreteState? pre) => (this switch
    {
        TrueKeys t => t.Map,
        Join j => j.Value,
        Nested n => n.Inner,
        _ => throw new InvalidOperationException($"KeyedPlan: unknown narrowing {GetType().Name}"),
    }).Bind(post, pre);

    /// <summary>The antecedent has M[v]: v ranges over the keys where M is true — M's entries, when its default is false.</summary>
    public sealed record TrueKeys(PointProgram Map) : Narrowing;

    /// <summary>The antecedent has G[v] = t: v ranges over the keys where G holds t — when t is not G's default.</summary>
    public sealed record Join(string Field, PointProgram Value) : Narrowing
    {
        /// <summary>The field's position in <see cref="KernelState.Fields"/>.</summary>
        public int At { get; } = ConcreteState.IndexOf(Field);
    }

    /// <summary>The antecedent has F[v][t]: v ranges over the keys k with F[k][t] true — F's entries whose inner map holds t, when the default's does not.</summary>
    public sealed record Nested(string Field, PointProgram Inner) : Narrowing
    {
        /// <summary>The field's position in <see cref="KernelState.Fields"/>.</summary>
        public int At { get; } = ConcreteState.IndexOf(Field);
    }
}
