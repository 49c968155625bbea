using System.Collections.Immutable;
using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Checking;
using Verified.Kernel.Checkpoints;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;
using Xunit;
using static Verified.Kernel.Tests.CheckpointFixture;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

/// <summary>Capture and restore of one task through the C# API: equivalence, every refusal, planted bugs.</summary>
public sealed class CheckpointTests
{
    [Fact]
    public void CaptureDistinguishesOwnObjectsFromSharedOnes()
    {
        var f = new CheckpointFixture();
        var c = f.Capture();
        Cap(c, SlotSelf).Target.ShouldBe(new CapTarget.SelfTask());
        Cap(c, SlotCSpace).Target.ShouldBe(new CapTarget.OwnCSpace());
        Cap(c, SlotPrivate).Target.ShouldBeOfType<CapTarget.OwnFrame>();
        Cap(c, SlotMapped).Target.ShouldBeOfType<CapTarget.OwnFrame>();
        Cap(c, SlotMapped).RecordsMapping.ShouldBeTrue();
        Cap(c, SlotShared).Target.ShouldBe(new CapTarget.Shared(f.IdOf(c, ObjectType.Frame)));
        Cap(c, SlotEp).Target.ShouldBe(new CapTarget.Shared(f.IdOf(c, ObjectType.Endpoint)));
        Cap(c, SlotEp).Badge.ShouldBe(7UL);
        Cap(c, SlotEpCopy).Parent.ShouldBe(SlotEp);
        c.References.Select(r => r.Type).Order().ShouldBe([ObjectType.Frame, ObjectType.Task, ObjectType.Endpoint, ObjectType.Notification, ObjectType.Console]);
        var grants = c.GrantTable.ShouldNotBeNull();
        grants.Entries.Length.ShouldBe(4);
        grants.Entries[(int)(uint)f.Handle].ShouldBe(new CapturedGrant(true, 1, false, new CapTarget.Shared(f.IdOf(c, ObjectType.Task)), PageRw, 100, GrantAccess.Read, null, 0));
        c.Frames.Where(x => x.Mapping is not null).Select(x => x.Mapping).ShouldBe(
            [new PageMapping(PageRo, Rights.Read), new PageMapping(PageRw, Rights.Read | Rights.Write), new PageMapping(PageOwn, Rights.Read)]);
        c.Frames.Count(x => x.Mapping is null).ShouldBe(1, "the private unmapped frame");
        c.Frames.Single(x => x.Mapping?.VirtualAddress == PageRw).Contents[5].ShouldBe((byte)(0x33 + 5));
        c.Fault.ShouldBe(new FaultHandler(f.IdOf(c, ObjectType.Endpoint), 9));
        c.Priority.ShouldBe(60);
    }

    [Fact]
    public void TheInCNodeParentIsFoundThroughCapabilitiesOutsideAndStopsAtTheRetype()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var cn = s.Make(ObjectType.CNode, 3);
        var (taskSlot, task) = s.MakeTask();
        s.Ok(SyscallNumber.TaskConfigure, taskSlot, cn, NoCap, 100, NoCap);
        s.Ok(SyscallNumber.CNodeCopy, Root, ep, cn, 1, (ulong)Rights.All);
        var outside = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, cn, 1, Root, outside, (ulong)Rights.All);
        s.Ok(SyscallNumber.CNodeCopy, Root, outside, cn, 2, (ulong)Rights.Write);
        s.Ok(SyscallNumber.CNodeCopy, Root, ep, cn, 3, (ulong)Rights.Read);
        var untyped = s.Make(ObjectType.Untyped, 12);
        s.Ok(SyscallNumber.CNodeCopy, Root, untyped, cn, 4, (ulong)Rights.All);
        s.Ok(SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Frame, 0, cn, 5, 1);
        s.Ok(SyscallNumber.CNodeCopy, cn, 5, cn, 6, (ulong)Rights.Read);

        TaskCapture.TryCapture(s.Kernel, task, out var c, out var failure).ShouldBeTrue(failure?.ToString());
        c!.Caps.Select(x => (x.Slot, x.Parent)).ShouldBe([(1, null), (2, 1), (3, null), (4, null), (5, null), (6, 5)]);
    }

    [Fact]
    public void RestoredCapabilitiesAreEquivalentToTheSavedOnes()
    {
        var f = new CheckpointFixture();
        var c = f.Capture();
        var request = f.Request(c);
        var k = f.Target.Kernel;
        k.TryRestoreTask(f.Target.RootTask, c, request, out var restored, out var failure).ShouldBeTrue(failure?.ToString());
        f.Target.Check();
        var task = restored!.Task;
        var cspace = k.Objects.Resolve<CNodeObject>(task.CSpaceRoot).ShouldNotBeNull();
        foreach (var saved in c.Caps)
        {
            var cap = cspace.View[saved.Slot].Cap;
            (cap.Type, cap.Rights, cap.Badge).ShouldBe((saved.Type, saved.Rights, saved.Badge), $"slot {saved.Slot}");
            if (saved.Target is CapTarget.OwnFrame own)
            {
                // A restored frame of its own: a new frame holding the saved bytes, mapped where it was.
                var frame = k.Objects.Resolve<FrameObject>(cap.Object).ShouldNotBeNull();
                var bytes = new byte[4096];
                k.Memory.Read(frame.Paddr, bytes);
                bytes.ShouldBe(c.Frames[own.Index].Contents.ToArray());
                if (c.Frames[own.Index].Mapping is { } m)
                {
                    (PageTables.Leaf(k.Memory, task.Pml4, m.VirtualAddress) & PageTables.AddressMask).ShouldBe(frame.Paddr);
                }

                continue;
            }

            var expected = saved.Target switch
            {
                CapTarget.SelfTask => task.Ref,
                CapTarget.OwnCSpace => cspace.Ref,
                CapTarget.Shared s => f.Target.Cap(request.Binding[s.ReferenceId]).Object,
                _ => ObjectRef.None,
            };
            cap.Object.ShouldBe(expected, $"slot {saved.Slot} refers to the bound or restored object");
        }

        k.Parent(new SlotAddress(cspace.Id, SlotEpCopy)).ShouldBe(new SlotAddress(cspace.Id, SlotEp), "derivation inside the CNode is kept");
        cspace.View[SlotMapped].Cap.MappedVa.ShouldBe(PageOwn);
        foreach (var frame in c.Frames.Where(x => x.Mapping is not null))
        {
            var leaf = PageTables.Leaf(k.Memory, task.Pml4, frame.Mapping!.VirtualAddress);
            ((leaf & PageTables.Writable) != 0).ShouldBe((frame.Mapping.Rights & Rights.Write) != 0);
            var bytes = new byte[4096];
            k.Memory.Read(leaf & PageTables.AddressMask, bytes);
            bytes.ShouldBe(frame.Contents.ToArray());
        }

        task.FaultEndpoint.ShouldBe(f.Target.Cap(f.TargetEp).Object);
        task.FaultBadge.ShouldBe(9UL);
        task.Registers[TaskObject.Rbx].ShouldBe(f.Task.Registers[TaskObject.Rbx]);
        task.State.ShouldBe(TaskState.Ready);
        CheckpointEquivalence.Differences(c, k, f.Target.RootTask, request, task).ShouldBeEmpty();

        // Revoking the in-CNode parent deletes its child, as in the source.
        var before = k.Objects.Resolve(cspace.View[SlotEpCopy].Cap.Object)!.CapCount;
        f.Target.Call(task, SyscallNumber.CNodeRevoke, (ulong)SlotCSpace, (ulong)SlotEp).Status.ShouldBe(KernelError.Ok);
        cspace.View[SlotEpCopy].Cap.IsNull.ShouldBeTrue();
        k.Objects.Resolve(cspace.View[SlotEp].Cap.Object)!.CapCount.ShouldBe(before - 1);
    }

    [Fact]
    public void TheRestoredTaskUsesItsCapabilitiesInTheTarget()
    {
        var f = new CheckpointFixture();
        var c = f.Capture();
        f.Target.Kernel.TryRestoreTask(f.Target.RootTask, c, f.Request(c), out var restored, out var failure).ShouldBeTrue(failure?.ToString());
        var task = restored!.Task;
        f.Target.Call(task, SyscallNumber.Signal, SlotNtfn).Status.ShouldBe(KernelError.Ok);
        f.Target.Object<NotificationObject>(f.TargetNtfn).Word.ShouldBe(1UL, "the signal reached the bound notification");
        f.Target.Call(SyscallNumber.Recv, f.TargetEp, NoCap).Blocked.ShouldBeTrue();
        f.Target.Call(task, SyscallNumber.Send, SlotEp, 0xFFFF_FFFF, 42).Status.ShouldBe(KernelError.Ok);
        f.Target.RootTask.Registers[TaskObject.Rdi].ShouldBe(7UL, "the server sees the saved badge");
        f.Target.Call(task, SyscallNumber.Recv, SlotEp, NoCap).Status.ShouldBe(KernelError.InsufficientRights, "the endpoint capability was saved without the read right");

        // The grant the task made in the source, with its handle, now serves the bound grantee.
        var local = f.Target.Make(ObjectType.Frame);
        f.Target.Ok(SyscallNumber.FrameMap, local, f.TargetGranteeSlot, 0x1000, (ulong)(Rights.Read | Rights.Write), f.Target.Untyped);
        f.Target.Call(f.TargetGrantee, SyscallNumber.SafeCopyFrom, task.Ref.Packed, f.Handle, 4, 0x1000, 16).Status.ShouldBe(KernelError.Ok);
        var copied = new byte[16];
        f.Target.Kernel.Memory.Read(f.Target.Object<FrameObject>(local).Paddr, copied);
        copied.ShouldBe(Enumerable.Range(4, 16).Select(i => (byte)(0x33 + i)).ToArray());
        f.Target.Call(f.TargetGrantee, SyscallNumber.SafeCopyFrom, task.Ref.Packed, f.Handle & 0xFFFF_FFFF, 0, 0x1000, 16).Status
            .ShouldBe(KernelError.GrantInvalid, "the handle of the old generation does not verify, as in the source");
    }

    [Fact]
    public void RestoringIntoTheSameKernelClonesTheTask()
    {
        // Bound to the very capabilities the original names (found in the root CNode by object),
        // the clone shares its endpoint, notification, console, frame and grantee with it.
        var f = new CheckpointFixture();
        var c = f.Capture();
        var s = f.Source;
        var root = s.Kernel.Objects.Resolve<CNodeObject>(s.RootTask.CSpaceRoot)!;
        ulong RootSlotOf(string id) => (ulong)Enumerable.Range(0, root.View.Length)
            .First(i => !root.View[i].Cap.IsNull && TaskCapture.ReferenceId(s.Kernel.Objects.Resolve(root.View[i].Cap.Object)!) == id && root.View[i].Cap.Badge == 0);
        var holder = (int)s.TakeSlot();
        for (var i = 0; i < 6; i++)
        {
            s.TakeSlot();
        }

        var request = new RestoreRequest(s.Untyped, Root, holder, c.References.ToImmutableSortedDictionary(r => r.Id, r => RootSlotOf(r.Id)));
        s.Kernel.TryRestoreTask(s.RootTask, c, request, out var clone, out var failure).ShouldBeTrue(failure?.ToString());
        s.Check();
        clone!.Task.ShouldNotBe(f.Task);
        CheckpointEquivalence.Differences(c, s.Kernel, s.RootTask, request, clone.Task).ShouldBeEmpty();
        TaskCapture.TryCapture(s.Kernel, clone.Task, out var again, out failure).ShouldBeTrue(failure?.ToString());
        again!.References.Select(r => r.Id).Order().ShouldBe(c.References.Select(r => r.Id).Order(), "the same shared objects");
    }

    [Fact]
    public void ARefusedRestoreLeavesTheTargetUnchanged()
    {
        var f = new CheckpointFixture();
        var c = f.Capture();
        var print = f.Target.Kernel.Fingerprint();
        var bad = f.Request(c) with { Binding = f.Request(c).Binding.Remove(f.IdOf(c, ObjectType.Console)) };
        f.Target.Kernel.TryRestoreTask(f.Target.RootTask, c, bad, out var restored, out var failure).ShouldBeFalse();
        restored.ShouldBeNull();
        failure!.Error.ShouldBe(CheckpointError.BindingMissing);
        f.Target.Kernel.Fingerprint().ShouldBe(print);
    }

    public static TheoryData<string, CheckpointError> Refusals => new()
    {
        { "binding missing", CheckpointError.BindingMissing },
        { "endpoint bound to a notification", CheckpointError.BoundCapabilityWrongType },
        { "endpoint bound without the grant right", CheckpointError.RightsWouldAmplify },
        { "endpoint bound with another badge", CheckpointError.BadgeConflict },
        { "binding to an empty slot", CheckpointError.InvalidCapability },
        { "untyped too small", CheckpointError.NotEnoughMemory },
        { "untyped cptr names an endpoint", CheckpointError.InvalidCapability },
        { "holder cptr names an endpoint", CheckpointError.InvalidCapability },
        { "holder slots occupied", CheckpointError.HolderSlotsUnavailable },
        { "holder slots past the end", CheckpointError.HolderSlotsUnavailable },
        { "priority above the restorer's", CheckpointError.PriorityTooHigh },
        { "fault endpoint bound without write", CheckpointError.RightsWouldAmplify },
        { "inconsistent checkpoint", CheckpointError.Malformed },
        { "grantee is not a task", CheckpointError.Malformed },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void EachRefusalIsItsDefinedError(string scenario, CheckpointError expected)
    {
        var f = new CheckpointFixture();
        var c = f.Capture();
        var t = f.Target;
        var request = f.Request(c);
        var ep = f.IdOf(c, ObjectType.Endpoint);
        var caller = t.RootTask;
        ulong Minted(Rights rights, ulong badge)
        {
            var slot = t.TakeSlot();
            t.Ok(SyscallNumber.CNodeMint, Root, f.TargetEp, Root, slot, (ulong)rights, badge);
            return slot;
        }

        switch (scenario)
        {
            case "binding missing":
                request = request with { Binding = request.Binding.Remove(ep) };
                break;
            case "endpoint bound to a notification":
                request = request with { Binding = request.Binding.SetItem(ep, f.TargetNtfn) };
                break;
            case "endpoint bound without the grant right":
                request = request with { Binding = request.Binding.SetItem(ep, Minted(Rights.Write, 0)) };
                break;
            case "endpoint bound with another badge":
                request = request with { Binding = request.Binding.SetItem(ep, Minted(Rights.All, 8)) };
                break;
            case "binding to an empty slot":
                request = request with { Binding = request.Binding.SetItem(ep, t.TakeSlot()) };
                break;
            case "untyped too small":
                var small = t.Make(ObjectType.Untyped, 14);
                request = request with { Untyped = small };
                break;
            case "untyped cptr names an endpoint":
                request = request with { Untyped = f.TargetEp };
                break;
            case "holder cptr names an endpoint":
                request = request with { HolderCNode = f.TargetEp };
                break;
            case "holder slots occupied":
                t.Ok(SyscallNumber.CNodeCopy, Root, f.TargetEp, Root, (ulong)(request.HolderFirstSlot + 3), (ulong)Rights.All);
                break;
            case "holder slots past the end":
                request = request with { HolderFirstSlot = 253 };
                break;
            case "priority above the restorer's":
                var (_, low) = t.MakeTask(priority: 30);
                caller = low;
                break;
            case "fault endpoint bound without write":
                c = c with { Caps = [.. c.Caps.Where(x => x.Target != new CapTarget.Shared(ep))] };
                request = request with { Binding = request.Binding.SetItem(ep, Minted(Rights.Read, 9)) };
                break;
            case "inconsistent checkpoint":
                c = c with { Caps = c.Caps.Select(x => x.Slot == SlotEpCopy ? x with { Rights = Rights.All } : x).ToImmutableArray() };
                break;
            case "grantee is not a task":
                c = c with { GrantTable = c.GrantTable! with { Entries = c.GrantTable.Entries.SetItem(0, c.GrantTable.Entries[0] with { Grantee = new CapTarget.Shared(ep) }) } };
                break;
            default:
                throw new ArgumentException(scenario);
        }

        var print = t.Kernel.Fingerprint();
        t.Kernel.TryRestoreTask(caller, c, request, out var restored, out var failure).ShouldBeFalse(scenario);
        restored.ShouldBeNull();
        failure!.Error.ShouldBe(expected, failure.Detail);
        t.Kernel.Fingerprint().ShouldBe(print, "a refused restore changes nothing");
        t.Check();
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void RestoreCountsItsMemoryExactly(int framesTakenFirst, bool fits)
    {
        // The fixture needs 44 KiB: task 4 KiB, CNode 512 B and grant table 128 B (one page with
        // alignment), 4 frames, 5 page-table pages (one PDPT, two PDs, two PTs). A 64 KiB untyped
        // with 5 frames taken has exactly that left; with 6, one page too few.
        var f = new CheckpointFixture();
        var c = f.Capture();
        var t = f.Target;
        var untyped = t.Make(ObjectType.Untyped, 16);
        var slot = t.TakeSlot();
        for (var i = 1; i < framesTakenFirst; i++)
        {
            t.TakeSlot();
        }

        t.Ok(SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Frame, 0, Root, slot, (ulong)framesTakenFirst);
        var ok = t.Kernel.TryRestoreTask(t.RootTask, c, f.Request(c) with { Untyped = untyped }, out _, out var failure);
        ok.ShouldBe(fits, failure?.ToString());
        if (!fits)
        {
            failure!.Error.ShouldBe(CheckpointError.NotEnoughMemory);
        }
        else
        {
            t.Object<UntypedObject>(untyped).Watermark.ShouldBe(1UL << 16, "the restore used the untyped to its last byte");
        }

        t.Check();
    }

    [Fact]
    public void ABoundCapabilityWithExactlyTheSavedRightsAndBadgeIsEnough()
    {
        var f = new CheckpointFixture();
        var c = f.Capture();
        var slot = f.Target.TakeSlot();
        f.Target.Ok(SyscallNumber.CNodeMint, Root, f.TargetEp, Root, slot, (ulong)(Rights.Write | Rights.Grant), 7);
        var faultSlot = f.Target.TakeSlot();
        f.Target.Ok(SyscallNumber.CNodeMint, Root, f.TargetEp, Root, faultSlot, (ulong)Rights.Write, 9);
        var request = f.Request(c);
        request = request with { Binding = request.Binding.SetItem(f.IdOf(c, ObjectType.Endpoint), slot) };
        f.Target.Kernel.TryRestoreTask(f.Target.RootTask, c, request, out _, out var failure).ShouldBeFalse("the fault handler needs badge 9, the bound capability has 7");
        failure!.Error.ShouldBe(CheckpointError.BadgeConflict);
        var noFault = c with { Fault = null };
        f.Target.Kernel.TryRestoreTask(f.Target.RootTask, noFault, request, out var restored, out failure).ShouldBeTrue(failure?.ToString());
        f.Target.Check();
        CheckpointEquivalence.Differences(noFault, f.Target.Kernel, f.Target.RootTask, request, restored!.Task).ShouldBeEmpty();
    }

    [Fact]
    public void ATaskBlockedInIpcIsRefused()
    {
        var f = new CheckpointFixture();
        f.Source.Call(f.Task, SyscallNumber.Wait, SlotNtfn).Status.ShouldBe(KernelError.InsufficientRights, "the task's notification capability has no read right");
        var (_, other) = f.Source.MakeTask();
        f.Source.Call(other, SyscallNumber.Recv, f.Ep, NoCap).Blocked.ShouldBeTrue();
        TaskCapture.TryCapture(f.Source.Kernel, other, out _, out var failure).ShouldBeFalse();
        failure!.Error.ShouldBe(CheckpointError.BlockedInIpc);
        f.Source.Call(f.Task, SyscallNumber.Call, SlotEp, 0xFFFF_FFFF, 1).Blocked.ShouldBeTrue("the task calls and waits for the reply");
        TaskCapture.TryCapture(f.Source.Kernel, f.Task, out _, out failure).ShouldBeFalse();
        failure!.Error.ShouldBe(CheckpointError.BlockedInIpc);
        TaskCapture.TryCapture(f.Source.Kernel, other, out _, out failure).ShouldBeFalse("the server now owes a reply");
        failure!.Error.ShouldBe(CheckpointError.HoldsReplyObligation);
    }

    [Fact]
    public void CaptureRefusalsAreDefinedErrors()
    {
        var s = new TestSystem();
        var (slot, unconfigured) = (s.Make(ObjectType.Task), (TaskObject?)null);
        unconfigured = s.Object<TaskObject>(slot);
        TaskCapture.TryCapture(s.Kernel, unconfigured, out _, out var failure).ShouldBeFalse();
        failure!.Error.ShouldBe(CheckpointError.NoCSpace);

        var (taskSlot, task) = s.MakeTask();

        // The root's CNode is the task's cspace; a frame capability in it maps into another task.
        var (otherSlot, _) = s.MakeTask();
        var frame = s.Make(ObjectType.Frame);
        s.Ok(SyscallNumber.FrameMap, frame, otherSlot, 0x1000, (ulong)Rights.Read, s.Untyped);
        TaskCapture.TryCapture(s.Kernel, task, out _, out failure).ShouldBeFalse();
        failure!.Error.ShouldBe(CheckpointError.MapsIntoOtherTask);
        s.Ok(SyscallNumber.FrameUnmap, frame);

        var alias = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, frame, Root, alias, (ulong)Rights.All);
        s.Ok(SyscallNumber.FrameMap, frame, taskSlot, 0x1000, (ulong)Rights.Read, s.Untyped);
        s.Ok(SyscallNumber.FrameMap, alias, taskSlot, 0x2000, (ulong)Rights.Read, s.Untyped);
        TaskCapture.TryCapture(s.Kernel, task, out _, out failure).ShouldBeFalse();
        failure!.Error.ShouldBe(CheckpointError.AliasedFrame);

        s.Ok(SyscallNumber.TaskDestroy, taskSlot);
        TaskCapture.TryCapture(s.Kernel, task, out _, out failure).ShouldBeFalse();
        failure!.Error.ShouldBe(CheckpointError.TaskNotLive);
    }

    [Fact]
    public void APlantedWritableMappingIsCaughtByTheEquivalenceCheck()
    {
        var f = new CheckpointFixture();
        var c = f.Capture();
        var request = f.Request(c);
        f.Target.Kernel.RestoreFaults = new RestorePlantedFaults { MapsEveryPageWritable = true };
        f.Target.Kernel.TryRestoreTask(f.Target.RootTask, c, request, out var restored, out var failure).ShouldBeTrue(failure?.ToString());
        var differences = CheckpointEquivalence.Differences(c, f.Target.Kernel, f.Target.RootTask, request, restored!.Task);
        differences.ShouldContain(d => d.Contains($"0x{PageRo:x}", StringComparison.Ordinal) && d.Contains("mapping", StringComparison.Ordinal));
        // The page recorded by the task's own read-only frame capability is also a page-table violation.
        ConsistencyChecker.Check(f.Target.Kernel).ShouldContain(v => v.Contains("writable through a read-only frame capability", StringComparison.Ordinal));
    }

    [Fact]
    public void APlantedFullRightsMintIsCaughtByTheEquivalenceCheckAndTheChecker()
    {
        var f = new CheckpointFixture();
        var c = f.Capture();
        var request = f.Request(c);
        f.Target.Kernel.RestoreFaults = new RestorePlantedFaults { MintKeepsBoundRights = true };
        f.Target.Kernel.TryRestoreTask(f.Target.RootTask, c, request, out var restored, out var failure).ShouldBeTrue(failure?.ToString());
        CheckpointEquivalence.Differences(c, f.Target.Kernel, f.Target.RootTask, request, restored!.Task)
            .ShouldContain(d => d.StartsWith($"slot {SlotEp}:", StringComparison.Ordinal));
        // Its in-CNode child was derived with fewer rights, so the derivation itself is still sound.
        ConsistencyChecker.Check(f.Target.Kernel).ShouldBeEmpty();
    }

    private static CapturedCap Cap(TaskCheckpoint c, int slot) => c.Caps.Single(x => x.Slot == slot);
}
