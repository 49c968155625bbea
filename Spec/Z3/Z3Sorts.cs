using Smt = Verified.Smt;

namespace Verified.Spec;

/// <summary>
/// Spec sorts as sorts of one Z3 context: records as tuple sorts, enums as enumeration sorts,
/// maps as arrays. Z3 knows a datatype by name, so two different record (or enum) sorts with one
/// name cannot both be used in a context; that is reported instead of silently mixed.
/// </summary>
public sealed class Z3Sorts
{
    private readonly Dictionary<Sort, Smt.Sort> _sorts = [];
    private readonly Dictionary<string, Sort> _datatypeNames = new(StringComparer.Ordinal);

    public Z3Sorts(Smt.Context context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
    }

    public Smt.Context Context { get; }

    public Smt.Sort Get(Sort sort)
    {
        ArgumentNullException.ThrowIfNull(sort);
        if (_sorts.TryGetValue(sort, out var s)) return s;
        s = sort switch
        {
            BoolSort => Context.BoolSort(),
            BitVecSort bv => Context.BitVecSort((uint)bv.Width),
            MapSort m => Context.ArraySort(Get(m.Key), Get(m.Value)),
            RecordSort r => Datatype(r, r.Name, () => Context.TupleSort(r.Name, [.. r.Fields.Select(f => (f.Name, Get(f.Sort)))])),
            EnumSort e => Datatype(e, e.Name, () => Context.EnumSort(e.Name, [.. e.Members])),
            _ => throw new InvalidOperationException($"unknown sort {sort}"),
        };
        _sorts.Add(sort, s);
        return s;
    }

    public Smt.TupleSort Record(RecordSort sort) => (Smt.TupleSort)Get(sort);

    public Smt.EnumSort Enum(EnumSort sort) => (Smt.EnumSort)Get(sort);

    private Smt.Sort Datatype(Sort sort, string name, Func<Smt.Sort> make)
    {
        if (_datatypeNames.TryGetValue(name, out var other) && !other.Equals(sort))
            throw new InvalidOperationException($"ToZ3: two different sorts are named '{name}' in one Z3 context: {Describe(other)} and {Describe(sort)}; rename one");
        _datatypeNames[name] = sort;
        return make();
    }

    private static string Describe(Sort s) => s switch
    {
        RecordSort r => $"record {r.Name}({string.Join(", ", r.Fields)})",
        EnumSort e => $"enum {e.Name}({string.Join(", ", e.Members)})",
        _ => s.ToString(),
    };
}
