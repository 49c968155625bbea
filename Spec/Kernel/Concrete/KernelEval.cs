using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Verified.Spec.Kernel;

/// <summary>
/// The outcome of one concrete step: the error (Ok or why refused), the next state, the named
/// results, and where the next state may differ from the state stepped (empty on error).
/// </summary>
public sealed record ConcreteStep(string Error, ConcreteState Next, ImmutableDictionary<string, Value> Results, StateChanges Changes)
{
    public bool Ok => Error == "Ok";
}

/// <summary>
/// Evaluates the spec on concrete states with Spec's <c>Eval</c>: the same operation and invariant
/// builders as the proofs, with quantifiers over <see cref="EvalDomains"/> instead of whole sorts.
/// This is what the refinement checker runs after every kernel step. Every term is built once with
/// <see cref="DomainQuantify"/> (domains are variables) and compiled once per instance; a step
/// then only binds values and runs the compiled code. An instance is for one thread at a time: it
/// keeps scratch buffers and caches that it moves along from step to step (the checker holds one
/// per thread).
/// </summary>
public sealed partial class KernelEval(KernelSpec spec)
{
    private const string Pre = "s.";
    private const string Before = "p.";
    private const string ArgPrefix = "a.";

    private readonly Ctx ctx = new(spec.Sorts, new DomainQuantify());
    private readonly Dictionary<string, OperationProgram> operations = [];
    private readonly ConditionalWeakTable<ConcreteState, RoleDomains> domains = [];
    private ImmutableArray<ClauseProgram>? clauses;
    private readonly StepNarrowing narrowing = new();
    private EvalProgram? revokeDone;
    private EvalProgram? safecopyOk;

    public KernelSpec Spec { get; } = spec;

    /// <summary>
    /// Test-only planted wrong shortcut: a check g => q whose premise has conjuncts that do not
    /// quantify is passed when those conjuncts hold (the guard's test inverted) instead of when one
    /// does not, so a check that fails is passed. Eval then disagrees with Z3 (tests/KernelSpec.Tests
    /// EvalZ3AgreementTests) and the refinement checker with the kernel.
    /// </summary>
    public bool PlantGuardInverted { get; set; }

    /// <summary>
    /// The state the caller steps from next (the refinement checker: the judged pre-state): the
    /// narrowed quantifiers' indexes (<see cref="StepNarrowing"/>) are built for it when they
    /// describe no state evaluated; for any other state they are used only when moved to it
    /// (<see cref="MoveIndexes(ConcreteState, ConcreteState, StateChanges)"/>), else the whole
    /// domain is quantified over.
    /// </summary>
    public ConcreteState? IndexAnchor
    {
        get => narrowing.Anchor;
        set
        {
            narrowing.Anchor = value;
            carried.Clear();
        }
    }

    /// <summary>Test-only planted wrong shortcut: a move of the narrowed quantifiers' indexes changes no group (they keep an older state's groups).</summary>
    public bool PlantIndexSkipsMoves
    {
        get => narrowing.PlantSkipMoves;
        set => narrowing.PlantSkipMoves = value;
    }

    /// <summary>
    /// The indexes describing <paramref name="from"/> now describe <paramref name="to"/>, which
    /// differs from it only as <paramref name="changes"/> says (a spec step's result, normalised:
    /// a field not touched is equal, a keyed field differs at most at its keys with the same
    /// default, a whole field anyhow — an index reading one is dropped). The move is made when an
    /// index is first read on <paramref name="to"/> (or a state moved to from it), or when it
    /// becomes the <see cref="IndexAnchor"/>: <paramref name="changes"/> must not change afterwards.
    /// </summary>
    public void MoveIndexes(ConcreteState from, ConcreteState to, StateChanges changes)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(changes);
        narrowing.MoveLater(from, to, changes);
    }

    /// <summary>
    /// As <see cref="MoveIndexes(ConcreteState, ConcreteState, StateChanges)"/> for states that
    /// differ at most at the union of <paramref name="links"/> (a chain of steps from one to the
    /// other, or back: each link's changes from the state before it).
    /// </summary>
    public void MoveIndexes(ConcreteState from, ConcreteState to, IReadOnlyList<StateChanges> links)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(links);
        narrowing.Move(from, to, new StepNarrowing.Chain(links));
    }

    /// <summary>
    /// As <see cref="MoveIndexes(ConcreteState, ConcreteState, StateChanges)"/> with the changes as
    /// the incremental abstraction gives them: the fields named are the only ones that differ,
    /// each a map with the same default in both states, at most at the keys given.
    /// </summary>
    public void MoveIndexes(ConcreteState from, ConcreteState to, IReadOnlyDictionary<string, HashSet<Value>> changedKeys)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(changedKeys);
        narrowing.Move(from, to, new StepNarrowing.ByName(changedKeys));
    }

    /// <summary>
    /// As <see cref="MoveIndexes(ConcreteState, ConcreteState, IReadOnlyDictionary{string, HashSet{Value}})"/>
    /// with the changed keys by field position (null: the field did not change).
    /// </summary>
    public void MoveIndexes(ConcreteState from, ConcreteState to, IReadOnlyList<HashSet<Value>?> changedKeysByField)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(changedKeysByField);
        if (changedKeysByField.Count != ConcreteState.FieldCount) throw new ArgumentException($"MoveIndexes: {changedKeysByField.Count} fields given, the state has {ConcreteState.FieldCount}", nameof(changedKeysByField));
        narrowing.Move(from, to, new StepNarrowing.ByPosition(changedKeysByField));
    }

    /// <summary>How many quantifiers of the operations compiled so far are narrowed; how often one was bound from its index or to the whole domain; how often an index was built from a whole state.</summary>
    public (int Quantifiers, long FromIndex, long Whole, long Rebuilt) Narrowing => (narrowing.Count, narrowing.FromIndex, narrowing.Whole, narrowing.Rebuilt);

    /// <summary>Whether some index of the narrowed quantifiers describes <paramref name="state"/> (so a move from it is worth computing).</summary>
    public bool IndexesDescribe(ConcreteState state) => narrowing.Describes(state);

    /// <summary>For the cross-check: an index describing <paramref name="state"/> that differs from one built afresh from it (null: none).</summary>
    public string? IndexDisagreement(ConcreteState state) => narrowing.Disagreement(state);

    /// <summary>The compiled invariant clauses (full name, the state fields each reads, relational or not).</summary>
    public ImmutableArray<ClauseProgram> Clauses => clauses ??= BuildClauses();

    /// <summary>The quantifier domains of a state (computed once per state object).</summary>
    public RoleDomains DomainsOf(ConcreteState state) => domains.GetValue(state, ComputeDomains);

    // States whose domains, when first needed, are another state's plus the ids at some changed keys (CarryDomains).
    // By reference, cleared when the anchor moves on (a new step: the states a step built are not
    // stepped from again) and at CarriedLimit entries — a state whose entry is gone has its domains
    // computed from the whole state, the same domains. A table of weak references cost a GC handle per state.
    private readonly Dictionary<ConcreteState, Carried> carried = new(ReferenceEqualityComparer.Instance);
    private const int CarriedLimit = 1024;

    private sealed record Carried(ConcreteState From, StateChanges Changes);

    private RoleDomains ComputeDomains(ConcreteState state)
    {
        if (CarriedByKeys(state) is { } byKeys) return byKeys; // a post-state the invariant check carried (KernelEval.Touched)
        if (carried.TryGetValue(state, out var c) && c.Changes.ByName() is { } keys)
        {
            var from = DomainsOf(c.From);
            if (!from.Stale) return from.Plus(state, keys);
        }

        return RoleDomains.Of(Spec.Sorts, state);
    }

    /// <summary>
    /// Makes the quantifier domains of <paramref name="to"/>, which differs from <paramref name="from"/>
    /// only at <paramref name="changes"/> (a spec step's result; not changed afterwards), when first
    /// needed, <paramref name="from"/>'s plus the ids at the changed keys (<see cref="RoleDomains.Plus"/>,
    /// a superset: as exact) instead of a scan of the whole state — and nothing at all when no step
    /// from <paramref name="to"/> evaluates a quantifier. The whole state is scanned still when
    /// <paramref name="from"/>'s have grown too much (<see cref="RoleDomains.Stale"/>) or some field changed as a whole.
    /// </summary>
    public void CarryDomains(ConcreteState from, ConcreteState to, StateChanges changes)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(changes);
        if (ReferenceEquals(from, to) || domains.TryGetValue(to, out _)) return;
        if (carried.Count >= CarriedLimit) carried.Clear();
        carried[to] = new Carried(from, changes);
    }

    /// <summary>Applies <paramref name="operation"/> to <paramref name="state"/> with the given argument values.</summary>
    public ConcreteStep Step(string operation, ConcreteState state, IReadOnlyDictionary<string, Value> args)
    {
        var p = OperationOf(operation);
        var env = p.LazyEnv(this, state, args);
        var error = FirstFailure(p, env);

        // The post-state is Ok ? Next : pre field by field (Operation.Apply); the error is known
        // here, so only the chosen side is evaluated — the post terms would each evaluate every
        // check again. On error the state is unchanged (the same object). A field the operation
        // leaves as it was is the pre-state's value (no evaluation needed).
        var nextState = state;
        var changes = new StateChanges();
        if (error == "Ok")
        {
            // A new state object even when the operation writes no field (a success is another state).
            nextState = p.AllPosts is { } all
                ? state.WithUnchecked(p.PostIndexes.AsSpan(), ((RecordValue)all.Run(env.For(all))).Fields.AsSpan())
                : state.WithUnchecked([], []);
            p.AddChanges(env, state, nextState, changes);
        }

        return new ConcreteStep(error, nextState, p.ResultsOf(env), changes);
    }

    // The error is the first failing check's (Operation.Apply's if-then-else chain over the
    // checks, in order): evaluated check by check, so the checks after the first failing one are
    // not, and the quantifier domains are computed only if a check evaluated quantifies.
    private string FirstFailure(OperationProgram p, StepEnv env)
    {
        foreach (var (errors, check, guard, segment) in p.CheckGroups)
        {
            if (segment)
            {
                // A run of checks that do not quantify, as one program: the position of the first that fails.
                var failed = (int)((BitVecValue)check.Run(env.For(check))).Bits;
                if (failed == errors.Length) continue;
                return errors[failed];
            }

            // g => q holds when a conjunct of g does not (the planted wrong guard: when it does).
            if (guard is not null && ((BoolValue)guard.Run(env.For(guard))).Value == PlantGuardInverted) continue;
            if (((BoolValue)check.Run(env.For(check))).Value) continue;
            return errors[0];
        }

        return "Ok";
    }

    /// <summary>Every check of <paramref name="operation"/> that fails on <paramref name="state"/> (not only the first).</summary>
    public IReadOnlyList<string> FailingChecks(string operation, ConcreteState state, IReadOnlyDictionary<string, Value> args)
    {
        var p = OperationOf(operation);
        var env = p.Env(this, state, args);
        return [.. p.Checks.Where(c => !((BoolValue)c.Program.Run(env)).Value).Select(c => c.Error)];
    }

    /// <summary>
    /// The full names of the state clauses that <paramref name="state"/> violates (empty when every
    /// invariant holds); with <paramref name="pre"/>, also the relational clauses of the step pre → state.
    /// </summary>
    public IReadOnlyList<string> BrokenClauses(ConcreteState state, ConcreteState? pre = null) =>
        BrokenClauses(state, pre, _ => true);

    /// <summary>
    /// As <see cref="BrokenClauses(ConcreteState, ConcreteState?)"/> for the clauses <paramref name="evaluate"/>
    /// selects (the others are not evaluated): the caller's shortcut, which must be sound for its use.
    /// </summary>
    public IReadOnlyList<string> BrokenClauses(ConcreteState state, ConcreteState? pre, Func<ClauseProgram, bool> evaluate)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(evaluate);
        var env = new EvalEnv(state, pre, null, pre is null ? DomainsOf(state) : DomainsOf(state).Union(DomainsOf(pre)));
        var broken = new List<string>();
        foreach (var c in Clauses)
        {
            if (c.Relational && pre is null) continue;
            if (!evaluate(c)) continue;
            if (!((BoolValue)c.Program.Run(env)).Value) broken.Add(c.Name);
        }
        return broken;
    }

    /// <summary>Revoke is complete for the capability in <paramref name="slot"/>.</summary>
    public bool RevokeDone(ConcreteState state, Value slot)
    {
        revokeDone ??= Compile(narrowing.Narrow(CapOps.RevokeDone(ctx, KernelState.Symbolic(Spec.Sorts, Pre), T.Var(ArgPrefix + "slot", Spec.Sorts.Slot))));
        var args = new Dictionary<string, Value> { ["slot"] = slot };
        RoleDomains? whole = null;
        RoleDomains Whole() => whole ??= DomainsOf(state).With([(Role.Slot, slot)]);
        var basic = new EvalEnv(state, null, args, null);
        var env = revokeDone.ReadsDomains ? basic with { Domains = Whole() } : basic;
        return ((BoolValue)revokeDone.Run(env with { Narrowed = narrowing.Domains(state, basic, Whole) })).Value;
    }

    /// <summary>The safecopy access decision on a concrete state.</summary>
    public bool SafecopyOk(ConcreteState state, Value caller, Value granter, Value index, Value gen, Value addr, Value len, Value access)
    {
        Value[] values = [caller, granter, index, gen, addr, len, access];
        string[] names = ["caller", "granter", "index", "gen", "addr", "len", "access"];
        if (safecopyOk is null)
        {
            var t = names.Zip(values, (n, v) => (Term)T.Var(ArgPrefix + n, v.Sort)).ToArray();
            safecopyOk = Compile(GrantOps.SafecopyOk(ctx, KernelState.Symbolic(Spec.Sorts, Pre), t[0], t[1], t[2], t[3], t[4], t[5], t[6]));
        }

        var args = names.Zip(values).ToDictionary(x => x.First, x => x.Second);
        return ((BoolValue)safecopyOk.Run(new EvalEnv(state, null, args, DomainsOf(state)))).Value;
    }

    /// <summary>The boot state with concrete parameters.</summary>
    public ConcreteState Init(Value utBase, Value utSize, Value svcDep, Value svcCore, Value svcEp)
    {
        var (state, _) = Spec.Init(T.Lit(utBase), T.Lit(utSize), T.Lit(svcDep), T.Lit(svcCore), T.Lit(svcEp));
        return ConcreteState.Evaluate(state, Assignment.Empty);
    }

    private OperationProgram OperationOf(string operation)
    {
        if (operations.TryGetValue(operation, out var p)) return p;
        var op = Spec.Operation(operation);
        var pre = KernelState.Symbolic(Spec.Sorts, Pre);
        var tr = op.Apply(ctx, pre, op.SymbolicArgs(Spec.Sorts, ArgPrefix));
        var checks = op.Body(ctx, pre, op.SymbolicArgs(Spec.Sorts, ArgPrefix)).Checks;
        var argNames = op.Args.Select(a => a.Name).ToArray();
        EvalProgram C(Term t) => Compile(ShareSubterms(narrowing.Narrow(t)), argNames);
        var post = new List<(string, int, EvalProgram)>();
        var postTerms = new Dictionary<int, Term>();
        var keyTerms = new Dictionary<Term, int>();
        var written = new List<(int Field, int[]? Keys)>();
        // Each post term as its stores in order (StepKeyed), while every one is a chain of stores.
        var chains = new List<(int Field, (int Key, int Value)[] Stores)>();
        var chainValues = new List<Term>();
        var keyed = true;
        for (var i = 0; i < KernelState.Fields.Length; i++)
        {
            var f = KernelState.Fields[i];
            var t = f.Get(tr.Next); // evaluated only when the error is Ok (see Step)
            if (t is VarTerm v && v.Name == Pre + f.Name) continue; // unchanged by the operation
            post.Add((f.Name, i, C(t)));
            postTerms[i] = t;
            var keys = new List<Term>();
            int KeyIndex(Term k) => keyTerms.TryGetValue(k, out var j) ? j : keyTerms[k] = keyTerms.Count;
            written.Add((i, WrittenKeys(t, Pre + f.Name, keys) ? [.. keys.Select(KeyIndex)] : null));
            var stores = new List<(Term Key, Term Value)>();
            if (keyed &= StoreChain(t, Pre + f.Name, stores))
            {
                var at = chainValues.Count;
                chains.Add((i, [.. stores.Select((x, j) => (KeyIndex(x.Key), at + j))]));
                chainValues.AddRange(stores.Select(x => x.Value));
            }
        }

        // The changed fields' post terms as one program (one run binds the state once), each
        // quantifier they share evaluated once (delete's "last capability to its object" is read by
        // the object's and the task's new state).
        EvalProgram? allPosts = postTerms.Count == 0 ? null
            : C(ShareQuantifiers(T.Record(new RecordSort("Post", [.. post.Select(x => new RecordField(x.Item1, postTerms[x.Item2].Sort))]),
                [.. post.Select(x => postTerms[x.Item2])])));
        p = new OperationProgram(op, C(tr.Error), [.. post], allPosts, [.. tr.Results.Select(r => (r.Name, C(r.Value)))],
            [.. checks.Select(c => (c.Error, C(c.Ok)))],
            CheckGroups([.. checks.Select(c => (c.Error, c.Ok))], argNames, narrowing.Narrow),
            [.. keyTerms.OrderBy(e => e.Value).Select(e => KeyReader(e.Key, argNames))], [.. written])
        {
            Chains = keyed ? [.. chains] : null,
            ChainValues = !keyed || chainValues.Count == 0 ? null
                : C(ShareQuantifiers(T.Record(new RecordSort("Stores", [.. chainValues.Select((v, j) => new RecordField($"v{j}", v.Sort))]), [.. chainValues]))),
        };
        operations[operation] = p;
        return p;
    }

    private ImmutableArray<ClauseProgram> BuildClauses()
    {
        var post = KernelState.Symbolic(Spec.Sorts, Pre);
        var before = KernelState.Symbolic(Spec.Sorts, Before);
        return [.. Spec.Invariants.SelectMany(inv => inv.Clauses.Select(clause =>
        {
            var program = Compile(clause.Quantified(ctx, before, post));
            KeyedReads? keyed = null;
            if (clause.Vars.Length > 0)
            {
                var vars = clause.Vars.Select(v => ctx.Q.Fresh(v.Name, Spec.Sorts.SortOf(v.Role))).ToArray();
                var body = clause.At(ctx, before, post, [.. vars]);
                keyed = clause.Relational
                    ? KeyedReads.OfRelational(body, clause.At(ctx, post, post, [.. vars]), vars, Pre, Before)
                    : KeyedReads.Of(body, vars, Pre);
            }

            return new ClauseProgram(inv.ClauseName(clause), clause, program, program.FieldsRead(Pre), program.FieldsRead(Before), keyed);
        }))];
    }

    private static EvalProgram Compile(Term term, IReadOnlyList<string>? argOrder = null) => new(Eval.Compile(term), argOrder);

    /// <summary>
    /// The keys <paramref name="t"/> writes into the map <paramref name="baseName"/> when it is a
    /// chain of stores over that map (through if-then-else: both branches' keys) — the form of
    /// every operation's update of a field; false for any other term (its changes are then found
    /// by comparing entries).
    /// </summary>
    private static bool WrittenKeys(Term t, string baseName, List<Term> into)
    {
        switch (t)
        {
            case VarTerm v:
                return v.Name == baseName;
            case AppTerm { Op: Op.Store } a:
                into.Add(a.Args[1]);
                return WrittenKeys(a.Args[0], baseName, into);
            case AppTerm { Op: Op.Ite } a:
                return WrittenKeys(a.Args[1], baseName, into) && WrittenKeys(a.Args[2], baseName, into);
            default:
                return false;
        }
    }

    // For a check g => q that quantifies, the conjuncts of g that do not (all of g, as in retype's
    // "reset => no live child", or some, as in delete's "final and a CNode => empty", whose
    // "final" quantifies): evaluated first, one false makes g false and passes the check without
    // evaluating the quantifiers or binding the quantifier domains (a run binds every free
    // variable of its program first). And is commutative and Eval's terms are total, so which
    // conjunct is evaluated first does not change g.
    private static EvalProgram? Guard(Term check, IReadOnlyList<string> argOrder)
    {
        if (check is not AppTerm { Op: Op.Implies } i || !Compile(check).ReadsDomains) return null;
        var conjuncts = i.Args[0] is AppTerm { Op: Op.And } and ? and.Args : [i.Args[0]];
        var plain = conjuncts.Where(c => !Compile(c).ReadsDomains).ToList();
        return plain.Count == 0 ? null : Compile(plain.Count == 1 ? plain[0] : T.And(plain), argOrder);
    }

    /// <summary>
    /// The checks in order as groups: each maximal run of checks that do not quantify as one
    /// program giving the position of the first that fails (the run's length when none does:
    /// nested if-then-else, so the checks after a failing one are not evaluated, as one by one),
    /// and each check that quantifies alone with its guard (evaluated only when reached, so the
    /// quantifier domains are computed only then).
    /// </summary>
    private static ImmutableArray<(string[] Errors, EvalProgram Program, EvalProgram? Guard, bool Segment)> CheckGroups(
        IReadOnlyList<(string Error, Term Ok)> checks, IReadOnlyList<string> argOrder, Func<Term, Term> narrow)
    {
        var groups = new List<(string[], EvalProgram, EvalProgram?, bool)>();
        var run = new List<(string Error, Term Ok)>();
        void Flush()
        {
            if (run.Count == 0) return;
            var position = new BitVecSort(16);
            Term t = T.Bv(position, (ulong)run.Count);
            for (var j = run.Count - 1; j >= 0; j--) t = T.Ite(run[j].Ok, t, T.Bv(position, (ulong)j));
            groups.Add(([.. run.Select(c => c.Error)], Compile(ShareSubterms(t), argOrder), null, true));
            run.Clear();
        }

        foreach (var c in checks)
        {
            if (!Compile(c.Ok).ReadsDomains)
            {
                run.Add(c);
                continue;
            }

            Flush();
            // Its quantifiers narrowed (StepNarrowing): decided by the ids that can matter.
            groups.Add(([c.Error], Compile(ShareSubterms(narrow(c.Ok)), argOrder), Guard(c.Ok, argOrder), false));
        }

        Flush();
        return [.. groups];
    }

    /// <summary>
    /// <paramref name="term"/> with each quantifier that occurs in it more than once (and reads no
    /// variable bound inside the term: only state fields, arguments and domains) let-bound once at
    /// the top: the same value, the quantifier evaluated once (the let is evaluated first, as the
    /// post terms evaluated every occurrence anyway).
    /// </summary>
    internal static Term ShareQuantifiers(Term term)
    {
        var counts = new Dictionary<Term, int>();
        var stack = new Stack<Term>();
        stack.Push(term);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (t is QuantTerm && t.FreeVariables().All(v => v.Name.StartsWith(Pre, StringComparison.Ordinal) || v.Name.StartsWith(ArgPrefix, StringComparison.Ordinal) || v.Name.StartsWith("d.", StringComparison.Ordinal)))
            {
                counts[t] = counts.GetValueOrDefault(t) + 1;
                continue; // a shared quantifier's inner ones go with it
            }

            foreach (var c in t.Children) stack.Push(c);
        }

        var shared = counts.Where(e => e.Value > 1).Select(e => e.Key).ToList();
        if (shared.Count == 0) return term;
        var vars = shared.Select((q, i) => T.Var($"share.{i}", q.Sort)).ToList();
        var byTerm = new Dictionary<Term, VarTerm>();
        for (var i = 0; i < shared.Count; i++) byTerm[shared[i]] = vars[i];
        var body = Replace(term, byTerm);
        for (var i = shared.Count - 1; i >= 0; i--) body = T.Let(vars[i], shared[i], body);
        return body;
    }

    private static Term Replace(Term t, Dictionary<Term, VarTerm> byTerm)
    {
        if (t.Children.Length == 0) return t;
        if (t is QuantTerm && byTerm.TryGetValue(t, out var v)) return v;
        var children = new Term[t.Children.Length];
        var changed = false;
        for (var i = 0; i < children.Length; i++)
        {
            children[i] = Replace(t.Children[i], byTerm);
            changed |= !ReferenceEquals(children[i], t.Children[i]);
        }

        return changed ? T.Rebuild(t, children) : t;
    }

    // An argument key is read from the arguments (most keys are); any other key term is compiled.
    private static (string? Arg, EvalProgram? Program) KeyReader(Term key, IReadOnlyList<string> argOrder) =>
        key is VarTerm v && v.Name.StartsWith(ArgPrefix, StringComparison.Ordinal) ? (v.Name[ArgPrefix.Length..], null) : (null, Compile(key, argOrder));

    /// <summary>
    /// The environment of one step, its quantifier domains computed on first need: the state's
    /// plus the arguments' ids (<see cref="DomainsOf"/>, <see cref="RoleDomains.With"/>) for a
    /// program that quantifies, none for one that does not.
    /// </summary>
    private sealed class StepEnv(KernelEval eval, OperationProgram p, ConcreteState state, IReadOnlyDictionary<string, Value> args, Value[] argValues)
    {
        private EvalEnv? plain;
        private EvalEnv? full;
        private RoleDomains? whole;

        public IReadOnlyDictionary<string, Value> Args => args;

        /// <summary>The arguments in the operation's order.</summary>
        public Value[] ArgValues => argValues;

        // The arguments also by position (the operation's order), which the step's programs read;
        // the narrowed quantifiers' domains from the indexes (their keys read the state and arguments).
        private EvalEnv Plain()
        {
            if (plain is not null) return plain;
            var basic = new EvalEnv(state, null, args, null) { ArgValues = argValues };
            return plain = basic with { Narrowed = eval.narrowing.Domains(state, basic, Whole) };
        }

        private RoleDomains Whole() => whole ??= eval.DomainsOf(state).With(p.Op.Args.Select(a => (a.Role, args[a.Name])));

        public EvalEnv For(EvalProgram program) =>
            !program.ReadsDomains ? Plain() : full ??= Plain() with { Domains = Whole() };
    }

    private sealed record OperationProgram(
        Operation Op,
        EvalProgram Error,
        ImmutableArray<(string Field, int Index, EvalProgram Program)> Post,
        EvalProgram? AllPosts,
        ImmutableArray<(string Name, EvalProgram Program)> Results,
        ImmutableArray<(string Error, EvalProgram Program)> Checks,
        ImmutableArray<(string[] Errors, EvalProgram Program, EvalProgram? Guard, bool Segment)> CheckGroups,
        ImmutableArray<(string? Arg, EvalProgram? Program)> KeyReaders,
        ImmutableArray<(int Field, int[]? Keys)> Written)
    {
        /// <summary>Each written field's stores in the order they apply, as (key reader, position in <see cref="ChainValues"/>' record); null when some post term is not a chain of stores.</summary>
        public ImmutableArray<(int Field, (int Key, int Value)[] Stores)>? Chains { get; init; }

        /// <summary>The stores' values of <see cref="Chains"/> as one record program (null when there are none).</summary>
        public EvalProgram? ChainValues { get; init; }

        /// <summary>The value of key reader <paramref name="j"/>: an argument, or its program run.</summary>
        public Value ReadKey(int j, StepEnv env)
        {
            var positions = keyArgPositions ??= [.. KeyReaders.Select(r => r.Arg is { } a ? Op.Args.IndexOf(Op.Args.First(x => x.Name == a)) : -1)];
            return positions[j] >= 0 ? env.ArgValues[positions[j]] : KeyReaders[j].Program!.Run(env.For(KeyReaders[j].Program!));
        }

        private int[]? keyArgPositions;

        public ImmutableDictionary<string, Value> ResultsOf(StepEnv env) => Results.IsEmpty ? ImmutableDictionary<string, Value>.Empty
            : Results.ToImmutableDictionary(r => r.Name, r => r.Program.Run(env.For(r.Program)), StringComparer.Ordinal);

        /// <summary>The field positions of <see cref="Post"/>, in its order (the fields of <see cref="AllPosts"/>' record).</summary>
        public ImmutableArray<int> PostIndexes { get; } = [.. Post.Select(x => x.Index)];

        /// <summary>
        /// Where <paramref name="next"/> (this operation's success state from <paramref name="state"/>)
        /// may differ: at the written keys of a field updated by stores (each key evaluated once), a
        /// field of another form or whose default moved by its entries' comparison.
        /// </summary>
        public void AddChanges(StepEnv env, ConcreteState state, ConcreteState next, StateChanges changes)
        {
            var keys = new Value?[KeyReaders.Length];
            foreach (var (field, fieldKeys) in Written)
            {
                var before = state[field];
                var after = next[field];
                if (ReferenceEquals(before, after)) continue;
                if (fieldKeys is null || (((MapValue)before).Default is var d0 && ((MapValue)after).Default is var d1 && !ReferenceEquals(d0, d1) && !d0.Equals(d1)))
                {
                    changes.AddDifferences(field, before, after);
                    continue;
                }

                changes.Touch(field);
                foreach (var j in fieldKeys) changes.Add(field, keys[j] ??= ReadKey(j, env));
            }
        }

        public StepEnv LazyEnv(KernelEval eval, ConcreteState state, IReadOnlyDictionary<string, Value> args) =>
            new(eval, this, state, args, CheckArgs(eval, args));

        public EvalEnv Env(KernelEval eval, ConcreteState state, IReadOnlyDictionary<string, Value> args)
        {
            CheckArgs(eval, args);
            var whole = eval.DomainsOf(state).With(Op.Args.Select(a => (a.Role, args[a.Name])));
            var basic = new EvalEnv(state, null, args, whole);
            return basic with { Narrowed = eval.narrowing.Domains(state, basic, () => whole) };
        }

        // The arguments in the operation's order, each of its sort.
        private Value[] CheckArgs(KernelEval eval, IReadOnlyDictionary<string, Value> args)
        {
            var values = new Value[Op.Args.Length];
            var sorts = argSorts ??= [.. Op.Args.Select(a => a.SortOf(eval.Spec.Sorts))];
            for (var i = 0; i < values.Length; i++)
            {
                var a = Op.Args[i];
                if (!args.TryGetValue(a.Name, out var v)) throw new ArgumentException($"{Op.Name}: argument '{a.Name}' is missing", nameof(args));
                if (!ReferenceEquals(v.Sort, sorts[i]) && !v.Sort.Equals(sorts[i])) throw new ArgumentException($"{Op.Name}: argument '{a.Name}' must have sort {sorts[i]}, got {v.Sort}", nameof(args));
                values[i] = v;
            }

            return values;
        }

        private Sort[]? argSorts;
    }
}

/// <summary>
/// One compiled invariant clause, the state fields it reads (of the post-state s. and, if
/// relational, the pre-state p.), and its per-key read form when it has one.
/// </summary>
public sealed record ClauseProgram(string Name, InvariantClause Clause, EvalProgram Program, ImmutableArray<string> Reads, ImmutableArray<string> ReadsBefore, KeyedReads? Keyed)
{
    public bool Relational => Clause.Relational;
}
