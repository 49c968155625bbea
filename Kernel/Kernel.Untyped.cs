using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>Untyped retype (seL4 decodeUntypedInvocation / invokeUntyped_Retype).</summary>
public sealed partial class Kernel
{
    /// <summary>log2 of the memory an object of a type and size parameter occupies, or -1 when the size is out of range.</summary>
    public static int ObjectSizeBits(ObjectType type, ulong sizeBits) => type switch
    {
        ObjectType.Untyped when sizeBits is >= 12 and <= 40 => (int)sizeBits,
        ObjectType.Frame => 12,
        ObjectType.CNode when sizeBits is >= 1 and <= 12 => (int)sizeBits + 5,
        ObjectType.Task => 12,
        ObjectType.Endpoint => 6,
        ObjectType.Notification => 6,
        ObjectType.GrantTable when sizeBits <= 8 => (int)sizeBits + 5,
        _ => -1,
    };

    private KernelError DecodeRetype(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupObject<UntypedObject>(caller, a[0], Rights.Write, out var uslot, out var u);
        if (e != KernelError.Ok)
        {
            return e;
        }

        var type = (ObjectType)a[1];
        var bits = ObjectSizeBits(type, a[2]);
        if (bits < 0 || a[5] is 0 or > AbiConstants.MaxRetypeCount)
        {
            return KernelError.InvalidArgument;
        }

        var count = (int)a[5];
        e = LookupObject<CNodeObject>(caller, a[3], Rights.None, out _, out var dest);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (a[4] >= (ulong)dest.Slots.Length || a[4] + (ulong)count > (ulong)dest.Slots.Length)
        {
            return KernelError.InvalidArgument;
        }

        for (var i = 0; i < count; i++)
        {
            if (!dest.Slots[(int)a[4] + i].Cap.IsNull)
            {
                return KernelError.SlotOccupied;
            }
        }

        // spec: untyped.retype — children are aligned, disjoint and inside the untyped
        if (bits > u.SizeBits)
        {
            return KernelError.NotEnoughMemory;
        }

        var size = 1UL << bits;
        var start = AlignUp(FreeOffset(u), size);
        if (start > u.Size || (u.Size - start) / size < (ulong)count)
        {
            return KernelError.NotEnoughMemory;
        }

        InvokeRetype(uslot, u, type, bits, (int)a[2], start, dest, (int)a[4], count);
        return Ok(caller);
    }

    private void InvokeRetype(SlotAddress uslot, UntypedObject u, ObjectType type, int bits, int param, ulong start, CNodeObject dest, int index, int count)
    {
        var size = 1UL << bits;
        for (var i = 0; i < count; i++)
        {
            var paddr = u.Paddr + start + ((ulong)i * size);
            var o = NewObject(type, param);
            o.Paddr = paddr;
            o.SizeBits = bits;
            o.ParentUntyped = u.Id;
            if (type is ObjectType.Frame or ObjectType.Task)
            {
                Memory.Clear(paddr, size); // frames and page-table roots start zeroed
            }

            Objects.Add(o);
            u.LiveChildren++;
            MdbInsert(uslot, new SlotAddress(dest.Id, index + i), Capability.To(type, o.Ref));
        }

        u.Watermark = start + ((ulong)count * size);
    }

    /// <summary>
    /// Where the untyped's free memory starts: its watermark, or 0 when no child holds memory (spec:
    /// cap.retype resets an untyped without a live child, as seL4's resetUntypedCap; finding F4 —
    /// the reset used to happen when the last child died, which no spec step does). Page-table
    /// pages lent to address spaces count as children here (the spec does not model them).
    /// </summary>
    internal static ulong FreeOffset(UntypedObject u) => u.LiveChildren == 0 ? 0 : u.Watermark;

    internal static KernelObject NewObject(ObjectType type, int param) => type switch
    {
        ObjectType.Untyped => new UntypedObject(),
        ObjectType.Frame => new FrameObject(),
        ObjectType.CNode => new CNodeObject(param),
        ObjectType.Task => new TaskObject(),
        ObjectType.Endpoint => new EndpointObject(),
        ObjectType.Notification => new NotificationObject(),
        ObjectType.GrantTable => new GrantTableObject(param),
        ObjectType.Console => new ConsoleObject(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a creatable object type"),
    };

    internal static ulong AlignUp(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);
}
