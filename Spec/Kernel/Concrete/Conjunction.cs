namespace Verified.Spec.Kernel;

/// <summary>A term's conjuncts, nested conjunctions flattened: the touched-only plans and the narrowed quantifiers both look for conditions among them.</summary>
internal static class Conjunction
{
    public static void Flatten(Term t, List<Term> into)
    {
        if (t is AppTerm { Op: Op.And } and)
            foreach (var c in and.Args) Flatten(c, into);
        else
            into.Add(t);
    }
}
