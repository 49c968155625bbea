using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>The outcome of one concrete step: the error (Ok or why refused), the next state, the named results.</summary>
public sealed record ConcreteStep(string Error, ConcreteState Next, ImmutableDictionary<string, Value> Results)
{
    public bool Ok => Error == "Ok";
}

/// <summary>
/// Evaluates the spec on concrete states with Spec's <c>Eval</c>: the same operation and invariant
/// builders as the proofs, with quantifiers over <see cref="EvalDomains"/> instead of whole sorts.
/// This is what the refinement checker runs after every kernel step.
/// </summary>
public sealed class KernelEval(KernelSpec spec)
{
    private const string Pre = "s.";
    private const string ArgPrefix = "a.";

    public KernelSpec Spec { get; } = spec;

    private Ctx ContextFor(ConcreteState state, IEnumerable<(Role, Value)> extra) =>
        new(Spec.Sorts, Quantify.Over(EvalDomains.For(Spec.Sorts, state, extra)));

    /// <summary>Applies <paramref name="operation"/> to <paramref name="state"/> with the given argument values.</summary>
    public ConcreteStep Step(string operation, ConcreteState state, IReadOnlyDictionary<string, Value> args)
    {
        var op = Spec.Operation(operation);
        foreach (var a in op.Args)
        {
            if (!args.TryGetValue(a.Name, out var v)) throw new ArgumentException($"{operation}: argument '{a.Name}' is missing", nameof(args));
            if (!v.Sort.Equals(a.SortOf(Spec.Sorts))) throw new ArgumentException($"{operation}: argument '{a.Name}' must have sort {a.SortOf(Spec.Sorts)}, got {v.Sort}", nameof(args));
        }
        var ctx = ContextFor(state, op.Args.Select(a => (a.Role, args[a.Name])));
        var pre = KernelState.Symbolic(Spec.Sorts, Pre);
        var symArgs = op.SymbolicArgs(Spec.Sorts, ArgPrefix);
        var tr = op.Apply(ctx, pre, symArgs);
        var assignment = state.Bind(Assignment.Empty, Pre);
        foreach (var a in op.Args) assignment = assignment.With(ArgPrefix + a.Name, args[a.Name]);
        var error = ((EnumValue)Eval.Evaluate(tr.Error, assignment)).Member;
        var next = ConcreteState.Evaluate(tr.Post, assignment);
        var results = tr.Results.ToImmutableDictionary(r => r.Name, r => Eval.Evaluate(r.Value, assignment), StringComparer.Ordinal);
        return new ConcreteStep(error, next, results);
    }

    /// <summary>
    /// The full names of the state clauses that <paramref name="state"/> violates (empty when every
    /// invariant holds); with <paramref name="pre"/>, also the relational clauses of the step pre → state.
    /// </summary>
    public IReadOnlyList<string> BrokenClauses(ConcreteState state, ConcreteState? pre = null)
    {
        var ctx = ContextFor(pre is null ? state : Merge(state, pre), []);
        var post = KernelState.Symbolic(Spec.Sorts, Pre);
        var before = KernelState.Symbolic(Spec.Sorts, "p.");
        var assignment = state.Bind(Assignment.Empty, Pre);
        if (pre is not null) assignment = pre.Bind(assignment, "p.");
        var broken = new List<string>();
        foreach (var inv in Spec.Invariants)
            foreach (var clause in inv.Clauses)
            {
                if (clause.Relational && pre is null) continue;
                if (!Eval.EvaluateBool(clause.Quantified(ctx, before, post), assignment)) broken.Add(inv.ClauseName(clause));
            }
        return broken;
    }

    /// <summary>Revoke is complete for the capability in <paramref name="slot"/>.</summary>
    public bool RevokeDone(ConcreteState state, Value slot)
    {
        var ctx = ContextFor(state, [(Role.Slot, slot)]);
        var s = KernelState.Symbolic(Spec.Sorts, Pre);
        return Eval.EvaluateBool(CapOps.RevokeDone(ctx, s, T.Lit(slot)), state.Bind(Assignment.Empty, Pre));
    }

    /// <summary>The safecopy access decision on a concrete state.</summary>
    public bool SafecopyOk(ConcreteState state, Value caller, Value granter, Value index, Value gen, Value addr, Value len, Value access)
    {
        var ctx = ContextFor(state, []);
        var s = KernelState.Symbolic(Spec.Sorts, Pre);
        var t = GrantOps.SafecopyOk(ctx, s, T.Lit(caller), T.Lit(granter), T.Lit(index), T.Lit(gen), T.Lit(addr), T.Lit(len), T.Lit(access));
        return Eval.EvaluateBool(t, state.Bind(Assignment.Empty, Pre));
    }

    /// <summary>The boot state with concrete parameters.</summary>
    public ConcreteState Init(Value utBase, Value utSize, Value svcDep, Value svcCore, Value svcEp)
    {
        var (state, _) = Spec.Init(T.Lit(utBase), T.Lit(utSize), T.Lit(svcDep), T.Lit(svcCore), T.Lit(svcEp));
        return ConcreteState.Evaluate(state, Assignment.Empty);
    }

    // Domains for a relational check must cover the ids of both states.
    private static ConcreteState Merge(ConcreteState a, ConcreteState b)
    {
        var merged = a;
        foreach (var f in KernelState.Fields)
        {
            if (a[f.Name] is MapValue ma && b[f.Name] is MapValue mb)
            {
                var m = ma;
                foreach (var (k, v) in mb.Entries) if (!ma.Entries.ContainsKey(k)) m = m.Store(k, v);
                merged = merged.With(f.Name, m);
            }
        }
        return merged;
    }
}
