using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Checking;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>
/// The executable kernel's state and its system-call entry. Every syscall is decoded (each
/// argument checked, an error returned as a value) and then invoked (a mutation that cannot
/// fail), as seL4 does; the families live in the partial files Kernel.*.cs. Nothing here throws
/// for guest input; exceptions mean host misuse of the C# API.
/// </summary>
public sealed partial class Kernel
{
    private readonly Stack<SlotAddress> deletions = new();
    private readonly List<KernelObject> zombies = [];
    private int[] readyHead = NewQueueArray();
    private int[] readyTail = NewQueueArray();

    /// <summary>Creates an empty kernel over the given physical memory (see <see cref="Boot"/> for a booted one).</summary>
    public Kernel(IPhysicalMemory memory)
    {
        Memory = memory ?? throw new ArgumentNullException(nameof(memory));
        Objects.Owner = this;
    }

    /// <summary>Physical memory (the machine's, or an array in CPU-less tests).</summary>
    public IPhysicalMemory Memory { get; }

    /// <summary>Every object.</summary>
    public ObjectTable Objects { get; private set; } = new();

    /// <summary>First slot of the derivation list (seL4's mapping database), or None.</summary>
    public SlotAddress MdbHead { get; private set; } = SlotAddress.None;

    /// <summary>Console output so far.</summary>
    public List<byte> ConsoleOutput { get; private set; } = [];

    /// <summary>Set when a page table changed; the machine flushes its TLB before running again.</summary>
    public bool AddressSpacesChanged { get; set; }

    /// <summary>Deletions one revoke performs per kernel entry before it restarts (its preemption point).</summary>
    public int RevokeDeletionsPerEntry { get; set; } = 4;

    /// <summary>Number of system calls handled.</summary>
    public long SyscallCount { get; private set; }

    /// <summary>Sees each syscall before decode and after invoke (the refinement checker); null when off.</summary>
    public ISyscallObserver? Observer { get; set; }

    /// <summary>Planted bugs for checker bite tests; null (the default) is the correct kernel.</summary>
    public PlantedFaults? Faults { get; set; }

    /// <summary>
    /// Records the slots, objects and address spaces the kernel touches, for the incremental
    /// consistency checker and the refinement checker's abstraction (a chain of logs, one per
    /// reader); null (the default) records nothing. Set only by <see cref="TouchLog.Join"/> and
    /// <see cref="TouchLog.Leave"/>, so host code cannot cut or replace a reader's log.
    /// </summary>
    public TouchLog? Touched { get; internal set; }

    /// <summary>Raised after each handled syscall or fault (task, what, status) — for traces.</summary>
    public event Action<KernelEvent>? Events;

    /// <summary>First task of a priority's ready queue, or -1.</summary>
    public int ReadyHead(int priority) => readyHead[priority];

    /// <summary>Last task of a priority's ready queue, or -1.</summary>
    public int ReadyTail(int priority) => readyTail[priority];

    /// <summary>The slot at an address (host misuse when the address names no slot). A read: not recorded as touched.</summary>
    public CapSlot SlotAt(SlotAddress a) => SlotRef(a);

    /// <summary>Every live task.</summary>
    public IEnumerable<TaskObject> Tasks => Objects.All.OfType<TaskObject>().Where(t => t.IsLive);

    /// <summary>The one way kernel code reaches a slot to change it, so <see cref="Touched"/> sees every slot written.</summary>
    internal ref CapSlot Slot(SlotAddress a)
    {
        Touched?.Slot(a);
        return ref SlotRef(a);
    }

    private ref CapSlot SlotRef(SlotAddress a)
    {
        switch (Objects[a.Object])
        {
            case CNodeObject c when a.Index >= 0 && a.Index < c.Slots.Length:
                return ref c.Slots[a.Index];
            case TaskObject t when a.Index == 0:
                return ref t.InFlight;
            default:
                throw new InvalidOperationException($"{a} names no capability slot");
        }
    }

    private static int[] NewQueueArray()
    {
        var a = new int[AbiConstants.MaxPriority + 1];
        Array.Fill(a, -1);
        return a;
    }

    private void Emit(KernelEvent e) => Events?.Invoke(e);
}

/// <summary>Something the kernel did that a trace records.</summary>
public abstract record KernelEvent
{
    /// <summary>A system call and its status (restarted revokes report each entry).</summary>
    public sealed record Syscall(ObjectRef Task, SyscallNumber Number, ulong[] Args, KernelError Status, bool Blocked) : KernelEvent;

    /// <summary>A fault taken by a task.</summary>
    public sealed record Fault(ObjectRef Task, FaultKind Kind, ulong Address, ulong Rip, bool Delivered) : KernelEvent;
}
