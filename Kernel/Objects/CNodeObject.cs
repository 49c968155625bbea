using Verified.Kernel.Abi;
using Verified.Kernel.Caps;

namespace Verified.Kernel.Objects;

/// <summary>2^RadixBits capability slots.</summary>
public sealed class CNodeObject : KernelObject
{
    /// <summary>Creates a CNode with 2^radixBits empty slots.</summary>
    public CNodeObject(int radixBits)
    {
        RadixBits = radixBits;
        Slots = new CapSlot[1 << radixBits];
        Array.Fill(Slots, CapSlot.Empty);
    }

    /// <inheritdoc/>
    public override ObjectType Type => ObjectType.CNode;

    /// <summary>log2 of the slot count.</summary>
    public int RadixBits { get; }

    /// <summary>The slots (the kernel mutates them; readers treat them as read-only).</summary>
    internal CapSlot[] Slots { get; private set; }

    /// <summary>A read-only view of the slots.</summary>
    public ReadOnlySpan<CapSlot> View => Slots;

    /// <inheritdoc/>
    public override KernelObject Clone()
    {
        var clone = new CNodeObject(RadixBits);
        clone.Slots = (CapSlot[])Slots.Clone();
        return CopyBaseInto(clone);
    }

    internal override void Fingerprint(ref Fingerprinter f)
    {
        base.Fingerprint(ref f);
        for (var i = 0; i < Slots.Length; i++)
        {
            ref readonly var s = ref Slots[i];
            if (s.Cap.IsNull && !s.Prev.IsSome && !s.Next.IsSome)
            {
                continue;
            }

            f.Add((ulong)i); Fingerprints.Add(ref f, s);
        }
    }
}

/// <summary>Fingerprint helpers for value types.</summary>
internal static class Fingerprints
{
    public static void Add(ref Fingerprinter f, in CapSlot s)
    {
        Add(ref f, s.Cap); Add(ref f, s.Prev); Add(ref f, s.Next); f.Add((ulong)s.Depth);
    }

    public static void Add(ref Fingerprinter f, in Capability c)
    {
        f.Add((ulong)c.Type); f.Add(c.Object.Packed); f.Add((ulong)c.Rights); f.Add(c.Badge); f.Add(c.MappedTask.Packed); f.Add(c.MappedVa);
    }

    public static void Add(ref Fingerprinter f, SlotAddress a)
    {
        f.Add((ulong)(long)a.Object); f.Add((ulong)(long)a.Index);
    }
}
