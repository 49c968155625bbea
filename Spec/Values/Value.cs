using System.Collections.Immutable;

namespace Verified.Spec;

/// <summary>
/// A concrete value of a sort: what <c>Eval</c> returns and what an <see cref="Assignment"/> binds.
/// A closed sum: <see cref="BoolValue"/>, <see cref="BitVecValue"/>, <see cref="EnumValue"/>,
/// <see cref="RecordValue"/>, <see cref="MapValue"/>. All compare structurally.
/// </summary>
public abstract record Value
{
    private protected Value() { }

    public abstract Sort Sort { get; }

    /// <summary>
    /// Every value of a sort whose cardinality is at most <paramref name="limit"/>, in a fixed order
    /// (false before true, bit-vectors ascending, enum members in declaration order, records
    /// lexicographically); null when the sort is larger.
    /// </summary>
    public static IReadOnlyList<Value>? Enumerate(Sort sort, ulong limit)
    {
        if (sort.CardinalityUpTo(limit) is null) return null;
        return sort switch
        {
            BoolSort => [BoolValue.False, BoolValue.True],
            BitVecSort bv => [.. Enumerable.Range(0, 1 << bv.Width).Select(i => new BitVecValue(bv.Width, (ulong)i))],
            EnumSort e => [.. Enumerable.Range(0, e.Members.Length).Select(i => new EnumValue(e, i))],
            RecordSort r => EnumerateRecord(r, limit),
            MapSort => null, // finite but not worth enumerating; nothing needs it
            _ => throw new InvalidOperationException($"unknown sort {sort}"),
        };
    }

    private static List<Value> EnumerateRecord(RecordSort r, ulong limit)
    {
        IEnumerable<ImmutableArray<Value>> rows = [ImmutableArray<Value>.Empty];
        foreach (var f in r.Fields)
        {
            var vs = Enumerate(f.Sort, limit)!;
            rows = rows.SelectMany(row => vs.Select(v => row.Add(v)));
        }
        return [.. rows.Select(row => (Value)new RecordValue(r, row))];
    }
}

public sealed record BoolValue : Value
{
    public static readonly BoolValue True = new(true);
    public static readonly BoolValue False = new(false);

    private BoolValue(bool value) => Value = value;

    public bool Value { get; }

    public static BoolValue Of(bool b) => b ? True : False;

    public override Sort Sort => BoolSort.Instance;

    // Two instances exist; the compiler-made equality would also compare EqualityContract.
    public bool Equals(BoolValue? other) => ReferenceEquals(this, other) || (other is not null && Value == other.Value);

    public override int GetHashCode() => Value ? 1 : 0;

    public override string ToString() => Value ? "true" : "false";
}

/// <summary>A bit-vector of <see cref="Width"/> bits; <see cref="Bits"/> holds them unsigned, high bits zero.</summary>
public sealed record BitVecValue : Value
{
    // One sort object per width: a value is built for every boxed map key in Eval, and a sort
    // per value doubled those allocations. Sorts compare by value, so sharing changes nothing else.
    private static readonly BitVecSort[] Sorts = [.. Enumerable.Range(0, BitVecSort.MaxWidth + 1).Select(w => w == 0 ? null! : new BitVecSort(w))];

    public BitVecValue(int width, ulong bits)
    {
        var sort = width is >= 1 and <= BitVecSort.MaxWidth ? Sorts[width] : new BitVecSort(width); // the constructor rejects a bad width
        if ((bits & ~sort.Mask) != 0)
            throw new ArgumentOutOfRangeException(nameof(bits), $"BitVecValue: 0x{bits:x} does not fit in {width} bits");
        Width = width;
        Bits = bits;
        _sort = sort;
    }

    private readonly BitVecSort _sort;

    public int Width { get; }

    public ulong Bits { get; }

    /// <summary>The value as a two's-complement signed number.</summary>
    public long Signed => Width == 64 ? (long)Bits : (long)(Bits << (64 - Width)) >> (64 - Width);

    /// <summary>Truncates <paramref name="bits"/> to <paramref name="width"/> bits (wrap-around), unlike the constructor.</summary>
    public static BitVecValue Wrap(int width, ulong bits) => new(width, bits & (width is >= 1 and <= BitVecSort.MaxWidth ? Sorts[width] : new BitVecSort(width)).Mask);

    public override Sort Sort => _sort;

    public bool Equals(BitVecValue? other) =>
        ReferenceEquals(this, other) || (other is not null && Width == other.Width && Bits == other.Bits);

    // Map lookups hash keys constantly: a cheap mix, injective on the bits of one width (the
    // multiplier is odd), instead of HashCode.Combine.
    public override int GetHashCode() => unchecked((int)(Bits ^ (Bits >> 32)) * -1640531535 ^ Width);

    public override string ToString() => $"#x{Bits:x}[{Width}]";
}

public sealed record EnumValue : Value
{
    public EnumValue(EnumSort sort, int index)
    {
        ArgumentNullException.ThrowIfNull(sort);
        if ((uint)index >= (uint)sort.Members.Length)
            throw new ArgumentOutOfRangeException(nameof(index), $"Enum {sort.Name} has {sort.Members.Length} members, index {index} is out of range");
        EnumSort = sort;
        Index = index;
    }

    public EnumValue(EnumSort sort, string member) : this(sort, sort.IndexOf(member)) { }

    public EnumSort EnumSort { get; }

    public int Index { get; }

    public string Member => EnumSort.Members[Index];

    public override Sort Sort => EnumSort;

    // Without the compiler-made EqualityContract comparison; the sort's hash is cached.
    public bool Equals(EnumValue? other) =>
        ReferenceEquals(this, other) || (other is not null && Index == other.Index && EnumSort.Equals(other.EnumSort));

    public override int GetHashCode() => unchecked(EnumSort.GetHashCode() * 31 + Index);

    public override string ToString() => $"{EnumSort.Name}.{Member}";
}
