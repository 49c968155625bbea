using Verified.Kernel.Abi;
using Verified.Kernel.Objects;

namespace Verified.Kernel.Caps;

/// <summary>
/// A capability: an object reference with its generation, rights and a badge. A frame capability
/// also records the one mapping it made (as seL4's frame caps do), so that deleting or revoking it
/// unmaps exactly what it mapped.
/// </summary>
public readonly record struct Capability(ObjectType Type, ObjectRef Object, Rights Rights, ulong Badge, ObjectRef MappedTask, ulong MappedVa)
{
    /// <summary>The empty capability.</summary>
    public static Capability Null { get; } = new(ObjectType.None, ObjectRef.None, Rights.None, 0, ObjectRef.None, 0);

    /// <summary>True for the empty capability.</summary>
    public bool IsNull => Type == ObjectType.None;

    /// <summary>A fresh capability to an object with every right.</summary>
    public static Capability To(ObjectType type, ObjectRef target) => new(type, target, Rights.All, 0, ObjectRef.None, 0);

    /// <summary>True when this frame capability records a mapping.</summary>
    public bool IsMapped => MappedTask.IsSome;

    /// <summary>A derived copy: rights masked, badge as given, no mapping (spec: cap.derive — rights only shrink).</summary>
    public Capability Derive(Rights mask, ulong badge) => this with { Rights = Rights & mask, Badge = badge, MappedTask = ObjectRef.None, MappedVa = 0 };
}

/// <summary>
/// One slot in the global derivation list (seL4's mapping database): the capability, the previous
/// and next slots in derivation order (a preorder of the derivation tree), and the depth in the tree.
/// The descendants of a slot are exactly the slots that follow it with a greater depth.
/// </summary>
public struct CapSlot
{
    /// <summary>The capability held (Null when empty).</summary>
    public Capability Cap;

    /// <summary>Previous slot in derivation order.</summary>
    public SlotAddress Prev;

    /// <summary>Next slot in derivation order.</summary>
    public SlotAddress Next;

    /// <summary>Depth in the derivation tree (roots are 0).</summary>
    public int Depth;

    /// <summary>An empty, unlinked slot.</summary>
    public static CapSlot Empty => new() { Cap = Capability.Null, Prev = SlotAddress.None, Next = SlotAddress.None, Depth = 0 };
}
