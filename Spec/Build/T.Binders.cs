using System.Collections.Immutable;

namespace Verified.Spec;

public static partial class T
{
    /// <summary><c>let var = value in body</c>.</summary>
    public static Term Let(VarTerm var, Term value, Term body)
    {
        ArgumentNullException.ThrowIfNull(var);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(body);
        if (!value.Sort.Equals(var.Sort))
            throw new SortMismatchException($"Let: value must have the variable's sort, got {var.Sort} and {value.Sort}");
        return new LetTerm(var, value, body);
    }

    /// <summary>A multi-pattern (trigger) for an unbounded quantifier; Eval ignores it.</summary>
    public static ImmutableArray<Term> Pattern(params Term[] terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Length == 0) throw new ArgumentException("Pattern: needs at least one term", nameof(terms));
        NotNull("Pattern", terms);
        return [.. terms];
    }

    /// <summary>For every value of <paramref name="var"/>'s sort (unbounded in Z3; Eval enumerates only small sorts).</summary>
    public static Term ForAll(VarTerm var, Term body, params ImmutableArray<Term>[] patterns) =>
        Quant(Quantifier.ForAll, [var], body, patterns);

    public static Term ForAll(VarTerm[] vars, Term body, params ImmutableArray<Term>[] patterns) =>
        Quant(Quantifier.ForAll, vars, body, patterns);

    public static Term Exists(VarTerm var, Term body, params ImmutableArray<Term>[] patterns) =>
        Quant(Quantifier.Exists, [var], body, patterns);

    public static Term Exists(VarTerm[] vars, Term body, params ImmutableArray<Term>[] patterns) =>
        Quant(Quantifier.Exists, vars, body, patterns);

    /// <summary>For every term in <paramref name="values"/> (a conjunction in Z3, a loop in Eval).</summary>
    public static Term ForAllIn(VarTerm var, IEnumerable<Term> values, Term body) =>
        Bounded(Quantifier.ForAll, "ForAllIn", var, values, body);

    public static Term ExistsIn(VarTerm var, IEnumerable<Term> values, Term body) =>
        Bounded(Quantifier.Exists, "ExistsIn", var, values, body);

    /// <summary>For every bit-vector v with lo ≤ v &lt; hi, unsigned (a guarded quantifier in Z3, a loop in Eval).</summary>
    public static Term ForAllInRange(VarTerm var, Term lo, Term hi, Term body) =>
        Range(Quantifier.ForAll, "ForAllInRange", var, lo, hi, body);

    public static Term ExistsInRange(VarTerm var, Term lo, Term hi, Term body) =>
        Range(Quantifier.Exists, "ExistsInRange", var, lo, hi, body);

    private static Term Quant(Quantifier kind, VarTerm[] vars, Term body, ImmutableArray<Term>[] patterns)
    {
        string name = kind.ToString();
        ArgumentNullException.ThrowIfNull(vars);
        ArgumentNullException.ThrowIfNull(patterns);
        if (vars.Length == 0) throw new ArgumentException($"{name}: needs at least one variable", nameof(vars));
        if (vars.Any(v => v is null)) throw new ArgumentNullException(nameof(vars), $"{name}: a variable is null");
        if (vars.Select(v => v.Name).Distinct(StringComparer.Ordinal).Count() != vars.Length)
            throw new ArgumentException($"{name}: variable names must be distinct ({string.Join(", ", vars.Select(v => v.Name))})", nameof(vars));
        Bool(name, body, 2);
        var children = ImmutableArray.CreateBuilder<Term>();
        children.Add(body);
        var shape = ImmutableArray.CreateBuilder<int>();
        foreach (var p in patterns)
        {
            if (p.IsDefaultOrEmpty) throw new ArgumentException($"{name}: an empty pattern; build patterns with T.Pattern", nameof(patterns));
            children.AddRange(p);
            shape.Add(p.Length);
        }
        return new QuantTerm(kind, [.. vars], QuantDomainKind.Sort, 0, children.ToImmutable(), shape.ToImmutable());
    }

    private static Term Bounded(Quantifier kind, string name, VarTerm var, IEnumerable<Term> values, Term body)
    {
        ArgumentNullException.ThrowIfNull(var);
        ArgumentNullException.ThrowIfNull(values);
        var vs = values.ToArray();
        NotNull(name, vs);
        foreach (var v in vs)
            if (!v.Sort.Equals(var.Sort))
                throw new SortMismatchException($"{name}: domain values must have the variable's sort, got {var.Sort} and {v.Sort}");
        Bool(name, body, 3);
        return new QuantTerm(kind, [var], QuantDomainKind.Values, vs.Length, [.. vs, body], []);
    }

    private static Term Range(Quantifier kind, string name, VarTerm var, Term lo, Term hi, Term body)
    {
        ArgumentNullException.ThrowIfNull(var);
        if (var.Sort is not BitVecSort)
            throw new SortMismatchException($"{name}: the variable must be a BitVec, got {var.Sort}");
        ArgumentNullException.ThrowIfNull(lo);
        ArgumentNullException.ThrowIfNull(hi);
        if (!lo.Sort.Equals(var.Sort) || !hi.Sort.Equals(var.Sort))
            throw new SortMismatchException($"{name}: bounds must have the variable's sort, got {var.Sort} and {(lo.Sort.Equals(var.Sort) ? hi.Sort : lo.Sort)}");
        Bool(name, body, 4);
        return new QuantTerm(kind, [var], QuantDomainKind.Range, 2, [lo, hi, body], []);
    }
}
