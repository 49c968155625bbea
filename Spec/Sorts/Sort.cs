using System.Collections.Immutable;

namespace Verified.Spec;

/// <summary>
/// The sort (type) of a specification term. A closed sum: <see cref="BoolSort"/>,
/// <see cref="BitVecSort"/>, <see cref="MapSort"/>, <see cref="RecordSort"/>, <see cref="EnumSort"/>.
/// Sorts are immutable and compare structurally; build them with the static helpers
/// (<see cref="Bool"/>, <see cref="BitVec"/>, <see cref="Map"/>, <see cref="Record"/>, <see cref="Enum"/>).
/// </summary>
public abstract record Sort
{
    private protected Sort() { }

    public static BoolSort Bool => BoolSort.Instance;

    public static BitVecSort BitVec(int width) => new(width);

    public static MapSort Map(Sort key, Sort value) => new(key, value);

    /// <summary>A named record (a Z3 tuple) with named, typed fields in declaration order.</summary>
    public static RecordSort Record(string name, params (string Name, Sort Sort)[] fields) =>
        new(name, [.. fields.Select(f => new RecordField(f.Name, f.Sort))]);

    /// <summary>A named enumeration (a Z3 enumeration sort) with its members in order.</summary>
    public static EnumSort Enum(string name, params string[] members) => new(name, [.. members]);

    /// <summary>
    /// The number of values of this sort when it is at most <paramref name="limit"/>, else null.
    /// Used to decide what Eval may enumerate and when a map's entries cover its whole key space.
    /// </summary>
    public abstract ulong? CardinalityUpTo(ulong limit);
}

public sealed record BoolSort : Sort
{
    public static readonly BoolSort Instance = new();

    private BoolSort() { }

    public override ulong? CardinalityUpTo(ulong limit) => limit >= 2 ? 2 : null;

    public override string ToString() => "Bool";
}

public sealed record BitVecSort : Sort
{
    public const int MaxWidth = 64;

    public BitVecSort(int width)
    {
        if (width is < 1 or > MaxWidth)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"BitVec width must be 1..{MaxWidth}, got {width}");
        Width = width;
    }

    public int Width { get; }

    /// <summary>All ones in the low <see cref="Width"/> bits.</summary>
    public ulong Mask => Width == 64 ? ulong.MaxValue : (1UL << Width) - 1;

    public override ulong? CardinalityUpTo(ulong limit) =>
        Width < 64 && (1UL << Width) <= limit ? 1UL << Width : null;

    public override string ToString() => $"BitVec({Width})";
}

/// <summary>Total maps (Z3 arrays) from <see cref="Key"/> to <see cref="Value"/>.</summary>
public sealed record MapSort(Sort Key, Sort Value) : Sort
{
    public Sort Key { get; } = Key ?? throw new ArgumentNullException(nameof(Key));

    public Sort Value { get; } = Value ?? throw new ArgumentNullException(nameof(Value));

    public override ulong? CardinalityUpTo(ulong limit)
    {
        var keys = Key.CardinalityUpTo(64);
        var values = Value.CardinalityUpTo(limit);
        if (keys is null || values is null) return null;
        ulong n = 1;
        for (ulong i = 0; i < keys; i++)
        {
            if (values != 0 && n > limit / values.Value) return null;
            n *= values.Value;
        }
        return n <= limit ? n : null;
    }

    public override string ToString() => $"Map({Key}, {Value})";
}

public sealed record RecordField(string Name, Sort Sort)
{
    public override string ToString() => $"{Name}: {Sort}";
}

/// <summary>
/// A named record sort. Two record sorts are equal when name and fields (names, sorts, order)
/// are equal; equality is written out because the field list is a collection.
/// </summary>
public sealed record RecordSort : Sort
{
    private readonly int _hash;

    public RecordSort(string name, ImmutableArray<RecordField> fields)
    {
        SpecNames.Check(name, "record sort name");
        if (fields.IsDefaultOrEmpty) throw new ArgumentException($"Record {name}: needs at least one field", nameof(fields));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in fields)
        {
            SpecNames.Check(f.Name, $"field name of record {name}");
            if (!seen.Add(f.Name)) throw new ArgumentException($"Record {name}: duplicate field '{f.Name}'", nameof(fields));
        }
        Name = name;
        Fields = fields;
        var h = new HashCode();
        h.Add(name, StringComparer.Ordinal);
        foreach (var f in fields) h.Add(f);
        _hash = h.ToHashCode();
    }

    public string Name { get; }

    public ImmutableArray<RecordField> Fields { get; }

    /// <summary>The position of field <paramref name="field"/>, or an exception naming the known fields.</summary>
    public int IndexOf(string field)
    {
        for (int i = 0; i < Fields.Length; i++)
            if (Fields[i].Name == field) return i;
        throw new ArgumentException($"Record {Name} has no field '{field}' (fields: {string.Join(", ", Fields.Select(f => f.Name))})", nameof(field));
    }

    public bool Equals(RecordSort? other) =>
        ReferenceEquals(this, other) ||
        (other is not null && _hash == other._hash && Name == other.Name && Fields.SequenceEqual(other.Fields));

    public override int GetHashCode() => _hash;

    public override ulong? CardinalityUpTo(ulong limit)
    {
        ulong n = 1;
        foreach (var f in Fields)
        {
            var c = f.Sort.CardinalityUpTo(limit);
            if (c is null) return null;
            if (c != 0 && n > limit / c.Value) return null;
            n *= c.Value;
        }
        return n;
    }

    public override string ToString() => $"Record {Name}";
}

/// <summary>A named enumeration sort; members are in declaration order (index 0 first).</summary>
public sealed record EnumSort : Sort
{
    private readonly int _hash;

    public EnumSort(string name, ImmutableArray<string> members)
    {
        SpecNames.Check(name, "enum sort name");
        if (members.IsDefaultOrEmpty) throw new ArgumentException($"Enum {name}: needs at least one member", nameof(members));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in members)
        {
            SpecNames.Check(m, $"member of enum {name}");
            if (!seen.Add(m)) throw new ArgumentException($"Enum {name}: duplicate member '{m}'", nameof(members));
        }
        Name = name;
        Members = members;
        var h = new HashCode();
        h.Add(name, StringComparer.Ordinal);
        foreach (var m in members) h.Add(m, StringComparer.Ordinal);
        _hash = h.ToHashCode();
    }

    public string Name { get; }

    public ImmutableArray<string> Members { get; }

    public int IndexOf(string member)
    {
        int i = Members.IndexOf(member);
        if (i < 0) throw new ArgumentException($"Enum {Name} has no member '{member}' (members: {string.Join(", ", Members)})", nameof(member));
        return i;
    }

    public bool Equals(EnumSort? other) =>
        ReferenceEquals(this, other) ||
        (other is not null && _hash == other._hash && Name == other.Name && Members.SequenceEqual(other.Members));

    public override int GetHashCode() => _hash;

    public override ulong? CardinalityUpTo(ulong limit) => (ulong)Members.Length <= limit ? (ulong)Members.Length : null;

    public override string ToString() => $"Enum {Name}";
}
