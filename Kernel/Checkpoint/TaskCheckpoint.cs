using System.Collections.Immutable;
using Verified.Kernel.Abi;

namespace Verified.Kernel.Checkpoints;

/// <summary>
/// One task captured for migration to another kernel: its registers and priority, every page
/// mapped in its address space (by value), the private frames its capability space names (by
/// value), and its capability space: for each occupied slot of its root CNode the capability's
/// type, rights, badge and what it refers to. Objects the task owns privately (itself, its CNode,
/// its frames) are captured by value; every other object is a <see cref="SharedReference"/> that
/// the restoring side binds to a capability of its own.
/// Not captured: IPC in flight (a blocked task — which covers a capability in flight — or a
/// pending reply is refused at capture), stale capabilities (their slots come back empty), mappings the task's
/// capabilities made in other address spaces (refused). The task's grant table is captured by
/// value: every entry with its generation, so the handles the task holds stay valid.
/// </summary>
public sealed record TaskCheckpoint(
    ImmutableArray<ulong> Registers,
    int Priority,
    int CSpaceRadixBits,
    ImmutableArray<SharedReference> References,
    ImmutableArray<CapturedFrame> Frames,
    ImmutableArray<CapturedCap> Caps,
    FaultHandler? Fault,
    CapturedGrantTable? GrantTable = null)
{
    /// <summary>The reference with an id, or null.</summary>
    public SharedReference? Reference(string id) => References.FirstOrDefault(r => r.Id == id);

    /// <inheritdoc/>
    public bool Equals(TaskCheckpoint? other) =>
        other is not null
        && Registers.SequenceEqual(other.Registers)
        && Priority == other.Priority
        && CSpaceRadixBits == other.CSpaceRadixBits
        && References.SequenceEqual(other.References)
        && Frames.SequenceEqual(other.Frames)
        && Caps.SequenceEqual(other.Caps)
        && Fault == other.Fault
        && GrantTable == other.GrantTable;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Priority, CSpaceRadixBits, References.Length, Frames.Length, Caps.Length, Fault);
}

/// <summary>
/// An object outside the task: an endpoint, notification, other task, console, untyped, another
/// CNode, or a frame other tasks also hold. <see cref="Id"/> is stable for the source kernel
/// (type, object index and generation), so a binding can name it.
/// </summary>
public sealed record SharedReference(string Id, ObjectType Type);

/// <summary>A 4 KiB frame captured by value; mapped in the task at <see cref="Mapping"/> when not null.</summary>
public sealed record CapturedFrame(ImmutableArray<byte> Contents, PageMapping? Mapping)
{
    /// <inheritdoc/>
    public bool Equals(CapturedFrame? other) => other is not null && Contents.SequenceEqual(other.Contents) && Mapping == other.Mapping;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Contents.Length, Mapping);
}

/// <summary>Where a frame is mapped in the task and with which access (Read, or Read|Write).</summary>
public sealed record PageMapping(ulong VirtualAddress, Rights Rights);

/// <summary>
/// One occupied slot of the task's root CNode. <see cref="Parent"/> is the slot of the nearest
/// ancestor in the derivation tree that lies in the same CNode and names the same object (so
/// that revoking it there still deletes this capability after restore), or null.
/// <see cref="RecordsMapping"/>: this frame capability is the one that recorded the frame's
/// mapping in the task (so unmapping through it works after restore).
/// </summary>
public sealed record CapturedCap(int Slot, ObjectType Type, CapTarget Target, Rights Rights, ulong Badge, int? Parent, bool RecordsMapping);

/// <summary>What a captured capability refers to.</summary>
public abstract record CapTarget
{
    /// <summary>The task itself.</summary>
    public sealed record SelfTask : CapTarget;

    /// <summary>The task's own root CNode.</summary>
    public sealed record OwnCSpace : CapTarget;

    /// <summary>A frame captured by value: index into <see cref="TaskCheckpoint.Frames"/>.</summary>
    public sealed record OwnFrame(int Index) : CapTarget;

    /// <summary>The grant table bound to the task (captured by value in <see cref="TaskCheckpoint.GrantTable"/>).</summary>
    public sealed record OwnGrantTable : CapTarget;

    /// <summary>A shared object, by the id of a <see cref="SharedReference"/>.</summary>
    public sealed record Shared(string ReferenceId) : CapTarget;
}

/// <summary>The task's fault endpoint (a shared reference) and the badge its fault messages carry.</summary>
public sealed record FaultHandler(string ReferenceId, ulong Badge);

/// <summary>The task's grant table: 2^EntryBits entries in index order.</summary>
public sealed record CapturedGrantTable(int EntryBits, ImmutableArray<CapturedGrant> Entries)
{
    /// <inheritdoc/>
    public bool Equals(CapturedGrantTable? other) => other is not null && EntryBits == other.EntryBits && Entries.SequenceEqual(other.Entries);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(EntryBits, Entries.Length);
}

/// <summary>
/// One grant entry (MINIX 3 cp_grant) with its generation. <see cref="Grantee"/> and
/// <see cref="FromGranter"/> are <see cref="CapTarget.SelfTask"/>, a <see cref="CapTarget.Shared"/>
/// task reference, or null (none, or a task that no longer exists: such an entry never verifies).
/// </summary>
public sealed record CapturedGrant(bool InUse, uint Generation, bool Indirect, CapTarget? Grantee, ulong Address, ulong Length, GrantAccess Access, CapTarget? FromGranter, ulong FromHandle);
