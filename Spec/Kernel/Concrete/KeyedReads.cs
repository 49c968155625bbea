using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// How a clause body reads the state, when it is of the per-key form: every read of a state map
/// is at a bound variable (Direct: F[v]), at a value read at one (Hop: F[G[v]]) or at a key
/// computed from one bound variable alone (Computed: F[e(v)], e reading no state, e.g. the CNode
/// part of a slot) — never the map as a whole, at a constant, or at a variable of an inner
/// quantifier. For such a clause an instance (fixed values of the bound variables) can change its
/// truth value between two states only if one of those reads changed, which <see cref="KernelEval"/>
/// uses to evaluate only the instances where one bound variable is a changed key. Null when the
/// body is not of this form.
/// </summary>
public sealed record KeyedReads(ImmutableArray<(string Field, int Var)> Direct, ImmutableArray<(string Field, string Via, int Var)> Hops)
{
    /// <summary>Reads F[e(v)] at a key computed from bound variable v alone (the key term reads no state).</summary>
    public ImmutableArray<(string Field, Term Key, int Var)> Computed { get; init; } = [];

    public static KeyedReads? Of(Term body, IReadOnlyList<VarTerm> bound, string prefix)
    {
        var direct = new HashSet<(string, int)>();
        var hops = new HashSet<(string, string, int)>();
        var computed = new List<(string, Term, int)>();
        int Bound(Term t) => t is VarTerm v ? IndexOf(bound, v) : -1;
        string? Field(Term t) => t is VarTerm v && v.Name.StartsWith(prefix, StringComparison.Ordinal) ? v.Name[prefix.Length..] : null;

        bool Visit(Term t)
        {
            if (t is AppTerm { Op: Op.Select } sel && Field(sel.Args[0]) is { } f)
            {
                var key = sel.Args[1];
                if (Bound(key) is var i and >= 0)
                {
                    direct.Add((f, i));
                    return true;
                }

                if (key is AppTerm { Op: Op.Select } inner && Field(inner.Args[0]) is { } via && Bound(inner.Args[1]) is var j and >= 0)
                {
                    hops.Add((f, via, j));
                    direct.Add((via, j));
                    return true;
                }

                if (ComputedFrom(key) is var k and >= 0)
                {
                    computed.Add((f, key, k));
                    return true;
                }

                return false;
            }

            if (Field(t) is not null) return false; // a state map used whole (stored to, compared, passed on)
            foreach (var c in t.Children)
                if (!Visit(c)) return false;
            return true;
        }

        // The one bound variable a state-free key term reads (-1: none, several, or it reads state
        // or a variable bound inside the body).
        int ComputedFrom(Term key)
        {
            var found = -1;
            bool Walk(Term t)
            {
                if (t is VarTerm v)
                {
                    var i = IndexOf(bound, v);
                    if (i < 0 || (found >= 0 && found != i)) return false;
                    found = i;
                    return true;
                }

                return t is not (LetTerm or QuantTerm or MapUpdateTerm) && t.Children.All(Walk);
            }

            return Walk(key) ? found : -1;
        }

        if (!Visit(body)) return null;
        var dedup = computed.DistinctBy(c => (c.Item1, c.Item2, c.Item3)).ToList();
        return new KeyedReads([.. direct], [.. hops]) { Computed = [.. dedup] };
    }

    /// <summary>
    /// The per-key form of a relational clause (reading the post-state with <paramref name="prefix"/>
    /// and the pre-state with <paramref name="beforePrefix"/>): each state is read only directly at
    /// bound variables (no hops or computed keys, kept out for simplicity), and the clause is syntactically true on a
    /// step that changes nothing — <paramref name="onSameState"/>, the body with the post-state for
    /// both, reduces to true by <see cref="TriviallyTrue"/>. Then an instance whose variables are all
    /// keys at which no field it reads changed reads in pre exactly what it reads in post, so its
    /// value is that of <paramref name="onSameState"/> at the same values: true. Direct lists the
    /// fields read in either state (by name: a changed key of a field is where pre and post differ).
    /// Null when the clause is not of this form.
    /// </summary>
    public static KeyedReads? OfRelational(Term body, Term onSameState, IReadOnlyList<VarTerm> bound, string prefix, string beforePrefix)
    {
        if (!TriviallyTrue(onSameState)) return null;
        if (Of(body, bound, prefix) is not { Hops.IsEmpty: true, Computed.IsEmpty: true } post
            || Of(body, bound, beforePrefix) is not { Hops.IsEmpty: true, Computed.IsEmpty: true } pre) return null;
        return new KeyedReads([.. post.Direct.Union(pre.Direct)], []);
    }

    /// <summary>
    /// A sound, incomplete syntactic proof that a Boolean term is true in every state and for every
    /// value of its free variables: true, an equation of two structurally equal terms (evaluation is
    /// deterministic), an implication with a true conclusion, a conjunction of true terms, a
    /// disjunction with one. False means "not proved", never "false".
    /// </summary>
    public static bool TriviallyTrue(Term t) => t switch
    {
        LitTerm { Value: BoolValue { Value: true } } => true,
        AppTerm { Op: Op.Eq } a => a.Args.Length == 2 && a.Args[0].Equals(a.Args[1]),
        AppTerm { Op: Op.Implies } a => TriviallyTrue(a.Args[1]),
        AppTerm { Op: Op.And } a => a.Args.All(TriviallyTrue),
        AppTerm { Op: Op.Or } a => a.Args.Any(TriviallyTrue),
        _ => false,
    };

    private static int IndexOf(IReadOnlyList<VarTerm> vars, VarTerm v)
    {
        for (var i = 0; i < vars.Count; i++)
            if (vars[i].Equals(v)) return i;
        return -1;
    }
}
