using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>Capability lookup for decode: every failure is an error value.</summary>
public sealed partial class Kernel
{
    /// <summary>Resolves a cptr (an index in the caller's root CNode) to a non-empty slot.</summary>
    internal KernelError LookupSlot(TaskObject caller, ulong cptr, out SlotAddress address)
    {
        address = SlotAddress.None;
        var root = Objects.Resolve<CNodeObject>(caller.CSpaceRoot);
        if (root is null || cptr >= (ulong)root.Slots.Length)
        {
            return KernelError.InvalidCapability;
        }

        if (root.Slots[(int)cptr].Cap.IsNull)
        {
            return KernelError.InvalidCapability;
        }

        address = new SlotAddress(root.Id, (int)cptr);
        return KernelError.Ok;
    }

    /// <summary>Resolves a cptr to a capability of a type with the rights needed, and its live object.</summary>
    internal KernelError LookupObject<T>(TaskObject caller, ulong cptr, Rights needed, out SlotAddress address, out T target)
        where T : KernelObject
    {
        target = null!;
        var e = LookupSlot(caller, cptr, out address);
        if (e != KernelError.Ok)
        {
            return e;
        }

        var cap = SlotAt(address).Cap; // a read: not logged (Slot is for writes)
        var o = Objects[cap.Object.Id];
        if (o is not T)
        {
            // A stale capability to a reused index may name another type: report staleness first.
            return o is null || o.Generation != cap.Object.Generation || !o.IsLive ? KernelError.StaleCapability : KernelError.InvalidCapability;
        }

        if (!o.IsLive || o.Generation != cap.Object.Generation)
        {
            return KernelError.StaleCapability; // spec: object.generation — stale references refused
        }

        if ((cap.Rights & needed) != needed)
        {
            return KernelError.InsufficientRights;
        }

        target = (T)o;
        return KernelError.Ok;
    }

    /// <summary>Resolves a slot address (cnode cptr, index); the slot may be empty.</summary>
    internal KernelError LookupSlotAddress(TaskObject caller, ulong cnodeCptr, ulong index, out SlotAddress address)
    {
        address = SlotAddress.None;
        var e = LookupObject<CNodeObject>(caller, cnodeCptr, Rights.None, out _, out var cnode);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (index >= (ulong)cnode.Slots.Length)
        {
            return KernelError.InvalidArgument;
        }

        address = new SlotAddress(cnode.Id, (int)index);
        return KernelError.Ok;
    }

    /// <summary>True when the capability's object is live and of its generation.</summary>
    internal bool IsCurrent(in Capability cap) => Objects.Resolve(cap.Object) is not null;
}
