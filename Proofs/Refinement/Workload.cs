using System.Collections.Immutable;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Kernel.Boot;
using Verified.Kernel.Objects;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>What a generated action does (interpreted against the running kernel).</summary>
public enum ActionKind
{
    Copy,
    Mint,
    Move,
    Mutate,
    Delete,
    Revoke,
    RetypeEndpoint,
    GrantCreate,
    GrantCreateIndirect,
    GrantRevoke,
    SafeCopy,
    Fault,
    TaskDestroy,
    Send,
    Recv,
    Exit,
    Suspend,
    Resume,
    Configure,
    Notify,
    Yield,
    Reply,
    Frame,
}

/// <summary>One generated step: a kind, which ready task makes it, and small numbers the kind reads (slots in a window, rights, badges).</summary>
public sealed record WorkAction(ActionKind Kind, int Task, int X, int Y, int Z, int W)
{
    public override string ToString() => $"{Kind}(t{Task},{X},{Y},{Z},{W})";
}

/// <summary>
/// A small multi-task system driven through the kernel's C# syscall API: the root task and two
/// tasks sharing its CNode (each with a grant table), a second CNode, endpoints, a notification.
/// Generated actions name slots in a window of the root CNode and the second CNode, so
/// capabilities meet often. Used by the property tests, the replayer's tests and the bench.
/// </summary>
public sealed class Workload
{
    public const int Window = 10;
    private const ulong Root = AbiConstants.SlotRootCNode;
    private const ulong NoCap = AbiConstants.NoCap;

    private readonly List<TaskObject> tasks = [];
    private readonly ulong untyped;
    private readonly ulong first;
    private ulong extraCNode;

    public Workload(PlantedFaults? faults, bool check) : this(faults, check, 0, null)
    {
    }

    /// <summary>
    /// With the checker in cross-check mode every <paramref name="crossCheckEvery"/> steps (0 = off)
    /// and at the end of <see cref="Run"/>, and with <paramref name="shortcuts"/> planted in the checker.
    /// </summary>
    public Workload(PlantedFaults? faults, bool check, int crossCheckEvery, ShortcutFaults? shortcuts) : this(faults, check, crossCheckEvery, shortcuts, timings: false)
    {
    }

    /// <summary>As the four-argument constructor, with the checker's per-phase timings on when <paramref name="timings"/> (the bench).</summary>
    public Workload(PlantedFaults? faults, bool check, int crossCheckEvery, ShortcutFaults? shortcuts, bool timings) : this(faults, check, crossCheckEvery, shortcuts, timings, padding: 0)
    {
    }

    /// <summary>
    /// As the five-argument constructor, with <paramref name="padding"/> more endpoints, each with a
    /// copy, in the second CNode outside the window (the bench: the checker's cost per step against
    /// the size of the state, which actions do not touch). At most <see cref="MaxPadding"/>.
    /// </summary>
    public Workload(PlantedFaults? faults, bool check, int crossCheckEvery, ShortcutFaults? shortcuts, bool timings, int padding)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(padding, MaxPadding);
        BootParameters = BootParameters.Default;
        Booted = BootParameters.BootKernel();
        Kernel.RevokeDeletionsPerEntry = int.MaxValue;
        Kernel.Faults = faults;
        if (check)
        {
            Checker = RefinementChecker.Attach(Kernel, new RefinementChecker
            {
                Boot = BootParameters,
                PlantedFaults = PlantedFaultNames.Names(faults),
                CrossCheckEvery = crossCheckEvery,
                Shortcuts = shortcuts,
            });
            Checker.Timings.Enabled = timings;
        }

        untyped = LargestUntyped();
        first = (ulong)Booted.FirstFreeSlot;
        Setup();
        Pad(padding);
    }

    /// <summary>The most padding endpoints: each and its copy take a slot of the second CNode (256 slots) outside the window.</summary>
    public const int MaxPadding = (SecondCNodeSlots - Window) / 2;

    private const int SecondCNodeSlots = 1 << SecondCNodeRadix;
    private const int SecondCNodeRadix = 8;

    public BootParameters BootParameters { get; }

    public BootResult Booted { get; }

    public KernelImpl Kernel => Booted.Kernel;

    public RefinementChecker? Checker { get; }

    public int Executed { get; private set; }

    public IReadOnlyList<TaskObject> Tasks => tasks;

    /// <summary>Runs the actions (stopping at the first violation); returns the checker's violation, if any.</summary>
    public RefinementViolation? Run(IEnumerable<WorkAction> actions)
    {
        foreach (var a in actions)
        {
            if (Checker?.Violation is not null) break;
            Step(a);
        }

        return Checker?.Finish(Kernel);
    }

    private void Setup()
    {
        var root = Booted.Root;
        tasks.Add(root);
        // first+0,1: tasks; +2: CNode; +3,+4: endpoints; +5: notification; +6,+7: grant tables.
        Call(root, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Task, 0, Root, first, 2);
        Call(root, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.CNode, SecondCNodeRadix, Root, first + 2, 1);
        Call(root, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Endpoint, 0, Root, first + 3, 2);
        Call(root, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Notification, 0, Root, first + 5, 1);
        Call(root, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.GrantTable, 3, Root, first + 6, 2);
        extraCNode = first + 2;
        // The second endpoint's capability loses the grant right (mutate there and move back), so
        // that transfers through a channel that may not carry capabilities are tried.
        Call(root, SyscallNumber.CNodeMutate, Root, first + 4, Root, first + 8, (ulong)(Rights.Read | Rights.Write), 0);
        Call(root, SyscallNumber.CNodeMove, Root, first + 8, Root, first + 4);
        for (ulong i = 0; i < 2; i++)
        {
            Call(root, SyscallNumber.TaskConfigure, first + i, Root, NoCap, 100, first + 6 + i);
            Call(root, SyscallNumber.TaskResume, first + i);
            var cap = Kernel.SlotAt(new SlotAddress(root.CSpaceRoot.Id, (int)(first + i))).Cap;
            tasks.Add(Kernel.Objects.Resolve<TaskObject>(cap.Object)!);
        }
    }

    // Padding: endpoints retyped into the second CNode from the slot after the window, then a copy
    // of each after them; every call must succeed, or the bench would measure a smaller state.
    private void Pad(int padding)
    {
        if (padding == 0) return;
        var root = Booted.Root;
        Padded(Kernel.Syscall(root, (long)SyscallNumber.UntypedRetype, [untyped, (ulong)ObjectType.Endpoint, 0, extraCNode, Window, (ulong)padding]));
        for (var i = 0; i < padding; i++)
        {
            Padded(Kernel.Syscall(root, (long)SyscallNumber.CNodeCopy, [extraCNode, (ulong)(Window + i), extraCNode, (ulong)(Window + padding + i), (ulong)Rights.All]));
        }
    }

    private void Padded(SyscallOutcome outcome)
    {
        Executed++;
        if (outcome.Status != KernelError.Ok) throw new InvalidOperationException($"Workload: a padding syscall failed with {outcome.Status} (step {Executed})");
    }

    private TaskObject? Caller(int pick)
    {
        var ready = tasks.Where(t => t.IsLive && t.State == TaskState.Ready).ToList();
        return ready.Count == 0 ? null : ready[Math.Abs(pick) % ready.Count];
    }

    // A slot in the window: the root CNode from the first setup slot, or the second CNode.
    private (ulong CNode, ulong Index) Slot(int x)
    {
        var s = Math.Abs(x) % (2 * Window);
        return s < Window ? (Root, first + (ulong)s) : (extraCNode, (ulong)(s - Window));
    }

    // A root-CNode cptr in the window (the endpoints are 3 and 4, 4 without the grant right).
    private ulong RootSlot(int x) => first + (ulong)(Math.Abs(x) % Window);

    private ulong TaskRef(int pick) => tasks[Math.Abs(pick) % tasks.Count].Ref.Packed;

    public void Step(WorkAction a)
    {
        var t = Caller(a.Task);
        if (t is null) return;
        var (sc, si) = Slot(a.X);
        var (dc, di) = Slot(a.Y);
        var rights = (ulong)(Math.Abs(a.Z) % 8);
        var badge = (ulong)(Math.Abs(a.W) % 4);
        switch (a.Kind)
        {
            case ActionKind.Copy: Call(t, SyscallNumber.CNodeCopy, sc, si, dc, di, rights); break;
            case ActionKind.Mint: Call(t, SyscallNumber.CNodeMint, sc, si, dc, di, rights, badge); break;
            case ActionKind.Move: Call(t, SyscallNumber.CNodeMove, sc, si, dc, di); break;
            case ActionKind.Mutate: Call(t, SyscallNumber.CNodeMutate, sc, si, dc, di, rights, badge); break;
            case ActionKind.Delete: Call(t, SyscallNumber.CNodeDelete, sc, si); break;
            case ActionKind.Revoke: Call(t, SyscallNumber.CNodeRevoke, sc, si); break;
            case ActionKind.RetypeEndpoint: Call(t, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Endpoint, 0, dc, di, 1); break;
            // Grants: Y picks the grantee (or granter), X the source granter, W an entry index,
            // Z the base/offset and whether a handle is stale (odd Z: a generation behind).
            case ActionKind.GrantCreate:
                Call(t, SyscallNumber.GrantCreate, TaskRef(a.Y), 0x1000 * (ulong)(Math.Abs(a.Z) % 4), 0x1000, 1 + (ulong)(Math.Abs(a.W) % 3));
                break;
            case ActionKind.GrantCreateIndirect:
                Call(t, SyscallNumber.GrantCreateIndirect, TaskRef(a.Y), TaskRef(a.X), Handle(a.X, a.W, a.Z), 0x100 * (ulong)(Math.Abs(a.Z) % 4), 0x100, 1);
                break;
            case ActionKind.GrantRevoke:
                Call(t, SyscallNumber.GrantRevoke, Handle(Math.Abs(a.Task), a.W, a.Z, t));
                break;
            case ActionKind.SafeCopy:
                Call(t, SyscallNumber.SafeCopyFrom, TaskRef(a.Y), Handle(a.Y, a.W, a.Z), 0x10 * (ulong)(Math.Abs(a.Z) % 4), 0x400000, 8);
                break;
            case ActionKind.Fault: Call(t, 999); break;
            // IPC names root-CNode cptrs: X the endpoint, Y the capability to transfer or the
            // receive slot, Z the variant, W whether a capability goes (or which receive slot).
            case ActionKind.Send:
            {
                var n = (Math.Abs(a.Z) % 3) switch { 0 => SyscallNumber.Send, 1 => SyscallNumber.NBSend, _ => SyscallNumber.Call };
                var transfer = Math.Abs(a.W) % 4 == 3 ? 0xFFFF_FFFFUL : RootSlot(a.Y);
                Call(t, n, RootSlot(a.X), transfer | (0xFFFF_FFFFUL << 32), 1, 2, 3, 4);
                break;
            }

            case ActionKind.Recv:
            {
                var slot = (Math.Abs(a.W) % 3) switch { 0 => NoCap, 1 => first + 9, _ => RootSlot(a.Y) };
                Call(t, Math.Abs(a.Z) % 2 == 0 ? SyscallNumber.Recv : SyscallNumber.NBRecv, RootSlot(a.X), slot);
                break;
            }

            case ActionKind.Exit: Call(t, SyscallNumber.Exit, (ulong)Math.Abs(a.Z)); break;
            case ActionKind.Suspend: Call(t, SyscallNumber.TaskSuspend, first + (ulong)(Math.Abs(a.X) % 2)); break;
            case ActionKind.Resume: Call(t, SyscallNumber.TaskResume, first + (ulong)(Math.Abs(a.X) % 2)); break;
            case ActionKind.TaskDestroy: Call(t, SyscallNumber.TaskDestroy, first + (ulong)(Math.Abs(a.X) % 2)); break;
            // Configure task X: W picks the fault endpoint (none, 3, 4 without grant), Y the grant
            // table (none, 6, 7: another task's is refused), Z = 0 mod 5 a priority above the caller's.
            case ActionKind.Configure:
                Call(t, SyscallNumber.TaskConfigure, first + (ulong)(Math.Abs(a.X) % 2), Root, Pick(a.W, NoCap, first + 3, first + 4),
                    Math.Abs(a.Z) % 5 == 0 ? 1000UL : 100UL, Pick(a.Y, NoCap, first + 6, first + 7));
                break;
            // Notifications on the cptr X (5 is the notification): Z picks signal, poll or wait (which may block).
            case ActionKind.Notify:
                Call(t, (Math.Abs(a.Z) % 3) switch { 0 => SyscallNumber.Signal, 1 => SyscallNumber.Poll, _ => SyscallNumber.Wait }, RootSlot(a.X));
                break;
            case ActionKind.Yield: Call(t, SyscallNumber.Yield); break;
            // Reply (with the capability at Y when W is odd) or reply-and-receive on endpoint X.
            case ActionKind.Reply:
                if (Math.Abs(a.Z) % 2 == 0) Call(t, SyscallNumber.Reply, 0, Math.Abs(a.W) % 2 == 1 ? RootSlot(a.Y) : 0xFFFF_FFFFUL, 1, 2, 3, 4);
                else Call(t, SyscallNumber.ReplyRecv, RootSlot(a.X), Math.Abs(a.W) % 2 == 1 ? RootSlot(a.Y) : NoCap, 1, 2, 3, 4);
                break;
            // Frames in root slots 8 and 9 (free after the setup; other actions move them around):
            // Z picks retype a frame into 8 + Y, map the frame at 8 + X into task W (page tables
            // from the untyped), or unmap it.
            case ActionKind.Frame:
                switch (Math.Abs(a.Z) % 3)
                {
                    case 0: Call(t, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Frame, 0, Root, first + 8 + (ulong)(Math.Abs(a.Y) % 2), 1); break;
                    case 1: Call(t, SyscallNumber.FrameMap, first + 8 + (ulong)(Math.Abs(a.X) % 2), first + (ulong)(Math.Abs(a.W) % 2), 0x60_0000 + 0x1000 * (ulong)(Math.Abs(a.Y) % 4), (ulong)(Math.Abs(a.W) % 2 == 0 ? Rights.Read : Rights.Read | Rights.Write), untyped); break;
                    default: Call(t, SyscallNumber.FrameUnmap, first + 8 + (ulong)(Math.Abs(a.X) % 2)); break;
                }

                break;
            default: throw new ArgumentOutOfRangeException(nameof(a), a.Kind, "Workload: unknown action kind");
        }
    }

    private static ulong Pick(int x, params ulong[] choices) => choices[Math.Abs(x) % choices.Length];

    // The handle of entry W of a task's grant table: its current generation, or one behind for odd Z.
    private ulong Handle(int taskPick, int w, int z, TaskObject? task = null)
    {
        task ??= tasks[Math.Abs(taskPick) % tasks.Count];
        var index = (uint)(Math.Abs(w) % 4);
        var table = Kernel.Objects.Resolve<GrantTableObject>(task.GrantTable);
        ulong gen = table is null || index >= table.View.Length ? 0 : table.View[(int)index].Generation;
        return index | ((gen - (uint)(Math.Abs(z) % 2)) << 32);
    }

    private void Call(TaskObject t, SyscallNumber n, params ulong[] args) => Call(t, (long)n, args);

    private void Call(TaskObject t, long n, params ulong[] args)
    {
        Kernel.Syscall(t, n, args);
        Executed++;
    }

    private ulong LargestUntyped()
    {
        var best = 0;
        var bestBits = -1;
        for (var i = 0; i < Booted.UntypedCount; i++)
        {
            var cap = Kernel.SlotAt(new SlotAddress(Booted.Root.CSpaceRoot.Id, Booted.UntypedFirstSlot + i)).Cap;
            if (Kernel.Objects.Resolve<UntypedObject>(cap.Object) is { } u && u.SizeBits > bestBits)
            {
                best = i;
                bestBits = u.SizeBits;
            }
        }

        return (ulong)(Booted.UntypedFirstSlot + best);
    }

    public static ImmutableArray<ActionKind> AllKinds { get; } = [.. Enum.GetValues<ActionKind>()];
}
