using Verified.Spec;

namespace Verified.Spec.Tests.Agreement;

/// <summary>One random case: a term and values for the whole variable pool.</summary>
internal sealed record AgreementCase(Term Term, Assignment Assignment)
{
    /// <summary>Only the variables the term uses, so a shrunk counterexample reads short.</summary>
    public override string ToString()
    {
        var used = Term.FreeVariables().Select(v => $"{v.Name} = {(Assignment.TryGet(v.Name, out var x) ? x : "?")}");
        return $"{Term}  where  {string.Join(", ", used)}";
    }
}

/// <summary>
/// Shrinks a case toward a minimal disagreeing term: each subterm (outermost first) is replaced by a
/// child of the same sort or by a plain literal of its sort, keeping only candidates whose free
/// variables are still assigned (lifting a binder's body out would free its bound variable).
/// </summary>
internal static class Shrinker
{
    public static IEnumerable<AgreementCase> Shrink(AgreementCase c)
    {
        // A case's term may have any sort, so the root can shrink to any child, not just same-sorted ones.
        foreach (var t in c.Term.Children.Where(x => !x.Sort.Equals(c.Term.Sort)).Concat(ShrinkTerm(c.Term)))
            if (Closed(t, c.Assignment)) yield return c with { Term = t };
    }

    private static bool Closed(Term t, Assignment a) =>
        t.FreeVariables().All(v => a.TryGet(v.Name, out var x) && x.Sort.Equals(v.Sort));

    private static IEnumerable<Term> ShrinkTerm(Term t)
    {
        foreach (var child in t.Children)
            if (child.Sort.Equals(t.Sort)) yield return child;
        if (t is not LitTerm && Simplest(t.Sort) is { } lit && !lit.Equals(t)) yield return lit;
        for (int i = 0; i < t.Children.Length; i++)
        {
            foreach (var smaller in ShrinkTerm(t.Children[i]))
            {
                // Sorts are unchanged, so the checking rebuild cannot fail.
                yield return T.Rebuild(t, t.Children.SetItem(i, smaller));
            }
        }
    }

    private static LitTerm? Simplest(Sort s) => s switch
    {
        BoolSort => T.False,
        BitVecSort bv => T.Bv(bv.Width, 0),
        EnumSort e => T.Lit(new EnumValue(e, 0)),
        _ => null,
    };
}
