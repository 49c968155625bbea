namespace Verified.Spec;

/// <summary>
/// One entry of a map's representation. <see cref="Key"/> orders entries: the key's bits when the
/// key sort is scalar (bit-vector, enum index, Bool as 0/1; unique per key), else the key's hash
/// (entries with equal hashes are adjacent, in no particular order). <see cref="V"/> null marks,
/// in an overlay only, a key whose entry was removed (stored back to the default).
/// </summary>
internal readonly struct MapEntry(ulong key, Value k, Value? v)
{
    public readonly ulong Key = key;
    public readonly Value K = k;
    public readonly Value? V = v;
}

/// <summary>
/// An immutable run of map entries sorted by <see cref="MapEntry.Key"/>, without removed entries:
/// the base of a <see cref="MapValue"/>. Lookups by bits go through a <see cref="ScalarIndex"/>
/// once the run has been read often enough; the run is shared by every map stored from the one
/// that owns it (each keeps its own few stores in an overlay), so the index serves the whole chain.
/// </summary>
internal sealed class EntryRun
{
    private readonly MapEntry[] _items;
    private ScalarIndex? _index;
    private int _reads;

    public EntryRun(MapEntry[] items, bool scalarKeys)
    {
        _items = items;
        ScalarKeys = scalarKeys;
    }

    public static readonly EntryRun EmptyScalar = new([], true);
    public static readonly EntryRun EmptyHashed = new([], false);

    public MapEntry[] Items => _items;

    public bool ScalarKeys { get; }

    public bool HasIndex => _index is not null;

    /// <summary>The order key of <paramref name="k"/> in a map whose keys are scalar or not.</summary>
    public static ulong OrderKey(Value k, bool scalarKeys) =>
        scalarKeys ? Boxing.Unbox(k) : (uint)ValueKeyComparer.Instance.GetHashCode(k);

    /// <summary>The first position whose order key is at least <paramref name="key"/>.</summary>
    public static int LowerBound(ReadOnlySpan<MapEntry> items, ulong key)
    {
        int lo = 0, hi = items.Length;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (items[mid].Key < key) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>
    /// The position of the entry for key <paramref name="k"/> (order key <paramref name="key"/>), or
    /// -1. With scalar keys the bits decide and <paramref name="k"/> may be null.
    /// </summary>
    public static int Find(ReadOnlySpan<MapEntry> items, ulong key, Value? k, bool scalarKeys)
    {
        int i = LowerBound(items, key);
        if (scalarKeys) return i < items.Length && items[i].Key == key ? i : -1;
        for (; i < items.Length && items[i].Key == key; i++)
            if (ValueKeyComparer.Instance.Equals(items[i].K, k)) return i;
        return -1;
    }

    /// <summary>The value at <paramref name="k"/> (order key <paramref name="key"/>; <paramref name="k"/> may be null with scalar keys), or null.</summary>
    public Value? Get(ulong key, Value? k)
    {
        if (_items.Length == 0) return null;
        if (ScalarKeys && Index() is { } ix) return ix.Get(key);
        int i = Find(_items, key, k, ScalarKeys);
        return i < 0 ? null : _items[i].V;
    }

    // Built after about two reads per entry (a build is about as costly): maps in a state and
    // quantifier domains are read many times, runs in the middle of a merge a few times. Races only
    // build it twice.
    private ScalarIndex? Index()
    {
        var ix = _index;
        if (ix is not null) return ix;
        if (++_reads < 8 || _reads < _items.Length * 2) return null;
        return _index = ScalarIndex.Build(_items);
    }
}
