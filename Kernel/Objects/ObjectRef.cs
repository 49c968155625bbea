namespace Verified.Kernel.Objects;

/// <summary>
/// A reference to a kernel object: its index in the object table and the generation it had when
/// the reference was made. A reference verifies only while the object still has that generation
/// (spec: object.generation — a stale reference is refused, never reused silently).
/// </summary>
public readonly record struct ObjectRef(int Id, uint Generation)
{
    /// <summary>The null reference.</summary>
    public static ObjectRef None { get; } = new(-1, 0);

    /// <summary>True when this is not <see cref="None"/>.</summary>
    public bool IsSome => Id >= 0;

    /// <summary>The 64-bit name user code sees (MINIX's endpoint: slot | generation &lt;&lt; 32).</summary>
    public ulong Packed => IsSome ? (uint)Id | ((ulong)Generation << 32) : ulong.MaxValue;

    /// <summary>Inverse of <see cref="Packed"/>; untrusted input, so any value is accepted (it may not verify).</summary>
    public static ObjectRef Unpack(ulong value) =>
        (value & 0xFFFF_FFFF) > int.MaxValue ? None : new ObjectRef((int)(value & 0xFFFF_FFFF), (uint)(value >> 32));

    /// <inheritdoc/>
    public override string ToString() => IsSome ? $"#{Id}g{Generation}" : "none";
}

/// <summary>
/// The address of a capability slot: slot <see cref="Index"/> of CNode <see cref="Object"/>, or,
/// when <see cref="Object"/> is a task, that task's in-flight message slot (index 0), which holds a
/// capability queued in an IPC message so that revoke can find and delete it.
/// </summary>
public readonly record struct SlotAddress(int Object, int Index)
{
    /// <summary>No slot (the end of the derivation list).</summary>
    public static SlotAddress None { get; } = new(-1, -1);

    /// <summary>True when this is not <see cref="None"/>.</summary>
    public bool IsSome => Object >= 0;

    /// <inheritdoc/>
    public override string ToString() => IsSome ? $"slot({Object}:{Index})" : "none";
}
