using System.Collections.Immutable;

namespace Verified.Spec;

/// <summary>A variable: free, or bound by a let, a quantifier or a map update. Identified by name and sort.</summary>
public sealed class VarTerm : Term
{
    internal VarTerm(string name, Sort sort) : base(sort, StringComparer.Ordinal.GetHashCode(name), []) => Name = name;

    public string Name { get; }

    private protected override bool LocalEquals(Term other) => Name == ((VarTerm)other).Name;
}

/// <summary>A literal of any sort (including map and record values).</summary>
public sealed class LitTerm : Term
{
    internal LitTerm(Value value) : base(value.Sort, value.GetHashCode(), []) => Value = value;

    public Value Value { get; }

    private protected override bool LocalEquals(Term other) => Value.Equals(((LitTerm)other).Value);
}

/// <summary>An operator applied to arguments; <see cref="P0"/>/<see cref="P1"/> are the operator's integer parameters (see <see cref="Op"/>).</summary>
public sealed class AppTerm : Term
{
    internal AppTerm(Op op, ImmutableArray<Term> args, Sort sort, int p0 = 0, int p1 = 0)
        : base(sort, HashCode.Combine(op, p0, p1), args)
    {
        Op = op;
        P0 = p0;
        P1 = p1;
    }

    public Op Op { get; }

    public ImmutableArray<Term> Args => Children;

    public int P0 { get; }

    public int P1 { get; }

    private protected override bool LocalEquals(Term other) =>
        other is AppTerm o && Op == o.Op && P0 == o.P0 && P1 == o.P1;
}

/// <summary><c>let Var = Value in Body</c>. Children: value, body.</summary>
public sealed class LetTerm : Term
{
    internal LetTerm(VarTerm var, Term value, Term body) : base(body.Sort, var.GetHashCode(), [value, body]) => Var = var;

    public VarTerm Var { get; }

    public Term Value => Children[0];

    public Term Body => Children[1];

    private protected override bool LocalEquals(Term other) => Var.Equals(((LetTerm)other).Var);
}

public enum Quantifier { ForAll, Exists }

/// <summary>What a quantifier ranges over.</summary>
public enum QuantDomainKind
{
    /// <summary>Every value of the variables' sorts (an unbounded quantifier in Z3).</summary>
    Sort,

    /// <summary>An explicit finite list of terms (one variable); children: the values, then the body.</summary>
    Values,

    /// <summary>The unsigned bit-vector range lo ≤ v &lt; hi (one variable); children: lo, hi, then the body.</summary>
    Range,
}

/// <summary>
/// A quantifier. Children: the domain terms (none, the values, or lo and hi), the body, then the
/// pattern terms. <see cref="PatternShape"/> gives how many terms each pattern has.
/// </summary>
public sealed class QuantTerm : Term
{
    internal QuantTerm(Quantifier kind, ImmutableArray<VarTerm> vars, QuantDomainKind domain, int domainCount,
        ImmutableArray<Term> children, ImmutableArray<int> patternShape)
        : base(BoolSort.Instance, LocalHash(kind, vars, domain, domainCount, patternShape), children)
    {
        Kind = kind;
        Vars = vars;
        Domain = domain;
        DomainCount = domainCount;
        PatternShape = patternShape;
    }

    public Quantifier Kind { get; }

    public ImmutableArray<VarTerm> Vars { get; }

    public QuantDomainKind Domain { get; }

    public int DomainCount { get; }

    public ImmutableArray<int> PatternShape { get; }

    public ImmutableArray<Term> DomainTerms => Children[..DomainCount];

    public Term Body => Children[DomainCount];

    /// <summary>The multi-patterns (triggers) for Z3; Eval ignores them.</summary>
    public IEnumerable<ImmutableArray<Term>> Patterns
    {
        get
        {
            int at = DomainCount + 1;
            foreach (int n in PatternShape)
            {
                yield return Children.Slice(at, n);
                at += n;
            }
        }
    }

    private static int LocalHash(Quantifier kind, ImmutableArray<VarTerm> vars, QuantDomainKind domain, int domainCount, ImmutableArray<int> shape)
    {
        var h = new HashCode();
        h.Add(kind);
        h.Add(domain);
        h.Add(domainCount);
        foreach (var v in vars) h.Add(v);
        foreach (var n in shape) h.Add(n);
        return h.ToHashCode();
    }

    private protected override bool LocalEquals(Term other) =>
        other is QuantTerm o && Kind == o.Kind && Domain == o.Domain && DomainCount == o.DomainCount &&
        Vars.SequenceEqual(o.Vars) && PatternShape.SequenceEqual(o.PatternShape);
}

/// <summary>
/// Pointwise update of a map: the map whose value at each key k is
/// <c>Predicate ? NewValue : Map[k]</c>, with <see cref="Key"/> bound to k and
/// <see cref="Value"/> bound to <c>Map[k]</c>. Children: map, predicate, new value.
/// </summary>
public sealed class MapUpdateTerm : Term
{
    internal MapUpdateTerm(Term map, VarTerm key, VarTerm value, Term predicate, Term newValue)
        : base(map.Sort, HashCode.Combine(key, value), [map, predicate, newValue])
    {
        Key = key;
        Value = value;
    }

    public Term Map => Children[0];

    public VarTerm Key { get; }

    public VarTerm Value { get; }

    public Term Predicate => Children[1];

    public Term NewValue => Children[2];

    private protected override bool LocalEquals(Term other) =>
        other is MapUpdateTerm o && Key.Equals(o.Key) && Value.Equals(o.Value);
}
