using Verified.Spec;

namespace Verified.Proofs.Refinement;

/// <summary>Spec calls for the syscalls whose abstract effect is none (stutter steps) or a task-field update, and for faults.</summary>
public abstract partial record SpecCall
{
    /// <summary>
    /// A syscall whose whole effect is outside the abstract state (registers, scheduling, the
    /// console, notifications, page tables, read-only queries): the spec's identity transition,
    /// so the abstract post-state must equal the pre-state whatever the status (clause
    /// stutter.&lt;syscall&gt;.state). <see cref="TablesUntyped"/>: for FrameMap, the untyped the
    /// caller named for page tables (the object id), whose watermark alone may grow (D11).
    /// </summary>
    public sealed record Stutter(string Syscall, Value? TablesUntyped) : SpecCall;

    /// <summary>Task suspend: the ABI's lookup (task, write right), then task.suspend; a capability the task had queued in IPC is one cap.delete.</summary>
    public sealed record Suspend(Value CapSlot) : SpecCall;

    /// <summary>
    /// A fault of the running task <see cref="Task"/> (object id <see cref="TaskId"/>): an unknown
    /// syscall number (<see cref="Syscall"/>: the kernel must also return UnknownSyscall) or a CPU
    /// fault the run loop raised. task.crash, whose result <c>delivered</c> must say whether the
    /// kernel sent the fault message (the task waits on its fault endpoint) or stopped the task; the
    /// Faulted state is divergence D12; a capability the stopped task had queued in IPC is one more
    /// cap.delete. <see cref="Fault"/> names the fault for notes.
    /// </summary>
    public sealed record Crash(string Fault, Value Task, int TaskId, bool Syscall) : SpecCall;

    /// <summary>
    /// Reply carrying a capability: no reply target (<see cref="HasTarget"/> false) is NoReplyTarget;
    /// else ipc.reply_transfer of <see cref="Src"/> into the caller's reply slot <see cref="Dst"/>
    /// with the reply capability's grant right <see cref="Grant"/> (read from the kernel: the reply
    /// capability is not abstracted).
    /// </summary>
    public sealed record ReplyTransfer(bool HasTarget, Value Src, Value Dst, Value Id, bool Grant) : SpecCall;

    /// <summary>
    /// Task configure: the ABI's lookups in the kernel's order — task (write), CNode root,
    /// fault endpoint (write; none when <see cref="FaultSlot"/> is null), the priority check
    /// (<see cref="PriorityOk"/>, read from the kernel: priorities are not abstracted), grant
    /// table (write; none when <see cref="GrantSlot"/> is null) and its owner check
    /// (<see cref="GrantOwnerOk"/>) — then task.configure. <see cref="RebindsGrants"/>: the
    /// task's grant table changes, so the grants keyed by the task change with it (D10):
    /// they become <see cref="BoundGrants"/> — the new table's entries in the kernel pre-state,
    /// abstracted as the task's grants (null: no table, or a fresh one, which reads as none) — and, when the task had a table
    /// (<see cref="RevokesDerived"/>), every grant re-delegated from the task is revoked (F8).
    /// </summary>
    public sealed record Configure(Value TaskSlot, Value CSpaceSlot, Value? FaultSlot, bool PriorityOk, Value? GrantSlot, bool GrantOwnerOk, bool RebindsGrants,
        Spec.Kernel.ConcreteState? BoundGrants, bool RevokesDerived) : SpecCall;
}
