using Verified.Kernel.Objects;
using Verified.Spec;

namespace Verified.Proofs.Refinement;

/// <summary>What the checker does with one kernel syscall (decided on the pre-state).</summary>
public abstract partial record SpecCall
{
    /// <summary>
    /// One spec operation with these argument values; <see cref="Moved"/> says how capability ids travel.
    /// <see cref="KernelRefusal"/>: a documented reason, true of the pre-state, for which the kernel
    /// refuses what the spec allows (divergence D3), or null.
    /// </summary>
    public sealed record Single(string Operation, SpecArgs Args, (SlotAddress From, SlotAddress To)? Moved, string? KernelRefusal = null) : SpecCall;

    /// <summary>Revoke: a sequence of cap.revoke_step, then RevokeDone.</summary>
    public sealed record Revoke(Value Slot, SlotAddress KernelSlot) : SpecCall;

    /// <summary>
    /// Safecopy: the ABI's length check (<see cref="LengthOk"/>: 1..MaxCopyLength, checked by the
    /// kernel first, InvalidArgument otherwise; stated here, as the spec's decision has no length
    /// bound), then the spec's access decision, and no state change.
    /// </summary>
    public sealed record Safecopy(Value Caller, Value Granter, Value Index, Value Gen, Value Addr, Value Len, Value Access, bool LengthOk = true) : SpecCall;

    /// <summary>
    /// Task destroy (or exit, with no capability): the capability in <see cref="CapSlot"/> must pass the kernel's
    /// lookup (a live, current Task capability with the write right); then task.destroy of its
    /// object and one cap.delete per capability the kernel deleted, leaves first.
    /// </summary>
    public sealed record Destroy(Value? CapSlot, Value? Task) : SpecCall;

    /// <summary>
    /// IPC send (Send, NBSend, Call). The endpoint capability passes the ABI's lookup (write
    /// right); a capability to transfer (<see cref="Src"/>) is ipc.transfer into <see cref="Dst"/>:
    /// the waiting receiver's receive slot, or the sender's ghost in-flight slot when it blocks;
    /// <see cref="Dst"/> is null for a non-blocking send with no receiver (WouldBlock).
    /// </summary>
    public sealed record IpcSend(string Syscall, Value EpSlot, Value? Src, Value? Dst, Value Id, Value? ReplySlot) : SpecCall;

    /// <summary>
    /// IPC receive (Recv, NBRecv, and ReplyRecv, whose reply carries no capability). The endpoint capability passes the lookup (read right); a queued
    /// sender's capability (<see cref="InFlight"/>, a ghost slot) is delivered by cap.move into the
    /// receive slot, or cap.delete when there is no slot or it went stale.
    /// </summary>
    public sealed record IpcRecv(string Syscall, Value EpSlot, Value? RecvSlot, bool Blocking, bool SenderWaiting, Value? InFlight, (SlotAddress From, SlotAddress To)? Moved) : SpecCall;

    /// <summary>
    /// Untyped retype of <see cref="Count"/> objects: the ABI's lookups and argument checks, then
    /// one cap.retype per object into consecutive slots of the CNode named by <see cref="CNodeSlot"/>.
    /// <see cref="Type"/> is null and <see cref="Count"/> 0 when the arguments are out of range.
    /// </summary>
    /// <param name="KernelHasChildren">The kernel's untyped holds unreleased children before the call (objects or lent page-table pages), so the kernel does not reset it (cap.retype's reset argument).</param>
    public sealed record Retype(Value UtSlot, string? Type, ulong Size, Value CNodeSlot, ulong Index, int Count, bool KernelHasChildren = false) : SpecCall;

    /// <summary>
    /// Grant creation: grant.create_direct (<see cref="Src"/> null) or grant.create_indirect with
    /// these arguments, after the ABI's argument checks. <see cref="Index"/> is the table entry the
    /// kernel fills (its choice; the spec checks it is free). <see cref="AbiStatus"/> is what the
    /// ABI's own checks give (no grant table, a grantee that is not a live task, an empty length,
    /// no access, a full table, a range outside user space), Ok when they pass.
    /// </summary>
    public sealed record GrantCreate(string Operation, SpecArgs Args, Verified.Kernel.Abi.KernelError AbiStatus) : SpecCall;

    /// <summary>
    /// Task resume: the ABI's lookup (task, write right), then task.create of the task with the
    /// fault endpoint it was configured with (<see cref="FaultEp"/>, null when it has none live: D9).
    /// </summary>
    public sealed record Resume(Value CapSlot, Value? FaultEp) : SpecCall;

    /// <summary>The spec has no transition for this syscall: reported, invariants still checked on the post-state.</summary>
    public sealed record Unmodelled(string Syscall, string Reason) : SpecCall;
}
