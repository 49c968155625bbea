using System.Collections.Immutable;

namespace Verified.Spec;

/// <summary>
/// A read-only table from the bits of a scalar key (bit-vector, enum index, Bool as 0/1) to a
/// map's entry, built from <see cref="MapValue.Entries"/> so that Eval can select without boxing
/// the key, hashing it through the virtual record chain and walking the immutable dictionary's
/// tree. Keys that are small compared with the entry count (quantifier domains indexed 0..n-1,
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

    private ScalarIndex(Slot[] slots, bool direct, int shift, ulong defaultBits)
    {
        DefaultBits = defaultBits;
        _slots = slots;
        _direct = direct;
        _shift = shift;
        _mask = slots.Length - 1;
    }

    /// <summary>One entry: its key bits, the value, and the value's bits when the value sort is scalar.</summary>
    private struct Slot
    {
        public ulong Key;
        public ulong Bits;
        public Value? Value; // null: no entry at this slot
    }

    /// <summary>The map's default as bits, when the value sort is scalar.</summary>
    public ulong DefaultBits { get; }

    public static ScalarIndex Build(ImmutableDictionary<Value, Value> entries, Value @default)
    {
        bool scalarValues = EvalCompiler.IsScalar(@default.Sort);
        ulong defaultBits = scalarValues ? Boxing.Unbox(@default) : 0;
        // One pass over the dictionary (its enumeration is the cost of a build): the pairs are
        // gathered unboxed, then placed directly by key when the keys are small, else hashed.
        int n = entries.Count;
        var pairs = new Slot[n];
        ulong max = 0;
        int j = 0;
        foreach (var (k, v) in entries)
        {
            ulong key = Boxing.Unbox(k);
            max = Math.Max(max, key);
            pairs[j++] = new Slot { Key = key, Bits = scalarValues ? Boxing.Unbox(v) : 0, Value = v };
        }
        if (max < (ulong)n * 4 + 64)
        {
            var direct = new Slot[(int)max + 1];
            foreach (var p in pairs) direct[(int)p.Key] = p;
            return new ScalarIndex(direct, true, 0, defaultBits);
        }
        int bits = 1;
        while ((1 << bits) < n * 2) bits++; // load at most one half
        var slots = new Slot[1 << bits];
        int mask = slots.Length - 1;
        foreach (var p in pairs)
        {
            int i = (int)((p.Key * Golden) >> (64 - bits));
            while (slots[i].Value is not null) i = (i + 1) & mask;
            slots[i] = p;
        }
        return new ScalarIndex(slots, false, 64 - bits, defaultBits);
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

    /// <summary>Whether every entry of this index is an entry of <paramref name="other"/> with an equal value.</summary>
    public bool EntriesIn(ScalarIndex other)
    {
        foreach (ref var s in _slots.AsSpan())
            if (s.Value is not null && (other.Get(s.Key) is not { } v || !s.Value.Equals(v))) return false;
        return true;
    }

    public Value? Get(ulong key)
    {
        int i = Find(key);
        return i < 0 ? null : _slots[i].Value;
    }

    public bool TryGetBits(ulong key, out ulong bits)
    {
        int i = Find(key);
        if (i < 0)
        {
            bits = 0;
            return false;
        }
        bits = _slots[i].Bits;
        return true;
    }
}
