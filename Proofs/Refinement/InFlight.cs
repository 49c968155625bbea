using Verified.Kernel.Objects;
using Verified.Spec;
using Verified.Spec.Kernel;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Capabilities in flight. The kernel keeps a capability queued with a blocked sender in the
/// sender's in-flight slot (task id, 0), a child of its source in the derivation list, so revoke
/// reaches it. The spec has slots only in live CNodes, so the abstraction puts every in-flight
/// slot in one ghost CNode (an object id no kernel object has, always live, of type CNode), at
/// the index of the sender's task id. Then a blocked send with a capability is ipc.transfer into
/// the ghost slot, its delivery is cap.move out of it, and its revocation is a cap.revoke_step on
/// it — all spec operations, and every invariant holds of it as of any slot.
/// </summary>
public static class InFlight
{
    private static KernelSorts K => RefinementSpec.Sorts;

    /// <summary>The ghost CNode (the id below <see cref="SyscallMapping.AbsentObject"/>).</summary>
    public static ulong GhostCNode => SyscallMapping.AbsentObject - 1;

    /// <summary>The kernel's in-flight slot is in a task object, not a CNode.</summary>
    public static bool IsInFlight(KernelImpl kernel, SlotAddress a) => kernel.Objects[a.Object] is TaskObject;

    /// <summary>The spec slot of a task's in-flight slot.</summary>
    public static ulong GhostKey(int task)
    {
        if ((ulong)task > K.Index.Mask) throw new InvalidOperationException($"InFlight: task id {task} does not fit the ghost CNode's index ({K.Config.CNodeIndexBits} bits); widen RefinementSpec.Config.CNodeIndexBits");
        return (GhostCNode << K.Config.CNodeIndexBits) | (uint)task;
    }

    public static Value GhostSlot(int task) => new BitVecValue(K.Slot.Width, GhostKey(task));

    /// <summary>The spec slot key of a kernel slot: a CNode slot as (cnode, index), an in-flight slot in the ghost CNode.</summary>
    public static ulong SlotKey(KernelImpl kernel, SlotAddress a) => IsInFlight(kernel, a) ? GhostKey(a.Object) : Abstraction.SlotKey(a);

    /// <summary>A spec slot of the ghost CNode.</summary>
    public static bool IsGhost(Value slot) => ((BitVecValue)slot).Bits >> K.Config.CNodeIndexBits == GhostCNode;

    /// <summary>The ghost CNode is live in every abstract state (nothing names it, nothing finalises it).</summary>
    public static void AddGhostCNode(Action<string, Value, Value> set)
    {
        var id = Abstraction.Obj(GhostCNode);
        set("ObjAlive", id, BoolValue.True);
        set("ObjType", id, Abstraction.ObjTypeValue("CNode"));
    }
}
