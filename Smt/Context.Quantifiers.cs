using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>Quantifiers over bound constants, with instantiation patterns.</summary>
public sealed partial class Context
{
    /// <summary>A multi-pattern: the quantifier is instantiated when terms matching all of <paramref name="terms"/> appear.</summary>
    public Pattern Pattern(params IReadOnlyList<Term> terms)
    {
        var handles = Own(terms, nameof(terms));
        if (handles.Length == 0)
        {
            throw new ArgumentException("A pattern needs at least one term.", nameof(terms));
        }

        return new(this, Checked(Z3Native.Z3_mk_pattern(Native, (uint)handles.Length, handles)));
    }

    /// <summary>∀ <paramref name="bound"/>. <paramref name="body"/>; the bound terms must be constants (see <see cref="Const"/>).</summary>
    public Term ForAll(IReadOnlyList<Term> bound, Term body, IReadOnlyList<Pattern>? patterns = null, uint weight = 0) =>
        Quantifier(forAll: true, bound, body, patterns, weight);

    /// <summary>∃ <paramref name="bound"/>. <paramref name="body"/>; the bound terms must be constants.</summary>
    public Term Exists(IReadOnlyList<Term> bound, Term body, IReadOnlyList<Pattern>? patterns = null, uint weight = 0) =>
        Quantifier(forAll: false, bound, body, patterns, weight);

    private Term Quantifier(bool forAll, IReadOnlyList<Term> bound, Term body, IReadOnlyList<Pattern>? patterns, uint weight)
    {
        var vars = Own(bound, nameof(bound));
        if (vars.Length == 0)
        {
            throw new ArgumentException("A quantifier needs at least one bound constant.", nameof(bound));
        }

        foreach (var variable in bound)
        {
            if (variable.Kind != TermKind.App || variable.Args.Count != 0 || variable.IsNumeral)
            {
                throw new ArgumentException($"Quantifiers bind constants only, but {variable} is not a constant.", nameof(bound));
            }
        }

        var pats = patterns is null ? [] : Own(patterns, nameof(patterns));
        var b = Own(body, nameof(body));
        var n = Native;
        var result = forAll
            ? Z3Native.Z3_mk_forall_const(n, weight, (uint)vars.Length, vars, (uint)pats.Length, pats, b)
            : Z3Native.Z3_mk_exists_const(n, weight, (uint)vars.Length, vars, (uint)pats.Length, pats, b);
        return new(this, Checked(result));
    }
}
