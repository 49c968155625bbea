namespace Verified.Spec;

/// <summary>
/// A read-only table from the bits of a scalar key (bit-vector, enum index, Bool as 0/1) to a
/// map's entry, built from a <see cref="MapEntries"/> run so that a read costs one probe instead
/// of a binary search. Keys that are small compared with the entry count (quantifier domains indexed 0..n-1,
/// object numbers) are looked up directly by position; others by open addressing.
/// A cache of the map, never its identity: equality and hashing ignore it.
/// </summary>
internal sealed class ScalarIndex
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL; // Fibonacci hashing: spreads consecutive keys

    private readonly Slot[] _slots;
    private readonly bool _direct;
    private readonly int _shift;
    private readonly int _mask;

    private ScalarIndex(Slot[] slots, bool direct, int shift)
    {
        _slots = slots;
        _direct = direct;
        _shift = shift;
        _mask = slots.Length - 1;
    }

    /// <summary>One entry: its key bits and the value.</summary>
    private struct Slot
    {
        public ulong Key;
        public Value? Value; // null: no entry at this slot
    }

    public static ScalarIndex Build(ReadOnlySpan<MapEntry> entries)
    {
        // The run is sorted by key bits, so its last key is the largest: placed directly by key
        // when the keys are small, else hashed.
        int n = entries.Length;
        ulong max = n == 0 ? 0 : entries[n - 1].Key;
        if (max < (ulong)n * 4 + 64)
        {
            var direct = new Slot[(int)max + 1];
            foreach (ref readonly var e in entries) direct[(int)e.Key] = new Slot { Key = e.Key, Value = e.V };
            return new ScalarIndex(direct, true, 0);
        }
        int bits = 1;
        while ((1 << bits) < n * 2) bits++; // load at most one half
        var slots = new Slot[1 << bits];
        int mask = slots.Length - 1;
        foreach (ref readonly var e in entries)
        {
            int i = (int)((e.Key * Golden) >> (64 - bits));
            while (slots[i].Value is not null) i = (i + 1) & mask;
            slots[i] = new Slot { Key = e.Key, Value = e.V };
        }
        return new ScalarIndex(slots, false, 64 - bits);
    }

    /// <summary>The slot holding <paramref name="key"/>, or -1 when the map has no entry there.</summary>
    private int Find(ulong key)
    {
        var slots = _slots;
        if (_direct) return key < (ulong)slots.Length && slots[(int)key].Value is not null ? (int)key : -1;
        int i = (int)((key * Golden) >> _shift);
        while (true)
        {
            ref var s = ref slots[i];
            if (s.Value is null) return -1;
            if (s.Key == key) return i;
            i = (i + 1) & _mask;
        }
    }

    public Value? Get(ulong key)
    {
        int i = Find(key);
        return i < 0 ? null : _slots[i].Value;
    }
}
