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
/// then only binds values and runs the compiled code.
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
    private EvalProgram? revokeDone;
    private EvalProgram? safecopyOk;

    public KernelSpec Spec { get; } = spec;

    /// <summary>The compiled invariant clauses (full name, the state fields each reads, relational or not).</summary>
    public ImmutableArray<ClauseProgram> Clauses => clauses ??= BuildClauses();

    /// <summary>The quantifier domains of a state (computed once per state object).</summary>
    public RoleDomains DomainsOf(ConcreteState state) => domains.GetValue(state, ComputeDomains);

    // States whose domains, when first needed, are another state's plus the ids at some changed keys (CarryDomains).
    private readonly ConditionalWeakTable<ConcreteState, Carried> carried = [];

    private sealed record Carried(ConcreteState From, StateChanges Changes);

    private RoleDomains ComputeDomains(ConcreteState state)
    {
        if (CarriedByKeys(state) is { } byKeys) return byKeys; // a post-state the invariant check carried (KernelEval.Touched)
        if (carried.TryGetValue(state, out var c) && c.Changes.ByName() is { } keys)
        {
            var from = DomainsOf(c.From);
            if (from.Derivations < DerivationLimit) return from.Plus(state, keys);
        }

        return RoleDomains.Of(Spec.Sorts, state);
    }

    /// <summary>
    /// Makes the quantifier domains of <paramref name="to"/>, which differs from <paramref name="from"/>
    /// only at <paramref name="changes"/> (a spec step's result; not changed afterwards), when first
    /// needed, <paramref name="from"/>'s plus the ids at the changed keys (<see cref="RoleDomains.Plus"/>,
    /// a superset: as exact) instead of a scan of the whole state — and nothing at all when no step
    /// from <paramref name="to"/> evaluates a quantifier. The whole state is scanned still when
    /// <paramref name="from"/>'s were derived too often already or some field changed as a whole.
    /// </summary>
    public void CarryDomains(ConcreteState from, ConcreteState to, StateChanges changes)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(changes);
        if (ReferenceEquals(from, to) || domains.TryGetValue(to, out _)) return;
        carried.AddOrUpdate(to, new Carried(from, changes));
    }

    /// <summary>Applies <paramref name="operation"/> to <paramref name="state"/> with the given argument values.</summary>
    public ConcreteStep Step(string operation, ConcreteState state, IReadOnlyDictionary<string, Value> args)
    {
        var p = OperationOf(operation);
        var env = p.LazyEnv(this, state, args);
        // The error is the first failing check's (Operation.Apply's if-then-else chain over the
        // checks, in order): evaluated check by check, so the checks after the first failing one are
        // not, and the quantifier domains are computed only if a check evaluated quantifies.
        var error = "Ok";
        foreach (var (checkError, check, guard) in p.GuardedChecks)
        {
            if (guard is not null && !((BoolValue)guard.Run(env.For(guard))).Value) continue; // g => q holds when g does not
            if (((BoolValue)check.Run(env.For(check))).Value) continue;
            error = checkError;
            break;
        }

        // The post-state is Ok ? Next : pre field by field (Operation.Apply); the error is known
        // here, so only the chosen side is evaluated — the post terms would each evaluate every
        // check again. On error the state is unchanged (the same object). A field the operation
        // leaves as it was is the pre-state's value (no evaluation needed).
        var nextState = state;
        var changes = new StateChanges();
        if (error == "Ok")
        {
            var next = new (int, Value)[p.Post.Length];
            for (var i = 0; i < next.Length; i++) next[i] = (p.Post[i].Index, p.Post[i].Program.Run(env.For(p.Post[i].Program)));
            nextState = state.WithUnchecked(next);
            p.AddChanges(env, state, nextState, changes);
        }

        var results = p.Results.IsEmpty ? ImmutableDictionary<string, Value>.Empty
            : p.Results.ToImmutableDictionary(r => r.Name, r => r.Program.Run(env.For(r.Program)), StringComparer.Ordinal);
        return new ConcreteStep(error, nextState, results, changes);
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
        revokeDone ??= Compile(CapOps.RevokeDone(ctx, KernelState.Symbolic(Spec.Sorts, Pre), T.Var(ArgPrefix + "slot", Spec.Sorts.Slot)));
        var env = new EvalEnv(state, null, new Dictionary<string, Value> { ["slot"] = slot }, DomainsOf(state).With([(Role.Slot, slot)]));
        return ((BoolValue)revokeDone.Run(env)).Value;
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
        var post = new List<(string, int, EvalProgram)>();
        var keyTerms = new Dictionary<Term, int>();
        var written = new List<(int Field, int[]? Keys)>();
        for (var i = 0; i < KernelState.Fields.Length; i++)
        {
            var f = KernelState.Fields[i];
            var t = f.Get(tr.Next); // evaluated only when the error is Ok (see Step)
            if (t is VarTerm v && v.Name == Pre + f.Name) continue; // unchanged by the operation
            post.Add((f.Name, i, Compile(t)));
            var keys = new List<Term>();
            written.Add((i, WrittenKeys(t, Pre + f.Name, keys) ? [.. keys.Select(k => keyTerms.TryGetValue(k, out var j) ? j : keyTerms[k] = keyTerms.Count)] : null));
        }

        p = new OperationProgram(op, Compile(tr.Error), [.. post], [.. tr.Results.Select(r => (r.Name, Compile(r.Value)))],
            [.. checks.Select(c => (c.Error, Compile(c.Ok)))],
            [.. checks.Select(c => (c.Error, Compile(c.Ok), Guard(c.Ok)))],
            [.. keyTerms.OrderBy(e => e.Value).Select(e => KeyReader(e.Key))], [.. written]);
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

    private static EvalProgram Compile(Term term) => new(Eval.Compile(term));

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

    // The premise g of a check g => q that quantifies where g does not (e.g. retype's "reset =>
    // no live child"): evaluated first, a false premise passes the check without binding the
    // quantifier domains (a run binds every free variable of its program first).
    private static EvalProgram? Guard(Term check)
    {
        if (check is not AppTerm { Op: Op.Implies } i) return null;
        var guard = Compile(i.Args[0]);
        return !guard.ReadsDomains && Compile(i.Args[1]).ReadsDomains ? guard : null;
    }

    // An argument key is read from the arguments (most keys are); any other key term is compiled.
    private static (string? Arg, EvalProgram? Program) KeyReader(Term key) =>
        key is VarTerm v && v.Name.StartsWith(ArgPrefix, StringComparison.Ordinal) ? (v.Name[ArgPrefix.Length..], null) : (null, Compile(key));

    /// <summary>
    /// The environment of one step, its quantifier domains computed on first need: the state's
    /// plus the arguments' ids (<see cref="DomainsOf"/>, <see cref="RoleDomains.With"/>) for a
    /// program that quantifies, none for one that does not.
    /// </summary>
    private sealed class StepEnv(KernelEval eval, OperationProgram p, ConcreteState state, IReadOnlyDictionary<string, Value> args)
    {
        private readonly EvalEnv plain = new(state, null, args, null);
        private EvalEnv? full;

        public IReadOnlyDictionary<string, Value> Args => args;

        public EvalEnv For(EvalProgram program) =>
            !program.ReadsDomains ? plain : full ??= plain with { Domains = eval.DomainsOf(state).With(p.Op.Args.Select(a => (a.Role, args[a.Name]))) };
    }

    private sealed record OperationProgram(
        Operation Op,
        EvalProgram Error,
        ImmutableArray<(string Field, int Index, EvalProgram Program)> Post,
        ImmutableArray<(string Name, EvalProgram Program)> Results,
        ImmutableArray<(string Error, EvalProgram Program)> Checks,
        ImmutableArray<(string Error, EvalProgram Program, EvalProgram? Guard)> GuardedChecks,
        ImmutableArray<(string? Arg, EvalProgram? Program)> KeyReaders,
        ImmutableArray<(int Field, int[]? Keys)> Written)
    {
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
                if (fieldKeys is null || !((MapValue)before).Default.Equals(((MapValue)after).Default))
                {
                    changes.AddDifferences(field, before, after);
                    continue;
                }

                changes.Touch(field);
                foreach (var j in fieldKeys) changes.Add(field, keys[j] ??= KeyReaders[j] is { Arg: { } arg } ? env.Args[arg] : KeyReaders[j].Program!.Run(env.For(KeyReaders[j].Program!)));
            }
        }

        public StepEnv LazyEnv(KernelEval eval, ConcreteState state, IReadOnlyDictionary<string, Value> args)
        {
            CheckArgs(eval, args);
            return new StepEnv(eval, this, state, args);
        }

        public EvalEnv Env(KernelEval eval, ConcreteState state, IReadOnlyDictionary<string, Value> args)
        {
            CheckArgs(eval, args);
            return new EvalEnv(state, null, args, eval.DomainsOf(state).With(Op.Args.Select(a => (a.Role, args[a.Name]))));
        }

        private void CheckArgs(KernelEval eval, IReadOnlyDictionary<string, Value> args)
        {
            foreach (var a in Op.Args)
            {
                if (!args.TryGetValue(a.Name, out var v)) throw new ArgumentException($"{Op.Name}: argument '{a.Name}' is missing", nameof(args));
                if (!v.Sort.Equals(a.SortOf(eval.Spec.Sorts))) throw new ArgumentException($"{Op.Name}: argument '{a.Name}' must have sort {a.SortOf(eval.Spec.Sorts)}, got {v.Sort}", nameof(args));
            }
        }
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
