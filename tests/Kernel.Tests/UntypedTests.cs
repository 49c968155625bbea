using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

public sealed class UntypedTests
{
    [Fact]
    public void RetypeMakesAlignedDisjointChildrenInsideTheUntyped()
    {
        var s = new TestSystem();
        var u = s.Object<UntypedObject>(s.Untyped);
        var first = s.Free;
        s.Ok(SyscallNumber.UntypedRetype, s.Untyped, (ulong)ObjectType.Frame, 0, Root, first, 5);
        var frames = Enumerable.Range(0, 5).Select(i => s.Object<FrameObject>(first + (ulong)i)).ToList();
        frames.Select(f => f.Paddr).Distinct().Count().ShouldBe(5);
        frames.ShouldAllBe(f => f.Paddr % 4096 == 0 && f.Paddr >= u.Paddr && f.Paddr + 4096 <= u.Paddr + u.Size);
        u.LiveChildren.ShouldBe(5);
    }

    [Theory]
    [InlineData(ObjectType.None, 0)]
    [InlineData(ObjectType.Console, 0)]
    [InlineData((ObjectType)99, 0)]
    [InlineData(ObjectType.CNode, 0)]
    [InlineData(ObjectType.CNode, 13)]
    [InlineData(ObjectType.Untyped, 11)]
    [InlineData(ObjectType.GrantTable, 9)]
    public void RetypeRefusesBadTypesAndSizes(ObjectType type, ulong bits)
    {
        var s = new TestSystem();
        s.Call(SyscallNumber.UntypedRetype, s.Untyped, (ulong)type, bits, Root, s.Free, 1).Status.ShouldBe(KernelError.InvalidArgument);
    }

    [Fact]
    public void RetypeErrorPaths()
    {
        var s = new TestSystem();
        s.Call(SyscallNumber.UntypedRetype, s.Untyped, (ulong)ObjectType.Frame, 0, Root, s.Free, 0).Status.ShouldBe(KernelError.InvalidArgument, "count 0");
        s.Call(SyscallNumber.UntypedRetype, s.Untyped, (ulong)ObjectType.Frame, 0, Root, s.Free, 257).Status.ShouldBe(KernelError.InvalidArgument, "count too big");
        s.Call(SyscallNumber.UntypedRetype, s.Untyped, (ulong)ObjectType.Frame, 0, Root, 254, 3).Status.ShouldBe(KernelError.InvalidArgument, "past the CNode end");
        s.Call(SyscallNumber.UntypedRetype, s.Untyped, (ulong)ObjectType.Frame, 0, Root, AbiConstants.SlotConsole, 1).Status.ShouldBe(KernelError.SlotOccupied);
        s.Call(SyscallNumber.UntypedRetype, AbiConstants.SlotConsole, (ulong)ObjectType.Frame, 0, Root, s.Free, 1).Status.ShouldBe(KernelError.InvalidCapability, "not an untyped");
        s.Call(SyscallNumber.UntypedRetype, s.Untyped, (ulong)ObjectType.Untyped, 40, Root, s.Free, 1).Status.ShouldBe(KernelError.NotEnoughMemory);
        var weak = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, s.Untyped, Root, weak, (ulong)Rights.Read);
        s.Call(SyscallNumber.UntypedRetype, weak, (ulong)ObjectType.Frame, 0, Root, s.Free, 1).Status.ShouldBe(KernelError.InsufficientRights);
    }

    [Fact]
    public void AnUntypedRunsOutAndIsReusableAfterRevoke()
    {
        var s = new TestSystem();
        var small = s.Make(ObjectType.Untyped, 14); // 4 frames
        s.Ok(SyscallNumber.UntypedRetype, small, (ulong)ObjectType.Frame, 0, Root, s.Free, 4);
        var firstBatch = s.Object<FrameObject>(s.Free);
        s.Call(SyscallNumber.UntypedRetype, small, (ulong)ObjectType.Frame, 0, Root, s.Free + 4, 1).Status.ShouldBe(KernelError.NotEnoughMemory);
        SyscallOutcome o;
        do
        {
            o = s.Call(SyscallNumber.CNodeRevoke, Root, small);
        }
        while (o.Restarted);

        firstBatch.IsLive.ShouldBeFalse();
        var untyped = s.Object<UntypedObject>(small);
        untyped.Watermark.ShouldBe(untyped.Size, "deletions keep the watermark (spec: UtFree unchanged)");
        s.Ok(SyscallNumber.UntypedRetype, small, (ulong)ObjectType.Frame, 0, Root, s.Free + 4, 4);
        s.Object<FrameObject>(s.Free + 4).Paddr.ShouldBe(untyped.Paddr, "a retype with no child alive starts at the base (spec: cap.retype resets)");
    }

    [Fact]
    public void ADeletedUntypedKeepsItsMemoryWhileItsChildrenLive()
    {
        var s = new TestSystem();
        s.ExpectRefinementReport(); // the checker reports the planted fault Finding.PlantedDeleteLiftsChildren
        var parent = s.Object<UntypedObject>(s.Untyped);
        var child = s.Make(ObjectType.Untyped, 14);
        var childObject = s.Object<UntypedObject>(child);
        var frame = s.TakeSlot();
        s.Ok(SyscallNumber.UntypedRetype, child, (ulong)ObjectType.Frame, 0, Root, frame, 1);
        var before = parent.LiveChildren;
        // spec: cap.delete (HasChildren) — the untyped's capability has the frame's as a child.
        s.Call(SyscallNumber.CNodeDelete, Root, child).Status.ShouldBe(KernelError.RevokeFirst);
        // An untyped can still die first through a cascade (a finalised CNode holding its only
        // capability); the old lifting delete, planted, reaches that state directly.
        s.Kernel.Faults = new PlantedFaults { DeleteLiftsChildren = true };
        s.Ok(SyscallNumber.CNodeDelete, Root, child);
        childObject.IsLive.ShouldBeFalse();
        parent.LiveChildren.ShouldBe(before, "the frame still occupies the dead untyped's memory");
        s.Ok(SyscallNumber.CNodeDelete, Root, frame);
        parent.LiveChildren.ShouldBe(before - 1);
        s.ShouldHaveReported(Finding.PlantedDeleteLiftsChildren);
    }

    [Fact]
    public void DestroyingATaskDeletesEveryCapabilityToIt()
    {
        // spec: task.destroy then cap.delete of each capability naming it (finding F2): none dangles.
        var s = new TestSystem();
        var (slot, task) = s.MakeTask();
        var copy = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, slot, Root, copy, 7);
        s.Ok(SyscallNumber.TaskDestroy, slot);
        task.IsLive.ShouldBeFalse();
        s.Cap(slot).IsNull.ShouldBeTrue();
        s.Cap(copy).IsNull.ShouldBeTrue();
        s.Call(SyscallNumber.TaskResume, copy).Status.ShouldBe(KernelError.InvalidCapability);
    }

    [Fact]
    public void StaleCapabilitiesAreRefused()
    {
        // The old destroy (planted) left capabilities to the dead task: the generation check refuses them.
        var s = new TestSystem();
        s.ExpectRefinementReport(); // the checker reports the planted fault Finding.PlantedDestroyLeavesCapabilities
        s.Kernel.Faults = new PlantedFaults { DestroyLeavesCapabilities = true };
        var (slot, task) = s.MakeTask();
        var copy = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, slot, Root, copy, 7);
        s.Ok(SyscallNumber.TaskDestroy, slot);
        task.IsLive.ShouldBeFalse();
        s.Call(SyscallNumber.TaskResume, copy).Status.ShouldBe(KernelError.StaleCapability);
        s.Call(SyscallNumber.CNodeCopy, Root, copy, Root, s.TakeSlot(), 7).Status.ShouldBe(KernelError.StaleCapability);
        s.Ok(SyscallNumber.CNodeDelete, Root, copy); // deleting a stale capability is allowed
        s.ShouldHaveReported(Finding.PlantedDestroyLeavesCapabilities);
    }

    [Fact]
    public void AReusedIndexDoesNotRevalidateOldReferences()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var old = s.Cap(ep).Object;
        s.Ok(SyscallNumber.CNodeDelete, Root, ep);
        var again = s.Make(ObjectType.Endpoint);
        var now = s.Cap(again).Object;
        now.Id.ShouldBe(old.Id, "the index is reused");
        now.Generation.ShouldNotBe(old.Generation);
        s.Kernel.Objects.Resolve(old).ShouldBeNull();
    }
}
