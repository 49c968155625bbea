using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

public sealed class MemoryTests
{
    private const ulong Va = 0x4000_0000;

    [Fact]
    public void MapWritesRealPageTablesAndUnmapClearsThem()
    {
        var s = new TestSystem();
        var (slot, t) = s.MakeTask();
        var frame = s.Make(ObjectType.Frame);
        s.Ok(SyscallNumber.FrameMap, frame, slot, Va, (ulong)Rights.Read, s.Untyped);
        t.TablePagesView.Count.ShouldBe(3, "PDPT, PD and PT were lent by the untyped");
        var leaf = PageTables.Leaf(s.Kernel.Memory, t.Pml4, Va);
        (leaf & PageTables.AddressMask).ShouldBe(s.Object<FrameObject>(frame).Paddr);
        (leaf & PageTables.Writable).ShouldBe(0UL);
        s.Cap(frame).MappedVa.ShouldBe(Va);
        s.Ok(SyscallNumber.FrameUnmap, frame);
        PageTables.Leaf(s.Kernel.Memory, t.Pml4, Va).ShouldBe(0UL);
        s.Call(SyscallNumber.FrameUnmap, frame).Status.ShouldBe(KernelError.NotMapped);
    }

    [Fact]
    public void MapErrorPaths()
    {
        var s = new TestSystem();
        var (slot, _) = s.MakeTask();
        var frame = s.Make(ObjectType.Frame);
        var readOnly = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, frame, Root, readOnly, (ulong)Rights.Read);
        s.Call(SyscallNumber.FrameMap, readOnly, slot, Va, (ulong)(Rights.Read | Rights.Write), s.Untyped).Status.ShouldBe(KernelError.InsufficientRights);
        s.Call(SyscallNumber.FrameMap, frame, slot, Va + 1, (ulong)Rights.Read, s.Untyped).Status.ShouldBe(KernelError.InvalidArgument);
        s.Call(SyscallNumber.FrameMap, frame, slot, AbiConstants.UserTop, (ulong)Rights.Read, s.Untyped).Status.ShouldBe(KernelError.InvalidArgument);
        s.Call(SyscallNumber.FrameMap, frame, slot, Va, (ulong)Rights.Write, s.Untyped).Status.ShouldBe(KernelError.InvalidArgument, "a mapping is always readable");
        s.Call(SyscallNumber.FrameMap, frame, slot, Va, (ulong)Rights.Read, NoCap).Status.ShouldBe(KernelError.NotEnoughMemory, "tables needed");
        s.Call(SyscallNumber.FrameMap, frame, frame, Va, (ulong)Rights.Read, s.Untyped).Status.ShouldBe(KernelError.InvalidCapability);
        s.Ok(SyscallNumber.FrameMap, frame, slot, Va, (ulong)Rights.Read, s.Untyped);
        s.Call(SyscallNumber.FrameMap, frame, slot, Va + 4096, (ulong)Rights.Read, NoCap).Status.ShouldBe(KernelError.AlreadyMapped, "one mapping per capability");
        s.Call(SyscallNumber.FrameMap, readOnly, slot, Va, (ulong)Rights.Read, NoCap).Status.ShouldBe(KernelError.AlreadyMapped, "address taken");
        s.Ok(SyscallNumber.FrameMap, readOnly, slot, Va + 4096, (ulong)Rights.Read, NoCap);
        var tiny = s.Make(ObjectType.Untyped, 12);
        s.Ok(SyscallNumber.UntypedRetype, tiny, (ulong)ObjectType.Frame, 0, Root, s.TakeSlot(), 1);
        var f2 = s.Make(ObjectType.Frame);
        s.Call(SyscallNumber.FrameMap, f2, slot, 0x7000_0000_0000, (ulong)Rights.Read, tiny).Status.ShouldBe(KernelError.NotEnoughMemory);
    }

    [Fact]
    public void RevokingAFrameUnmapsWhatItsDescendantsMapped()
    {
        var s = new TestSystem();
        var (t1slot, t1) = s.MakeTask();
        var (t2slot, t2) = s.MakeTask();
        var frame = s.Make(ObjectType.Frame);
        var c1 = s.TakeSlot();
        var c2 = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, frame, Root, c1, 7);
        s.Ok(SyscallNumber.CNodeCopy, Root, c1, Root, c2, 7);
        s.Ok(SyscallNumber.FrameMap, c1, t1slot, Va, (ulong)Rights.Read, s.Untyped);
        s.Ok(SyscallNumber.FrameMap, c2, t2slot, Va, (ulong)(Rights.Read | Rights.Write), s.Untyped);
        s.Ok(SyscallNumber.CNodeRevoke, Root, frame);
        PageTables.Leaf(s.Kernel.Memory, t1.Pml4, Va).ShouldBe(0UL);
        PageTables.Leaf(s.Kernel.Memory, t2.Pml4, Va).ShouldBe(0UL);
    }

    [Fact]
    public void DestroyingATaskReturnsItsPageTablesToTheUntyped()
    {
        var s = new TestSystem();
        var u = s.Make(ObjectType.Untyped, 16);
        var uo = s.Object<UntypedObject>(u);
        var (slot, _) = s.MakeTask();
        var frame = s.Make(ObjectType.Frame);
        s.Ok(SyscallNumber.FrameMap, frame, slot, Va, (ulong)Rights.Read, u);
        uo.LiveChildren.ShouldBe(3);
        s.Ok(SyscallNumber.TaskDestroy, slot);
        uo.LiveChildren.ShouldBe(0);
        Kernel.FreeOffset(uo).ShouldBe(0UL, "the next retype from it starts at its base");
        s.Cap(frame).IsMapped.ShouldBeTrue("the record is stale, not followed");
        s.Ok(SyscallNumber.CNodeDelete, Root, frame); // deleting it must not touch the reused tables
    }

    [Fact]
    public void ConsoleWriteCopiesCheckedUserMemory()
    {
        var s = new TestSystem();
        var frame = s.Make(ObjectType.Frame);
        s.Ok(SyscallNumber.FrameMap, frame, AbiConstants.SlotRootTask, Va, (ulong)(Rights.Read | Rights.Write), s.Untyped);
        s.Kernel.Memory.Write(s.Object<FrameObject>(frame).Paddr + 10, "hi!"u8);
        s.Ok(SyscallNumber.ConsoleWrite, AbiConstants.SlotConsole, Va + 10, 3);
        System.Text.Encoding.ASCII.GetString([.. s.Kernel.ConsoleOutput]).ShouldBe("hi!");
        s.Call(SyscallNumber.ConsoleWrite, AbiConstants.SlotConsole, Va + 4090, 10).Status.ShouldBe(KernelError.BadAddress);
        s.Call(SyscallNumber.ConsoleWrite, AbiConstants.SlotConsole, Va, AbiConstants.MaxCopyLength + 1).Status.ShouldBe(KernelError.InvalidArgument);
        s.Call(SyscallNumber.ConsoleWrite, frame, Va, 1).Status.ShouldBe(KernelError.InvalidCapability);
    }
}
