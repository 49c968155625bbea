namespace Verified.Spec;

/// <summary>Conversion between scalar slot contents and <see cref="Value"/>s, with cached boxes for small sorts.</summary>
internal static class Boxing
{
    private static readonly BitVecValue[][] SmallBv =
        [.. Enumerable.Range(0, 9).Select(w => w == 0 ? [] : Enumerable.Range(0, 1 << w).Select(i => new BitVecValue(w, (ulong)i)).ToArray())];

    // Widths 9..16 (slot numbers, object indices) box through a table filled on demand: boxing
    // map keys on every Select would otherwise allocate on the hot path. Races only duplicate equal values.
    private static readonly BitVecValue?[]?[] MidBv = new BitVecValue?[]?[17];

    public static ulong Unbox(Value v) => v switch
    {
        BoolValue b => b.Value ? 1UL : 0UL,
        BitVecValue bv => bv.Bits,
        EnumValue e => (ulong)e.Index,
        _ => throw new InvalidOperationException($"internal: {v.Sort} is not a scalar sort"),
    };

    public static Func<ulong, Value> Boxer(Sort sort) => sort switch
    {
        BoolSort => x => x != 0 ? BoolValue.True : BoolValue.False,
        BitVecSort { Width: <= 8 } bv => SmallBox(SmallBv[bv.Width]),
        BitVecSort { Width: <= 16 } bv => MidBox(bv.Width),
        BitVecSort bv => WideBox(bv.Width),
        EnumSort e => EnumBox(e),
        _ => throw new InvalidOperationException($"internal: {sort} is not a scalar sort"),
    };

    private static Func<ulong, Value> SmallBox(BitVecValue[] table) => x => table[x];

    private static Func<ulong, Value> MidBox(int width)
    {
        var table = MidBv[width] ??= new BitVecValue?[1 << width];
        return x => table[x] ??= new BitVecValue(width, x);
    }

    // Wider ones (slot keys, generations, addresses) through a small direct-mapped cache per
    // compiled site: the same few keys are read again and again. A race only replaces an entry;
    // an entry is used only when its bits match.
    private static Func<ulong, Value> WideBox(int width)
    {
        var cache = new BitVecValue?[256];
        return x =>
        {
            var i = (int)((x ^ (x >> 8) ^ (x >> 16) ^ (x >> 32)) & 255);
            var c = cache[i];
            if (c is not null && c.Bits == x) return c;
            return cache[i] = new BitVecValue(width, x);
        };
    }

    private static Func<ulong, Value> EnumBox(EnumSort e)
    {
        var table = Enumerable.Range(0, e.Members.Length).Select(i => new EnumValue(e, i)).ToArray();
        return x => table[x];
    }
}
