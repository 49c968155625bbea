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

    // The entries are a shared sorted run (the base) plus this map's own recent stores (the
    // overlay, sorted too, a few entries): a store copies the overlay, not a tree path, and merges
    // it into a new base only when it outgrows about the square root of the base. Maps stored
    // from one another share the base and with it the base's index.
    private readonly EntryRun _base;
    private readonly MapEntry[] _over; // V null: the base's entry at that key is removed
    private readonly int _count;
    private readonly int _entriesHash; // commutative sum of entry hashes: order independent, O(1) to update
    private readonly ulong? _keyCount;
    private readonly bool _scalarKeys;
    private EntryRun? _flat; // base and overlay merged, made when the map is read often
    private int _reads;
    private int _hash;
    private bool _hashed;

    private MapValue(MapSort sort, Value @default, EntryRun @base, MapEntry[] over, int count, int entriesHash, ulong? keyCount)
    {
        MapSort = sort;
        Default = @default;
        _base = @base;
        _over = over;
        _count = count;
        _entriesHash = entriesHash;
        _keyCount = keyCount;
        _scalarKeys = @base.ScalarKeys;
    }

    public MapSort MapSort { get; }

    public Value Default { get; }

    /// <summary>The explicit entries (values other than <see cref="Default"/>), in key order for scalar keys.</summary>
    public MapEntries Entries => new(this);

    /// <summary>The enumerator of <see cref="Entries"/>: over the merged run where there is one, else over base and overlay.</summary>
    internal MapEntries.Enumerator Enumerate()
    {
        var flat = _flat; // read once: with it the overlay is already applied
        return flat is not null ? new(flat.Items, [], _scalarKeys) : new(_base.Items, _over, _scalarKeys);
    }

    internal int EntryCount => _count;

    public override Sort Sort => MapSort;

    /// <summary>The constant map: <paramref name="default"/> at every key.</summary>
    public static MapValue Const(MapSort sort, Value @default)
    {
        ArgumentNullException.ThrowIfNull(sort);
        CheckSort(sort.Value, @default, "default");
        return new MapValue(sort, @default, EvalCompiler.IsScalar(sort.Key) ? EntryRun.EmptyScalar : EntryRun.EmptyHashed, [], 0, 0,
            sort.Key.CardinalityUpTo(FullTableLimit));
    }

    /// <summary>A map from a default and entries (later entries for the same key win); normalised.</summary>
    public static MapValue Create(MapSort sort, Value @default, IEnumerable<KeyValuePair<Value, Value>> entries)
    {
        var m = Const(sort, @default);
        return m.WithEntries(entries, check: true);
    }

    /// <summary>As <see cref="Create"/> without sort checks: for Eval, whose terms are sort-checked at construction.</summary>
    internal static MapValue CreateUnchecked(MapSort sort, Value @default, IEnumerable<KeyValuePair<Value, Value>> entries) =>
        new MapValue(sort, @default, EvalCompiler.IsScalar(sort.Key) ? EntryRun.EmptyScalar : EntryRun.EmptyHashed, [], 0, 0,
            sort.Key.CardinalityUpTo(FullTableLimit)).WithEntries(entries, check: false);

    // The same map as storing the entries one by one into this constant map, built at once instead
    // of one store per entry. The canonical form is a function of the map's values at every key
    // (see the class comment), so canonicalising once at the end gives what the stores would have given.
    private MapValue WithEntries(IEnumerable<KeyValuePair<Value, Value>> entries, bool check)
    {
        var latest = new Dictionary<Value, Value>(ValueKeyComparer.Instance);
        foreach (var (k, v) in entries)
        {
            if (check)
            {
                CheckSort(MapSort.Key, k, "key");
                CheckSort(MapSort.Value, v, "value");
            }
            if (v.Equals(Default)) latest.Remove(k);
            else latest[k] = v;
        }
        return latest.Count == 0 ? this : FromDistinct(MapSort, Default, latest, _keyCount, canonicalise: true);
    }

    /// <summary>A map from distinct keys with values other than the default.</summary>
    private static MapValue FromDistinct(MapSort sort, Value @default, IReadOnlyCollection<KeyValuePair<Value, Value>> entries, ulong? keyCount, bool canonicalise)
    {
        bool scalar = EvalCompiler.IsScalar(sort.Key);
        var items = new MapEntry[entries.Count];
        int j = 0, hash = 0;
        foreach (var (k, v) in entries)
        {
            items[j++] = new MapEntry(EntryRun.OrderKey(k, scalar), k, v);
            hash += EntryHash(k, v);
        }
        Array.Sort(items, static (a, b) => a.Key.CompareTo(b.Key));
        var m = new MapValue(sort, @default, new EntryRun(items, scalar), [], items.Length, hash, keyCount);
        return canonicalise && keyCount is { } n && (ulong)items.Length * 2 >= n ? m.Canonicalise(n) : m;
    }

    public Value this[Value key] => Select(key);

    public Value Select(Value key) => TryFind(key) ?? Default;

    /// <summary>The entry's value at <paramref name="key"/>, or null where the map holds its default.</summary>
    internal Value? TryFind(Value key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_scalarKeys) return Find((uint)ValueKeyComparer.Instance.GetHashCode(key), key);
        // A key of another sort is at no entry (its bits could name one).
        bool sameSort = key is BitVecValue b ? MapSort.Key is BitVecSort ks && ks.Width == b.Width : key.Sort.Equals(MapSort.Key);
        return sameSort ? Find(Boxing.Unbox(key), key) : null;
    }

    /// <summary>Select at the key with bits <paramref name="key"/>, for a map whose key sort is scalar.</summary>
    internal Value SelectBits(ulong key) => Find(key, null) ?? Default;

    /// <summary>As <see cref="SelectBits"/> for a map whose value sort is scalar too: the value's bits.</summary>
    internal ulong SelectBitsToBits(ulong key)
    {
        var v = Find(key, null) ?? Default;
        return v is BitVecValue b ? b.Bits : Boxing.Unbox(v);
    }

    /// <summary>Whether reads of the map go through an index (for tests of the index).</summary>
    internal bool HasIndex => (_flat ?? (_over.Length == 0 ? _base : null))?.HasIndex ?? false;

    /// <summary>The value at the key (order key <paramref name="key"/>; <paramref name="k"/> may be null for scalar keys), or null for the default.</summary>
    private Value? Find(ulong key, Value? k)
    {
        if (_over.Length == 0) return _base.Get(key, k);
        var flat = _flat;
        if (flat is not null) return flat.Get(key, k);
        int i = EntryRun.Find(_over, key, k, _scalarKeys);
        if (i >= 0) return _over[i].V;
        // A map read more often than it has entries (a state's map, not one in the middle of a
        // chain of stores) is worth one merge: then one run, and its index, serve the reads.
        if (++_reads > 16 && _reads > _count) return Flat().Get(key, k);
        return _base.Get(key, k);
    }

    private EntryRun Flat()
    {
        var flat = Volatile.Read(ref _flat);
        if (flat is not null) return flat;
        flat = new EntryRun(Merge(_base.Items, _over, _count, _scalarKeys), _scalarKeys);
        Volatile.Write(ref _flat, flat); // a race only merges twice
        return flat;
    }

    /// <summary>The base with the overlay applied: <paramref name="count"/> entries in order.</summary>
    private static MapEntry[] Merge(ReadOnlySpan<MapEntry> b, ReadOnlySpan<MapEntry> o, int count, bool scalar)
    {
        var r = new MapEntry[count];
        int i = 0, j = 0, n = 0;
        while (i < b.Length || j < o.Length)
        {
            if (j == o.Length || (i < b.Length && b[i].Key < o[j].Key)) r[n++] = b[i++];
            else if (i == b.Length || o[j].Key < b[i].Key)
            {
                if (o[j].V is not null) r[n++] = o[j];
                j++;
            }
            else if (scalar)
            {
                if (o[j].V is not null) r[n++] = o[j];
                i++;
                j++;
            }
            else
            {
                // Keys with equal hashes: the base's entries the overlay does not name, then the overlay's.
                ulong key = b[i].Key;
                int bEnd = i, oEnd = j;
                while (bEnd < b.Length && b[bEnd].Key == key) bEnd++;
                while (oEnd < o.Length && o[oEnd].Key == key) oEnd++;
                for (; i < bEnd; i++)
                    if (EntryRun.Find(o[j..oEnd], key, b[i].K, false) < 0) r[n++] = b[i];
                for (; j < oEnd; j++)
                    if (o[j].V is not null) r[n++] = o[j];
            }
        }
        if (n != count) throw new InvalidOperationException($"internal: a map's merged entries number {n}, its count says {count}");
        return r;
    }

    public MapValue Store(Value key, Value value)
    {
        CheckSort(MapSort.Key, key, "key");
        CheckSort(MapSort.Value, value, "value");
        return StoreUnchecked(key, value);
    }

    /// <summary>Store without sort checks: for Eval, whose terms are sort-checked at construction.</summary>
    internal MapValue StoreUnchecked(Value key, Value value) => StoreAt(EntryRun.OrderKey(key, _scalarKeys), key, null, value);

    /// <summary>
    /// Store at the key with bits <paramref name="key"/>, for a map whose key sort is scalar;
    /// <paramref name="box"/> makes the key a <see cref="Value"/> only when the map has no entry there yet.
    /// </summary>
    internal MapValue StoreBits(ulong key, Func<ulong, Value> box, Value value) => StoreAt(key, null, box, value);

    private MapValue StoreAt(ulong key, Value? k, Func<ulong, Value>? box, Value value)
    {
        // A map read often enough to have merged its run stores over that run (and shares its index).
        var flat = _flat;
        var @base = flat ?? _base;
        var overlay = flat is null ? _over : [];
        var baseItems = @base.Items;
        int oi = overlay.Length == 0 ? -1 : EntryRun.Find(overlay, key, k, _scalarKeys);
        int bi = oi >= 0 ? -2 : EntryRun.Find(baseItems, key, k, _scalarKeys); // -2: not looked up
        Value? old = oi >= 0 ? overlay[oi].V : bi >= 0 ? baseItems[bi].V : null;
        var current = old ?? Default;
        if (ReferenceEquals(current, value) || current.Equals(value)) return this;
        bool toDefault = old is not null && value.Equals(Default); // no entry means the default, which differs from value
        // The key object already in the map serves again: Eval then boxes only new keys.
        Value kv = k ?? (oi >= 0 ? overlay[oi].K : bi >= 0 ? baseItems[bi].K : box!(key));
        int hash = _entriesHash, count = _count;
        if (old is not null)
        {
            hash -= EntryHash(kv, old);
            count--;
        }
        if (!toDefault)
        {
            hash += EntryHash(kv, value);
            count++;
        }
        MapEntry[] over;
        if (!toDefault) over = Put(overlay, oi, key, new MapEntry(key, kv, value));
        else if (bi >= 0 || (bi == -2 && EntryRun.Find(baseItems, key, kv, _scalarKeys) >= 0)) over = Put(overlay, oi, key, new MapEntry(key, kv, null));
        else over = RemoveAt(overlay, oi); // an entry of the overlay only
        if (over.Length > 4 + (int)Math.Sqrt(baseItems.Length))
        {
            @base = new EntryRun(Merge(baseItems, over, count, _scalarKeys), _scalarKeys);
            over = [];
        }
        var m = new MapValue(MapSort, Default, @base, over, count, hash, _keyCount);
        return _keyCount is { } n && (ulong)count * 2 >= n ? m.Canonicalise(n) : m;
    }

    /// <summary>
    /// The map after storing every entry of <paramref name="entries"/> (distinct keys), equal to
    /// storing them one by one, built as one new map: one overlay for all the keys whose value
    /// changes, instead of a map and an overlay copy per key. The keys whose value changes are
    /// added to <paramref name="changed"/> (this map itself when none does). Equal to the stores
    /// one by one because the canonical form is a function of the map's values at every key (the
    /// default is the most frequent value, ties at the smallest key: re-chosen once at the end
    /// rather than after each store). Concrete collections: their enumerators are not boxed (this
    /// runs for every changed field of every abstracted post-state).
    /// </summary>
    public MapValue StoreMany(Dictionary<Value, Value> entries, List<Value> changed)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(changed);
        if (!_scalarKeys || entries.Count == 1)
        {
            // Keys by hash: several may share an order key; stored one by one. And one entry (most
            // changed fields of a post-state): a plain store, with no scratch and no sort.
            var m = this;
            foreach (var (k, v) in entries)
            {
                var stored = m.Store(k, v);
                if (!ReferenceEquals(stored, m)) changed.Add(k);
                m = stored;
            }
            return m;
        }

        var flat = _flat;
        var @base = flat ?? _base;
        var overlay = flat is null ? _over : [];
        var baseItems = @base.Items;
        MapEntry[]? puts = null; // the new overlay entries, by order key (null value: the base's entry removed)
        int n = 0, hash = _entriesHash, count = _count, size = overlay.Length; // size: the new overlay's
        foreach (var (k, v) in entries)
        {
            CheckSort(MapSort.Key, k, "key");
            CheckSort(MapSort.Value, v, "value");
            ulong key = EntryRun.OrderKey(k, true);
            int oi = overlay.Length == 0 ? -1 : EntryRun.Find(overlay, key, null, true);
            int bi = oi >= 0 ? -2 : EntryRun.Find(baseItems, key, null, true);
            Value? old = oi >= 0 ? overlay[oi].V : bi >= 0 ? baseItems[bi].V : null;
            var current = old ?? Default;
            if (ReferenceEquals(current, v) || current.Equals(v)) continue;
            changed.Add(k);
            bool toDefault = old is not null && v.Equals(Default);
            Value kv = oi >= 0 ? overlay[oi].K : bi >= 0 ? baseItems[bi].K : k;
            if (old is not null)
            {
                hash -= EntryHash(kv, old);
                count--;
            }
            if (!toDefault)
            {
                hash += EntryHash(kv, v);
                count++;
            }
            // A store of the default is a null value here, a removal mark over the base's entry, or
            // (an overlay-only entry) Dropped: MergeOverlay drops the overlay's entry.
            bool drop = toDefault && (bi == -1 || (bi == -2 && EntryRun.Find(baseItems, key, null, true) < 0));
            if (oi >= 0) size--;
            if (!drop) size++;
            puts ??= StoreManyScratch is { } sc && sc.Length >= entries.Count ? sc : (StoreManyScratch = new MapEntry[Math.Max(entries.Count, 16)]);
            puts[n++] = new MapEntry(key, kv, drop ? Dropped : toDefault ? null : v);
        }
        if (n == 0) return this;

        var mine = puts.AsSpan(0, n);
        if (n > 1) mine.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        var over = MergeOverlay(overlay, mine, size);
        mine.Clear(); // the scratch holds no values past the call
        if (over.Length > 4 + (int)Math.Sqrt(baseItems.Length))
        {
            @base = new EntryRun(Merge(baseItems, over, count, true), true);
            over = [];
        }
        var map = new MapValue(MapSort, Default, @base, over, count, hash, _keyCount);
        return _keyCount is { } keys && (ulong)count * 2 >= keys ? map.Canonicalise(keys) : map;
    }

    // StoreMany's new entries before they are merged into the overlay (per thread: maps are shared between threads).
    [ThreadStatic]
    private static MapEntry[]? StoreManyScratch;

    // Marks an overlay-only entry stored back to the default in StoreMany's new entries (never a map's value: private).
    private static readonly Value Dropped = new BitVecValue(1, 0);

    // The overlay with the new entries (scalar keys, each at most once, in order; size entries in
    // all, as StoreMany counted them) replacing or joining its own, Dropped ones leaving it.
    private static MapEntry[] MergeOverlay(MapEntry[] overlay, ReadOnlySpan<MapEntry> puts, int size)
    {
        if (size == 0) return [];
        var r = new MapEntry[size];
        int i = 0, j = 0, n = 0;
        while (i < overlay.Length || j < puts.Length)
        {
            if (j == puts.Length || (i < overlay.Length && overlay[i].Key < puts[j].Key))
            {
                r[n++] = overlay[i++];
                continue;
            }
            if (i < overlay.Length && overlay[i].Key == puts[j].Key) i++; // replaced
            var e = puts[j++];
            if (!ReferenceEquals(e.V, Dropped)) r[n++] = e;
        }
        if (n != size) throw new InvalidOperationException($"internal: a map's merged overlay has {n} entries, {size} were counted");
        return r;
    }

    /// <summary>A copy of <paramref name="over"/> with <paramref name="e"/> at position <paramref name="at"/> (replaced) or inserted in order (at -1).</summary>
    private static MapEntry[] Put(MapEntry[] over, int at, ulong key, MapEntry e)
    {
        if (at >= 0)
        {
            var replaced = (MapEntry[])over.Clone();
            replaced[at] = e;
            return replaced;
        }
        int i = EntryRun.LowerBound(over, key);
        var r = new MapEntry[over.Length + 1];
        Array.Copy(over, r, i);
        r[i] = e;
        Array.Copy(over, i, r, i + 1, over.Length - i);
        return r;
    }

    private static MapEntry[] RemoveAt(MapEntry[] over, int at)
    {
        if (over.Length == 1) return [];
        var r = new MapEntry[over.Length - 1];
        Array.Copy(over, r, at);
        Array.Copy(over, at + 1, r, at, over.Length - at - 1);
        return r;
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
        var entries = new List<KeyValuePair<Value, Value>>();
        foreach (var k in keys)
        {
            var v = Select(k);
            if (!v.Equals(best)) entries.Add(KeyValuePair.Create(k, v));
        }
        return FromDistinct(MapSort, best, entries, keyCount, canonicalise: false);
    }

    private static void CheckSort(Sort expected, Value v, string what)
    {
        ArgumentNullException.ThrowIfNull(v, what);
        // Bit-vector keys and values (most of them) by width, and a sort that is the very instance
        // expected (a map of maps stores maps of its value sort) without the structural comparison.
        if (v is BitVecValue b && expected is BitVecSort s ? b.Width != s.Width : !ReferenceEquals(v.Sort, expected) && !v.Sort.Equals(expected))
            throw new ArgumentException($"MapValue: {what} must have sort {expected}, got {v.Sort}");
    }

    public bool Equals(MapValue? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || _entriesHash != other._entriesHash || _count != other._count) return false;
        if (!ReferenceEquals(MapSort, other.MapSort) && !MapSort.Equals(other.MapSort)) return false;
        if (!Default.Equals(other.Default)) return false;
        if (_count == 0) return true;
        // Maps stored from one map share its base: they can differ only at their overlays' keys.
        if (ReferenceEquals(_base, other._base))
            return SameAtOverlay(this, other) && SameAtOverlay(other, this);
        if (_scalarKeys)
        {
            // Both enumerate in key order and have as many entries: compare them side by side.
            var mine = Entries.GetEnumerator();
            var theirs = other.Entries.GetEnumerator();
            while (mine.MoveNext() && theirs.MoveNext())
                if (mine.Entry.Key != theirs.Entry.Key || !mine.Entry.V!.Equals(theirs.Entry.V)) return false;
            return true;
        }
        // Hashed keys are in no fixed order within equal hashes; the counts are equal, so inclusion suffices.
        foreach (var (k, v) in Entries)
            if (other.TryFind(k) is not { } ov || !v.Equals(ov)) return false;
        return true;
    }

    private static bool SameAtOverlay(MapValue a, MapValue b)
    {
        foreach (var e in a._over)
            if (!(e.V ?? a.Default).Equals(b.Find(e.Key, e.K) ?? b.Default)) return false;
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
