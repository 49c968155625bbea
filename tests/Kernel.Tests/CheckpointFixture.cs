using System.Collections.Immutable;
using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Checkpoints;
using Verified.Kernel.Objects;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

/// <summary>
/// A CPU-less source task with a capability space of every kind a checkpoint distinguishes, and a
/// target system of another object layout with objects to bind to.
/// </summary>
internal sealed class CheckpointFixture
{
    public const ulong PageRo = 0x40_0000, PageRw = 0x40_1000, PageOwn = 0x7F_0000_0000;

    /// <summary>Slots of the task's own CNode.</summary>
    public const int SlotEp = 1, SlotNtfn = 2, SlotConsole = 3, SlotSelf = 4, SlotEpCopy = 5, SlotCSpace = 6, SlotPrivate = 7, SlotMapped = 8, SlotShared = 9;

    public CheckpointFixture()
    {
        var s = Source;
        Ep = s.Make(ObjectType.Endpoint);
        Ntfn = s.Make(ObjectType.Notification);
        var cn = s.Make(ObjectType.CNode, 4);
        TaskSlot = s.Make(ObjectType.Task);
        Task = s.Object<TaskObject>(TaskSlot);
        s.Ok(SyscallNumber.CNodeMint, Root, Ep, cn, SlotEp, (ulong)(Rights.Write | Rights.Grant), 7);
        s.Ok(SyscallNumber.CNodeCopy, cn, SlotEp, cn, SlotEpCopy, (ulong)Rights.Write);
        s.Ok(SyscallNumber.CNodeCopy, Root, Ntfn, cn, SlotNtfn, (ulong)Rights.Write);
        s.Ok(SyscallNumber.CNodeCopy, Root, AbiConstants.SlotConsole, cn, SlotConsole, (ulong)Rights.Write);
        s.Ok(SyscallNumber.CNodeCopy, Root, TaskSlot, cn, SlotSelf, (ulong)Rights.Read);
        s.Ok(SyscallNumber.CNodeCopy, Root, cn, cn, SlotCSpace, (ulong)Rights.All);

        var privateFrame = s.Make(ObjectType.Frame);
        Fill(s.Object<FrameObject>(privateFrame), 0x11);
        s.Ok(SyscallNumber.CNodeMove, Root, privateFrame, cn, SlotPrivate);
        var shared = s.Make(ObjectType.Frame);
        s.Ok(SyscallNumber.CNodeCopy, Root, shared, cn, SlotShared, (ulong)Rights.Read);

        var ro = s.Make(ObjectType.Frame);
        var rw = s.Make(ObjectType.Frame);
        var own = s.Make(ObjectType.Frame);
        Fill(s.Object<FrameObject>(ro), 0x22);
        Fill(s.Object<FrameObject>(rw), 0x33);
        Fill(s.Object<FrameObject>(own), 0x44);
        s.Ok(SyscallNumber.FrameMap, ro, TaskSlot, PageRo, (ulong)Rights.Read, s.Untyped);
        s.Ok(SyscallNumber.FrameMap, rw, TaskSlot, PageRw, (ulong)(Rights.Read | Rights.Write), s.Untyped);
        s.Ok(SyscallNumber.FrameMap, own, TaskSlot, PageOwn, (ulong)Rights.Read, s.Untyped);
        s.Ok(SyscallNumber.CNodeMutate, Root, own, cn, SlotMapped, (ulong)(Rights.Read | Rights.Grant), 0);

        var badgedFault = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMint, Root, Ep, Root, badgedFault, (ulong)Rights.Write, 9);
        var grants = s.Make(ObjectType.GrantTable, 2);
        s.Ok(SyscallNumber.TaskConfigure, TaskSlot, cn, badgedFault, 60, grants);
        for (var r = 0; r < AbiConstants.RegisterCount; r++)
        {
            if (r != AbiConstants.RegRflags)
            {
                s.Ok(SyscallNumber.TaskWriteRegister, TaskSlot, (ulong)r, r is AbiConstants.RegFsBase or AbiConstants.RegGsBase ? 0x1000UL * (ulong)r : 0x0101_0101UL * (ulong)(r + 1));
            }
        }

        s.Ok(SyscallNumber.TaskResume, TaskSlot);

        // Grants: one revoked (its entry's generation moved on), one live to another task.
        var (_, grantee) = s.MakeTask();
        var revoked = s.Call(Task, SyscallNumber.GrantCreate, grantee.Ref.Packed, PageRo, 16, (ulong)GrantAccess.Read);
        revoked.Status.ShouldBe(KernelError.Ok);
        s.Call(Task, SyscallNumber.GrantRevoke, revoked.Result0).Status.ShouldBe(KernelError.Ok);
        var live = s.Call(Task, SyscallNumber.GrantCreate, grantee.Ref.Packed, PageRw, 100, (ulong)GrantAccess.Read);
        live.Status.ShouldBe(KernelError.Ok);
        Handle = live.Result0;
        (Handle >> 32).ShouldBe(1UL, "the entry was used before, so the handle carries generation 1");

        // The target: another layout (objects made first shift every index), its own endpoint,
        // notification and a frame to bind the shared one to.
        Target.Make(ObjectType.Notification);
        Target.Make(ObjectType.CNode, 3);
        TargetEp = Target.Make(ObjectType.Endpoint);
        TargetNtfn = Target.Make(ObjectType.Notification);
        TargetFrame = Target.Make(ObjectType.Frame);
        (TargetGranteeSlot, TargetGrantee) = Target.MakeTask();
        HolderFirst = (int)Target.TakeSlot();
        for (var i = 0; i < 12; i++)
        {
            Target.TakeSlot();
        }
    }

    public TestSystem Source { get; } = new();

    public TestSystem Target { get; } = new(memoryBytes: 8 << 20);

    public ulong Ep { get; }

    public ulong Ntfn { get; }

    public ulong TaskSlot { get; }

    public TaskObject Task { get; }

    public ulong TargetEp { get; }

    public ulong TargetNtfn { get; }

    public ulong TargetFrame { get; }

    public int HolderFirst { get; }

    /// <summary>The handle of the task's live grant (to the source's other task; bound to <see cref="TargetGrantee"/>).</summary>
    public ulong Handle { get; }

    public ulong TargetGranteeSlot { get; }

    public TaskObject TargetGrantee { get; }

    public TaskCheckpoint Capture()
    {
        TaskCapture.TryCapture(Source.Kernel, Task, out var c, out var failure).ShouldBeTrue(failure?.ToString());
        return c!;
    }

    /// <summary>Binds each reference by type to the target's object of that type.</summary>
    public RestoreRequest Request(TaskCheckpoint c) =>
        new(Target.Untyped, Root, HolderFirst, c.References.ToImmutableSortedDictionary(r => r.Id, r => r.Type switch
        {
            ObjectType.Endpoint => TargetEp,
            ObjectType.Notification => TargetNtfn,
            ObjectType.Console => (ulong)AbiConstants.SlotConsole,
            ObjectType.Frame => TargetFrame,
            ObjectType.Task => TargetGranteeSlot,
            _ => throw new InvalidOperationException($"the fixture binds no {r.Type}"),
        }));

    public string IdOf(TaskCheckpoint c, ObjectType type) => c.References.Single(r => r.Type == type).Id;

    private void Fill(FrameObject f, byte value)
    {
        var bytes = new byte[4096];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(value + i);
        }

        Source.Kernel.Memory.Write(f.Paddr, bytes);
    }
}
