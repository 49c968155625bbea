using System.Collections.Immutable;

namespace Verified.Spec;

/// <summary>
/// A total map value: <see cref="Default"/> everywhere except the finite <see cref="Entries"/>.
/// Always kept in a canonical form, so structural equality is extensional equality:
/// entries equal to the default are dropped, and when a finite key sort is at least half covered
/// by entries the default is re-chosen as the most frequent value (ties: the value at the
/// smallest key). Equality and hash do not depend on insertion order.
/// </summary>
public sealed record MapValue : Value
{
    // Above this key-space size a map cannot have half its keys as entries in practice, so
    // canonicalisation never needs the full table; below it the full table is cheap enough.
    private const ulong FullTableLimit = 1UL << 20;

    private static readonly ImmutableDictionary<Value, Value> NoEntries = ImmutableDictionary<Value, Value>.Empty.WithComparers(ValueKeyComparer.Instance);

    private readonly int _entriesHash; // commutative sum of entry hashes: order independent, O(1) to update
    private readonly ulong? _keyCount;

    // Selects by key bits go through a ScalarIndex once the map has been read often enough to pay
    // for building one (a build enumerates the entries, about as costly as two reads per entry):
    // maps in a state and quantifier domains are read many times, maps in the middle of a chain of
    // stores a few times. Races only build it twice.
    private ScalarIndex? _index;
    private int _reads;
    private int _hash;
    private bool _hashed;

    private MapValue(MapSort sort, Value @default, ImmutableDictionary<Value, Value> entries, int entriesHash, ulong? keyCount)
    {
        MapSort = sort;
        Default = @default;
        Entries = entries;
        _entriesHash = entriesHash;
        _keyCount = keyCount;
    }

    public MapSort MapSort { get; }

    public Value Default { get; }

    public ImmutableDictionary<Value, Value> Entries { get; }

    public override Sort Sort => MapSort;

    /// <summary>The constant map: <paramref name="default"/> at every key.</summary>
    public static MapValue Const(MapSort sort, Value @default)
    {
        ArgumentNullException.ThrowIfNull(sort);
        CheckSort(sort.Value, @default, "default");
        return new MapValue(sort, @default, NoEntries, 0, sort.Key.CardinalityUpTo(FullTableLimit));
    }

    /// <summary>A map from a default and entries (later entries for the same key win); normalised.</summary>
    public static MapValue Create(MapSort sort, Value @default, IEnumerable<KeyValuePair<Value, Value>> entries)
    {
        // The same map as storing the entries one by one into Const(sort, default), built in a
        // mutable builder instead of one immutable dictionary per store. The canonical form is a
        // function of the map's values at every key (see the class comment), so canonicalising
        // once at the end gives what the stores would have given.
        var m = Const(sort, @default);
        var builder = NoEntries.ToBuilder();
        foreach (var (k, v) in entries)
        {
            CheckSort(sort.Key, k, "key");
            CheckSort(sort.Value, v, "value");
            if (v.Equals(@default)) builder.Remove(k);
            else builder[k] = v;
        }
        if (builder.Count == 0) return m;
        int hash = 0;
        foreach (var (k, v) in builder) hash += EntryHash(k, v);
        m = new MapValue(sort, @default, builder.ToImmutable(), hash, m._keyCount);
        return m._keyCount is { } n && (ulong)m.Entries.Count * 2 >= n ? m.Canonicalise(n) : m;
    }

    public Value this[Value key] => Select(key);

    public Value Select(Value key)
    {
        // Only a key of the map's key sort may go by its bits (a key of another sort is at no entry).
        if (key is BitVecValue b && MapSort.Key is BitVecSort ks && ks.Width == b.Width && Index() is { } ix) return ix.Get(b.Bits) ?? Default;
        return Entries.TryGetValue(key, out var v) ? v : Default;
    }

    /// <summary>
    /// Select at the key with bits <paramref name="key"/>, for a map whose key sort is scalar;
    /// <paramref name="box"/> makes the key <see cref="Value"/> while there is no index.
    /// </summary>
    internal Value SelectBits(ulong key, Func<ulong, Value> box)
    {
        if (Index() is { } ix) return ix.Get(key) ?? Default;
        return Entries.Count == 0 ? Default : Entries.TryGetValue(box(key), out var v) ? v : Default;
    }

    /// <summary>As <see cref="SelectBits"/> for a map whose value sort is scalar too: the value's bits.</summary>
    internal ulong SelectBitsToBits(ulong key, Func<ulong, Value> box)
    {
        if (Index() is { } ix) return ix.TryGetBits(key, out var bits) ? bits : ix.DefaultBits;
        return Boxing.Unbox(Entries.Count == 0 ? Default : Entries.TryGetValue(box(key), out var v) ? v : Default);
    }

    /// <summary>Whether the map has built its index (for tests of the index).</summary>
    internal bool HasIndex => _index is not null;

    private ScalarIndex? Index()
    {
        var ix = _index;
        if (ix is not null || Entries.Count == 0) return ix;
        if (++_reads < 8 || _reads < Entries.Count * 2) return null;
        return _index = ScalarIndex.Build(Entries, Default);
    }

    public MapValue Store(Value key, Value value)
    {
        CheckSort(MapSort.Key, key, "key");
        CheckSort(MapSort.Value, value, "value");
        return StoreUnchecked(key, value);
    }

    /// <summary>Store without sort checks: for Eval, whose terms are sort-checked at construction.</summary>
    internal MapValue StoreUnchecked(Value key, Value value)
    {
        int hash = _entriesHash;
        var entries = Entries;
        bool toDefault;
        if (entries.TryGetValue(key, out var old))
        {
            if (old.Equals(value)) return this;
            toDefault = value.Equals(Default);
            hash -= EntryHash(key, old);
            // Replacing an entry's value is one path copy (SetItem), not a removal and an addition.
            entries = toDefault ? entries.Remove(key) : entries.SetItem(key, value);
        }
        else
        {
            toDefault = value.Equals(Default);
            if (toDefault) return this;
            entries = entries.Add(key, value);
        }
        if (!toDefault) hash += EntryHash(key, value);
        var m = new MapValue(MapSort, Default, entries, hash, _keyCount);
        return _keyCount is { } n && (ulong)entries.Count * 2 >= n ? m.Canonicalise(n) : m;
    }

    private static int EntryHash(Value k, Value v) => HashCode.Combine(k, v);

    private MapValue Canonicalise(ulong keyCount)
    {
        var keys = Enumerate(MapSort.Key, keyCount)!;
        var counts = new Dictionary<Value, int>();
        var firstSeen = new Dictionary<Value, int>();
        for (int i = 0; i < keys.Count; i++)
        {
            var v = Select(keys[i]);
            counts[v] = counts.GetValueOrDefault(v) + 1;
            firstSeen.TryAdd(v, i);
        }
        var best = counts.OrderByDescending(c => c.Value).ThenBy(c => firstSeen[c.Key]).First().Key;
        if (best.Equals(Default)) return this;
        var builder = ImmutableDictionary.CreateBuilder<Value, Value>(ValueKeyComparer.Instance);
        int hash = 0;
        foreach (var k in keys)
        {
            var v = Select(k);
            if (v.Equals(best)) continue;
            builder.Add(k, v);
            hash += EntryHash(k, v);
        }
        return new MapValue(MapSort, best, builder.ToImmutable(), hash, keyCount);
    }

    private static void CheckSort(Sort expected, Value v, string what)
    {
        ArgumentNullException.ThrowIfNull(v, what);
        // Bit-vector keys and values (most of them) by width, without the record equality chain.
        if (v is BitVecValue b && expected is BitVecSort s ? b.Width != s.Width : !v.Sort.Equals(expected))
            throw new ArgumentException($"MapValue: {what} must have sort {expected}, got {v.Sort}");
    }

    public bool Equals(MapValue? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || _entriesHash != other._entriesHash || Entries.Count != other.Entries.Count) return false;
        if (!ReferenceEquals(MapSort, other.MapSort) && !MapSort.Equals(other.MapSort)) return false;
        if (!Default.Equals(other.Default)) return false;
        // Entry by entry, through an index where one exists (no hashing, and with two indexes no
        // walk of the immutable dictionaries at all); the counts are equal, so inclusion suffices.
        var theirs = other._index;
        var mine = _index;
        if (mine is not null && theirs is not null) return mine.EntriesIn(theirs);
        if (theirs is not null) return EntriesIn(Entries, theirs);
        if (mine is not null) return EntriesIn(other.Entries, mine);
        foreach (var (k, v) in Entries)
            if (!other.Entries.TryGetValue(k, out var ov) || !v.Equals(ov)) return false;
        return true;
    }

    private static bool EntriesIn(ImmutableDictionary<Value, Value> entries, ScalarIndex index)
    {
        foreach (var (k, v) in entries)
            if (index.Get(Boxing.Unbox(k)) is not { } ov || !v.Equals(ov)) return false;
        return true;
    }

    // Cached: a map of maps hashes its inner maps on every store, and the sort's record hash is recursive.
    public override int GetHashCode()
    {
        if (!_hashed)
        {
            _hash = HashCode.Combine(MapSort, Default, _entriesHash);
            _hashed = true;
        }
        return _hash;
    }

    public override string ToString()
    {
        var parts = Entries.Select(e => (Text: $"{e.Key} -> {e.Value}", e.Key))
            .OrderBy(e => e.Text, StringComparer.Ordinal).Select(e => e.Text);
        return $"[{string.Join(", ", parts)}{(Entries.Count > 0 ? ", " : "")}else -> {Default}]";
    }
}
