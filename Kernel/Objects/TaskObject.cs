using System.Runtime.CompilerServices;
using Verified.Kernel.Abi;
using Verified.Kernel.Caps;

namespace Verified.Kernel.Objects;

/// <summary>The scheduling and IPC state of a task.</summary>
public enum TaskState
{
    /// <summary>Created or suspended or stopped by an unhandled fault: never scheduled.</summary>
    Inactive,

    /// <summary>Runnable: in its priority's ready queue.</summary>
    Ready,

    /// <summary>Queued on an endpoint to send or call.</summary>
    BlockedOnSend,

    /// <summary>Queued on an endpoint to receive.</summary>
    BlockedOnReceive,

    /// <summary>Called (or faulted) and waits for the reply.</summary>
    BlockedOnReply,

    /// <summary>Queued on a notification.</summary>
    BlockedOnNotification,
}

/// <summary>User registers: 16 general registers in encoding order, then rip, rflags, fs base, gs base.</summary>
[InlineArray(AbiConstants.RegisterCount)]
public struct RegisterSet
{
    private ulong element;
}

/// <summary>The four message registers of an IPC.</summary>
[InlineArray(4)]
public struct MessageWords
{
    private ulong element;
}

/// <summary>
/// A task: one thread (registers, state, priority) and its address space (a PML4 at
/// <see cref="KernelObject.Paddr"/>, the first page of the task's memory, plus page-table pages
/// lent by untyped memory the caller named when mapping).
/// </summary>
public sealed class TaskObject : KernelObject
{
    /// <summary>Register index constants (encoding order, as Verified.Machine.Gpr).</summary>
    public const int Rax = 0, Rcx = 1, Rdx = 2, Rbx = 3, Rsp = 4, Rbp = 5, Rsi = 6, Rdi = 7, R8 = 8, R9 = 9, R10 = 10, R11 = 11;

    /// <inheritdoc/>
    public override ObjectType Type => ObjectType.Task;

    /// <summary>Saved user registers.</summary>
    public RegisterSet Registers;

    /// <summary>Message being sent while blocked, or delivered.</summary>
    public MessageWords Message;

    private TaskState state;
    private ObjectRef faultEndpoint = ObjectRef.None;
    private ObjectRef grantTable = ObjectRef.None;

    /// <summary>Scheduling state (logged: <see cref="KernelObject"/>).</summary>
    public TaskState State { get => state; internal set { state = value; Touch(); } }

    /// <summary>Priority, 0..255.</summary>
    public int Priority { get; internal set; }

    /// <summary>Root CNode of the task's capability space.</summary>
    public ObjectRef CSpaceRoot { get; internal set; } = ObjectRef.None;

    /// <summary>Fault endpoint (None: a fault stops the task; logged).</summary>
    public ObjectRef FaultEndpoint { get => faultEndpoint; internal set { faultEndpoint = value; Touch(); } }

    /// <summary>Badge delivered with fault messages (the badge of the endpoint capability configured).</summary>
    public ulong FaultBadge { get; internal set; }

    /// <summary>The grant table bound to the task (logged).</summary>
    public ObjectRef GrantTable { get => grantTable; internal set { grantTable = value; Touch(); } }

    /// <summary>The object the task waits on (endpoint, notification) or None.</summary>
    public ObjectRef BlockedOn { get; internal set; } = ObjectRef.None;

    /// <summary>Next and previous task in the queue the task is in (ready queue or a wait queue), -1 at the ends.</summary>
    public int QueueNext { get; internal set; } = -1;

    /// <summary>Previous task in the queue, -1 at the head.</summary>
    public int QueuePrev { get; internal set; } = -1;

    /// <summary>Badge of the capability the queued message was sent through.</summary>
    public ulong MessageBadge { get; internal set; }

    /// <summary>The queued message is a call (a reply is expected).</summary>
    public bool MessageIsCall { get; internal set; }

    /// <summary>The queued message is a fault message.</summary>
    public bool MessageIsFault { get; internal set; }

    /// <summary>The capability used for the pending call had the grant right (a reply may carry a capability).</summary>
    public bool CallerCanGrant { get; internal set; }

    /// <summary>Why the task last stopped on a fault it could not deliver (diagnostics), or null.</summary>
    public string? StopReason { get; internal set; }

    /// <summary>A capability queued with the message (part of the derivation tree, so revoke finds it).</summary>
    internal CapSlot InFlight = CapSlot.Empty;

    /// <summary>Read-only view of the in-flight slot.</summary>
    public CapSlot InFlightSlot => InFlight;

    /// <summary>Where a received capability goes: CNode and index, or None.</summary>
    public ObjectRef ReceiveCNode { get; internal set; } = ObjectRef.None;

    /// <summary>Index in <see cref="ReceiveCNode"/>.</summary>
    public int ReceiveIndex { get; internal set; }

    /// <summary>The one-shot reply capability: the caller this task must answer, or None.</summary>
    public ObjectRef ReplyTo { get; internal set; } = ObjectRef.None;

    /// <summary>Exit code given to Exit.</summary>
    public long ExitCode { get; internal set; }

    /// <summary>Page-table pages lent to this address space: physical address and the untyped (table index) lending it.</summary>
    internal List<(ulong Paddr, int Untyped)> TablePages { get; private set; } = [];

    /// <summary>Read-only view of the page-table pages.</summary>
    public IReadOnlyList<(ulong Paddr, int Untyped)> TablePagesView => TablePages;

    /// <summary>Physical address of the PML4.</summary>
    public ulong Pml4 => Paddr;

    /// <inheritdoc/>
    public override KernelObject Clone()
    {
        var clone = (TaskObject)MemberwiseClone();
        clone.Table = null; // a copy is in no table until one takes it (its writes are not the kernel's)
        clone.TablePages = [.. TablePages];
        return clone;
    }

    internal override void Fingerprint(ref Fingerprinter f)
    {
        base.Fingerprint(ref f);
        foreach (var r in Registers)
        {
            f.Add(r);
        }

        foreach (var m in Message)
        {
            f.Add(m);
        }

        f.Add((ulong)State); f.Add((ulong)Priority); f.Add(CSpaceRoot.Packed); f.Add(FaultEndpoint.Packed); f.Add(FaultBadge);
        f.Add(GrantTable.Packed); f.Add(BlockedOn.Packed); f.Add((ulong)(long)QueueNext); f.Add((ulong)(long)QueuePrev);
        f.Add(MessageBadge); f.Add(MessageIsCall ? 1UL : 0); f.Add(MessageIsFault ? 1UL : 0); f.Add(CallerCanGrant ? 1UL : 0); Fingerprints.Add(ref f, InFlight);
        f.Add(ReceiveCNode.Packed); f.Add((ulong)ReceiveIndex); f.Add(ReplyTo.Packed); f.Add((ulong)ExitCode);
        foreach (var (p, u) in TablePages)
        {
            f.Add(p); f.Add((ulong)u);
        }
    }
}
