using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>Sort factories.</summary>
public sealed partial class Context
{
    public Sort BoolSort() => new(this, Checked(Z3Native.Z3_mk_bool_sort(Native)));

    /// <summary>The sort of bit-vectors of <paramref name="width"/> bits (width ≥ 1; Z3 rejects 0).</summary>
    public Sort BitVecSort(uint width) => new(this, Checked(Z3Native.Z3_mk_bv_sort(Native, width)));

    /// <summary>Arrays (total maps) from <paramref name="domain"/> to <paramref name="range"/>.</summary>
    public Sort ArraySort(Sort domain, Sort range) =>
        new(this, Checked(Z3Native.Z3_mk_array_sort(Native, Own(domain, nameof(domain)), Own(range, nameof(range)))));

    /// <summary>An uninterpreted sort (same name, same sort).</summary>
    public Sort UninterpretedSort(string name) => new(this, Checked(Z3Native.Z3_mk_uninterpreted_sort(Native, Symbol(name))));

    /// <summary>An enumeration sort with the given constants, in order.</summary>
    public EnumSort EnumSort(string name, params IReadOnlyList<string> constants)
    {
        ArgumentNullException.ThrowIfNull(constants);
        if (constants.Count == 0)
        {
            throw new ArgumentException($"Enumeration sort '{name}' needs at least one constant.", nameof(constants));
        }

        var symbols = new nint[constants.Count];
        for (var i = 0; i < symbols.Length; i++)
        {
            symbols[i] = Symbol(constants[i]);
        }

        var consts = new nint[constants.Count];
        var testers = new nint[constants.Count];
        var sort = Checked(Z3Native.Z3_mk_enumeration_sort(Native, Symbol(name), (uint)symbols.Length, symbols, consts, testers));
        return new EnumSort(this, sort, consts, testers);
    }

    /// <summary>A tuple (record) sort with one constructor named <paramref name="name"/> and the given fields.</summary>
    public TupleSort TupleSort(string name, params IReadOnlyList<(string Name, Sort Sort)> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var names = new nint[fields.Count];
        var sorts = new nint[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            names[i] = Symbol(fields[i].Name);
            sorts[i] = Own(fields[i].Sort, nameof(fields));
        }

        var projections = new nint[fields.Count];
        var sort = Checked(Z3Native.Z3_mk_tuple_sort(Native, Symbol(name), (uint)fields.Count, names, sorts, out var constructor, projections));
        return new TupleSort(this, sort, constructor, projections);
    }
}
