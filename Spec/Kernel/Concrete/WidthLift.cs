namespace Verified.Spec.Kernel;

/// <summary>
/// Lifts values of a spec at narrow widths (a bounded search's model) to the sorts of the same
/// spec at full widths: ids are zero-extended, a slot or grant key (cnode:index, owner:index) is
/// split and each part zero-extended, and a map keeps its entries (keys and values lifted) with
/// the value at its largest narrow key as the default for every id the full width adds — the
/// largest id stands for "an id the narrow state had no room to use". The lift is a guess that
/// the caller must confirm on the full-width spec (KernelEval): wrap-around and the exhaustion
/// checks (generation, depth at its maximum) behave differently at the two widths.
/// </summary>
public sealed class WidthLift
{
    private readonly Dictionary<(int Narrow, int Full), Func<ulong, ulong>> byWidths = [];

    public WidthLift(KernelConfig narrow, KernelConfig full)
    {
        var n = new KernelSorts(narrow);
        var f = new KernelSorts(full);
        Add(n.Obj, f.Obj, x => x);
        Add(n.CapId, f.CapId, x => x);
        Add(n.Index, f.Index, x => x);
        Add(n.GrantIndex, f.GrantIndex, x => x);
        Add(n.Service, f.Service, x => x);
        Add(n.Gen, f.Gen, x => x);
        Add(n.GrantGen, f.GrantGen, x => x);
        Add(n.Addr, f.Addr, x => x);
        Add(n.Badge, f.Badge, x => x);
        Add(n.Depth, f.Depth, x => x);
        Add(n.Rights, f.Rights, x => x);
        Add(n.Access, f.Access, x => x);
        Add(n.GrantDepth, f.GrantDepth, x => x);
        Add(n.Starts, f.Starts, x => x);
        Add(n.Slot, f.Slot, Split(narrow.CNodeIndexBits, full.CNodeIndexBits));
        Add(n.GrantKey, f.GrantKey, Split(narrow.GrantIndexBits, full.GrantIndexBits));
    }

    private static Func<ulong, ulong> Split(int narrowIndexBits, int fullIndexBits) => key =>
        ((key >> narrowIndexBits) << fullIndexBits) | (key & ((1UL << narrowIndexBits) - 1));

    private void Add(BitVecSort narrow, BitVecSort full, Func<ulong, ulong> lift)
    {
        var key = (narrow.Width, full.Width);
        if (!byWidths.TryGetValue(key, out var known))
        {
            byWidths[key] = lift;
            return;
        }
        // Two sorts with the same narrow and full widths must lift alike: probe with a few values.
        foreach (var x in new ulong[] { 0, 1, 2, 5, narrow.Mask })
            if (known(x & narrow.Mask) != lift(x & narrow.Mask))
                throw new ArgumentException($"WidthLift: two sorts of width {narrow.Width} → {full.Width} lift differently; choose narrow widths that tell them apart");
    }

    /// <summary>The value <paramref name="v"/> (a narrow-width value) as a value of <paramref name="full"/>.</summary>
    public Value Lift(Value v, Sort full)
    {
        switch (v, full)
        {
            case (BoolValue or EnumValue, _) when v.Sort.Equals(full):
                return v;
            case (BitVecValue bv, BitVecSort fs):
                if (bv.Width == fs.Width) return bv;
                if (!byWidths.TryGetValue((bv.Width, fs.Width), out var lift))
                    throw new ArgumentException($"WidthLift: no lift from width {bv.Width} to {fs.Width}");
                return new BitVecValue(fs.Width, lift(bv.Bits));
            case (MapValue m, MapSort ms):
                {
                    var keys = Value.Enumerate(m.MapSort.Key, 1UL << 16);
                    var standIn = keys is { Count: > 0 } ? m.Select(keys[^1]) : m.Default;
                    var entries = m.Entries.Select(e => KeyValuePair.Create(Lift(e.Key, ms.Key), Lift(e.Value, ms.Value)));
                    if (keys is not null)
                        entries = keys.Select(k => KeyValuePair.Create(Lift(k, ms.Key), Lift(m.Select(k), ms.Value)));
                    return MapValue.Create(ms, Lift(standIn, ms.Value), entries);
                }
            default:
                throw new ArgumentException($"WidthLift: cannot lift {v.Sort} to {full}");
        }
    }
}
