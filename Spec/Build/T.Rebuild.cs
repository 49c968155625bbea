namespace Verified.Spec;

public static partial class T
{
    /// <summary>
    /// <paramref name="node"/> with its <see cref="Term.Children"/> replaced (same count and order),
    /// rebuilt through the checking builders: the basis of rewriting, substitution and shrinking.
    /// </summary>
    public static Term Rebuild(Term node, IReadOnlyList<Term> children)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(children);
        if (children.Count != node.Children.Length)
            throw new ArgumentException($"Rebuild: {node.GetType().Name} has {node.Children.Length} children, got {children.Count}", nameof(children));
        var c = children;
        switch (node)
        {
            case VarTerm or LitTerm:
                return node;
            case LetTerm l:
                return Let(l.Var, c[0], c[1]);
            case MapUpdateTerm u:
                return MapUpdateWhere(c[0], u.Key, u.Value, c[1], c[2]);
            case QuantTerm q:
                return RebuildQuant(q, c);
            case AppTerm a:
                return RebuildApp(a, c);
            default:
                throw new InvalidOperationException($"unknown term node {node.GetType().Name}");
        }
    }

    private static Term RebuildQuant(QuantTerm q, IReadOnlyList<Term> c)
    {
        var body = c[q.DomainCount];
        switch (q.Domain)
        {
            case QuantDomainKind.Values:
                var values = c.Take(q.DomainCount);
                return q.Kind == Quantifier.ForAll ? ForAllIn(q.Vars[0], values, body) : ExistsIn(q.Vars[0], values, body);
            case QuantDomainKind.Range:
                return q.Kind == Quantifier.ForAll ? ForAllInRange(q.Vars[0], c[0], c[1], body) : ExistsInRange(q.Vars[0], c[0], c[1], body);
            default:
                var patterns = new List<System.Collections.Immutable.ImmutableArray<Term>>();
                int at = q.DomainCount + 1;
                foreach (int n in q.PatternShape)
                {
                    patterns.Add([.. c.Skip(at).Take(n)]);
                    at += n;
                }
                return Quant(q.Kind, [.. q.Vars], body, [.. patterns]);
        }
    }

    private static Term RebuildApp(AppTerm a, IReadOnlyList<Term> c) => a.Op switch
    {
        Op.Not => Not(c[0]),
        Op.And => App(Op.And, BoolSort.Instance, [.. c.Select((x, i) => Bool("And", x, i + 1))]),
        Op.Or => App(Op.Or, BoolSort.Instance, [.. c.Select((x, i) => Bool("Or", x, i + 1))]),
        Op.Xor => Xor(c[0], c[1]),
        Op.Implies => Implies(c[0], c[1]),
        Op.Iff => Iff(c[0], c[1]),
        Op.Ite => Ite(c[0], c[1], c[2]),
        Op.Eq => Eq(c[0], c[1]),
        Op.Distinct => Distinct([.. c]),
        Op.BvNot => BvNot(c[0]),
        Op.BvNeg => BvNeg(c[0]),
        Op.Concat => Concat(c[0], c[1]),
        Op.Extract => Extract(a.P0, a.P1, c[0]),
        Op.ZeroExtend => ZeroExtend(a.P0, c[0]),
        Op.SignExtend => SignExtend(a.P0, c[0]),
        Op.Select => Select(c[0], c[1]),
        Op.Store => Store(c[0], c[1], c[2]),
        Op.ConstMap => ConstMap(((MapSort)a.Sort).Key, c[0]),
        Op.MkRecord => Record((RecordSort)a.Sort, [.. c]),
        Op.Field => Field(c[0], ((RecordSort)c[0].Sort).Fields[a.P0].Name),
        Op.With => With(c[0], ((RecordSort)a.Sort).Fields[a.P0].Name, c[1]),
        Op.BvUlt or Op.BvUle or Op.BvUgt or Op.BvUge or Op.BvSlt or Op.BvSle or Op.BvSgt or Op.BvSge => BvCmp(a.Op, c[0], c[1]),
        _ => BvBin(a.Op, c[0], c[1]),
    };
}
