using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>
/// A Z3 sort. Equality is identity of the native sort (Z3 shares equal sorts), within one context.
/// Made by the <see cref="Context"/> factories; <see cref="EnumSort"/> and <see cref="TupleSort"/>
/// add their constructors and accessors. A sort read back from a term is a plain <see cref="Sort"/>.
/// </summary>
public class Sort : Z3Object, IEquatable<Sort>
{
    internal Sort(Context context, nint handle)
        : base(context, handle, NativeRefKind.Ast)
    {
    }

    /// <summary>What kind of sort this is.</summary>
    public SortKind Kind => KindOf(Context, Handle);

    /// <summary>The width of a bit-vector sort; throws for other sorts.</summary>
    public uint BitVecSize
    {
        get
        {
            RequireKind(SortKind.BitVec, nameof(BitVecSize));
            var size = Z3Native.Z3_get_bv_sort_size(Context.Native, Handle);
            Context.ThrowIfError();
            return size;
        }
    }

    /// <summary>The index sort of an array sort.</summary>
    public Sort ArrayDomain
    {
        get
        {
            RequireKind(SortKind.Array, nameof(ArrayDomain));
            return new Sort(Context, Context.Checked(Z3Native.Z3_get_array_sort_domain(Context.Native, Handle)));
        }
    }

    /// <summary>The element sort of an array sort.</summary>
    public Sort ArrayRange
    {
        get
        {
            RequireKind(SortKind.Array, nameof(ArrayRange));
            return new Sort(Context, Context.Checked(Z3Native.Z3_get_array_sort_range(Context.Native, Handle)));
        }
    }

    /// <summary>The sort's name ("Bool", "BitVec", "Array", or the declared name).</summary>
    public string Name => Context.SymbolName(Context.Checked(Z3Native.Z3_get_sort_name(Context.Native, Handle)));

    public override string ToString() => IsDisposed ? "<disposed sort>" : Context.ReadString(Z3Native.Z3_sort_to_string(Context.Native, Handle));

    public bool Equals(Sort? other) =>
        other is not null && ReferenceEquals(Context, other.Context) && RawHandle == other.RawHandle && RawHandle != 0;

    public override bool Equals(object? obj) => obj is Sort other && Equals(other);

    public override int GetHashCode() => RawHandle.GetHashCode();

    internal static SortKind KindOf(Context context, nint sort)
    {
        var kind = Z3Native.Z3_get_sort_kind(context.Native, sort);
        context.ThrowIfError();
        return kind switch
        {
            >= 0 and <= 6 => (SortKind)kind,
            _ => SortKind.Other,
        };
    }

    private void RequireKind(SortKind expected, string member)
    {
        var actual = Kind;
        if (actual != expected)
        {
            throw new InvalidOperationException($"{member} needs a {expected} sort, but this sort is {this} ({actual}).");
        }
    }
}
