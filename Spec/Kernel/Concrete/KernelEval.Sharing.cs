namespace Verified.Spec.Kernel;

public sealed partial class KernelEval
{
    /// <summary>
    /// <paramref name="term"/> with each subterm that occurs in it more than once and reads only
    /// the state and the arguments (an operator application over s. and a. variables and literals,
    /// outside any quantifier or map update) let-bound once at the top: an operation's checks and
    /// post terms read the same capability and object many times (retype's checks select
    /// SlotCap[ut] fourteen times, CapObj[SlotCap[ut]] eleven), and Eval has no common
    /// subexpressions of its own. The value is the same: terms are pure, and Eval's are total
    /// (a select of any key gives a value), so evaluating a shared subterm first, even where an
    /// if-then-else would not have reached it, changes nothing but when it is computed. Smaller
    /// shared subterms are bound first and read by the larger ones' definitions.
    /// </summary>
    internal static Term ShareSubterms(Term term) => ShareSubterms(term, IsStepVariable);

    /// <summary>
    /// As <see cref="ShareSubterms(Term)"/> with the variables a shared subterm may read given by
    /// <paramref name="readable"/> (a clause's per-key program: its state fields and its bound
    /// variables, all free in the quantifier-free term it compiles).
    /// </summary>
    internal static Term ShareSubterms(Term term, Func<VarTerm, bool> readable)
    {
        var eligible = new Dictionary<Term, bool>(ReferenceEqualityComparer.Instance);
        var counts = new Dictionary<Term, int>();
        Count(term, readable, eligible, counts);
        var shared = counts.Where(e => e.Value > 1).Select(e => e.Key).OrderBy(Size).ToList();
        if (shared.Count == 0) return term;
        var byTerm = new Dictionary<Term, VarTerm>();
        var definitions = new List<(VarTerm Var, Term Value)>();
        foreach (var t in shared)
        {
            var value = ReplaceShared(t, readable, byTerm, top: true);
            var v = T.Var($"cse.{definitions.Count}", t.Sort);
            definitions.Add((v, value));
            byTerm[t] = v;
        }

        var body = ReplaceShared(term, readable, byTerm, top: false);
        for (var i = definitions.Count - 1; i >= 0; i--) body = T.Let(definitions[i].Var, definitions[i].Value, body);
        return body;
    }

    // Counts the occurrences of each eligible application, outside quantifiers and map updates
    // (whose bodies read bound variables; left as they are).
    private static void Count(Term t, Func<VarTerm, bool> readable, Dictionary<Term, bool> eligible, Dictionary<Term, int> counts)
    {
        switch (t)
        {
            case QuantTerm or MapUpdateTerm:
                return;
            case LetTerm l:
                Count(l.Value, readable, eligible, counts);
                // A let binding a readable name would make that name bound in its body.
                if (!readable(l.Var)) Count(l.Body, readable, eligible, counts);
                return;
            case AppTerm when Eligible(t, readable, eligible):
                counts[t] = counts.GetValueOrDefault(t) + 1;
                break;
        }

        foreach (var c in t.Children) Count(c, readable, eligible, counts);
    }

    // An application of operators to state fields, arguments and literals only.
    private static bool Eligible(Term t, Func<VarTerm, bool> readable, Dictionary<Term, bool> memo)
    {
        if (memo.TryGetValue(t, out var e)) return e;
        e = t switch
        {
            VarTerm v => readable(v),
            LitTerm => true,
            AppTerm => t.Children.All(c => Eligible(c, readable, memo)),
            _ => false,
        };
        memo[t] = e;
        return e;
    }

    private static bool IsStepVariable(VarTerm v) =>
        v.Name.StartsWith(Pre, StringComparison.Ordinal) || v.Name.StartsWith(ArgPrefix, StringComparison.Ordinal);

    private static int Size(Term t) => 1 + t.Children.Sum(Size);

    // t with each shared subterm replaced by its variable (t itself too unless top), not inside
    // quantifiers or map updates (Count did not look there) nor the body of a let binding a step variable.
    private static Term ReplaceShared(Term t, Func<VarTerm, bool> readable, Dictionary<Term, VarTerm> byTerm, bool top)
    {
        if (!top && t is AppTerm && byTerm.TryGetValue(t, out var v)) return v;
        if (t.Children.Length == 0 || t is QuantTerm or MapUpdateTerm) return t;
        var children = new Term[t.Children.Length];
        var changed = false;
        for (var i = 0; i < children.Length; i++)
        {
            var c = t.Children[i];
            children[i] = t is LetTerm l && i == 1 && readable(l.Var) ? c : ReplaceShared(c, readable, byTerm, top: false);
            changed |= !ReferenceEquals(children[i], c);
        }

        return changed ? T.Rebuild(t, children) : t;
    }
}
