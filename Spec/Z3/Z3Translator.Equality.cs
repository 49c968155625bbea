using Smt = Verified.Smt;

namespace Verified.Spec;

public sealed partial class Z3Translator
{
    /// <summary>Maps whose key sort has at most this many values compare pointwise in Z3 (see <see cref="Equal"/>).</summary>
    public const int PointwiseKeyLimit = 16;

    /// <summary>
    /// Equality at <paramref name="sort"/>. Z3 4.8.12's array theory is unsound for extensionality
    /// over small finite index sorts: it answers sat for
    /// <c>(= (store ((as const (Array Color Bool)) false) red true) (store ((as const (Array Color Bool)) true) blue false))</c>
    /// although the two differ at <c>green</c> (the agreement property found this). So maps with at most
    /// <see cref="PointwiseKeyLimit"/> keys — and records holding such maps — compare key by key,
    /// which is the same meaning and which Z3 decides correctly.
    /// </summary>
    public Smt.Term Equal(Smt.Term a, Smt.Term b, Sort sort)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(sort);
        if (!NeedsPointwise(sort)) return Context.Eq(a, b);
        switch (sort)
        {
            case MapSort m when SmallKeys(m) is { } keys:
                return Context.And([.. keys.Select(k =>
                {
                    var kz = ToZ3(k);
                    return Equal(Context.Select(a, kz), Context.Select(b, kz), m.Value);
                })]);
            case RecordSort r:
                {
                    var t = Sorts.Record(r);
                    return Context.And([.. r.Fields.Select((f, i) => Equal(t.Field(a, i), t.Field(b, i), f.Sort))]);
                }
            default:
                return Context.Eq(a, b);
        }
    }

    /// <summary>Pairwise distinctness at <paramref name="sort"/>, through <see cref="Equal"/>.</summary>
    public Smt.Term Distinct(IReadOnlyList<Smt.Term> xs, Sort sort)
    {
        ArgumentNullException.ThrowIfNull(xs);
        if (!NeedsPointwise(sort)) return Context.Distinct(xs);
        var pairs = new List<Smt.Term>();
        for (int i = 0; i < xs.Count; i++)
            for (int j = i + 1; j < xs.Count; j++)
                pairs.Add(Context.Not(Equal(xs[i], xs[j], sort)));
        return Context.And(pairs);
    }

    private static IReadOnlyList<Value>? SmallKeys(MapSort m) => Value.Enumerate(m.Key, PointwiseKeyLimit);

    private static bool NeedsPointwise(Sort s) => s switch
    {
        MapSort m => SmallKeys(m) is not null || NeedsPointwise(m.Value),
        RecordSort r => r.Fields.Any(f => NeedsPointwise(f.Sort)),
        _ => false,
    };
}
