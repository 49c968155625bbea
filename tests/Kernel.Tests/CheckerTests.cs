using System.Runtime.CompilerServices;
using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Checking;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

/// <summary>
/// Each check of the consistency checker bites: a planted bug is reported, by the full check and
/// by the incremental checker (attached before the bug is planted; the bug is reachable through
/// something touched: a slot written through the kernel's accessor, a changed object, or an
/// address space marked as written).
/// </summary>
public sealed class CheckerTests
{
    private static readonly ConditionalWeakTable<TestSystem, IncrementalChecker> Incremental = new();

    /// <summary>Attaches an incremental checker to a consistent system and takes its first (full) check.</summary>
    private static void Attach(TestSystem s)
    {
        var checker = new IncrementalChecker(s.Kernel);
        checker.Check().ShouldBeEmpty();
        Incremental.Add(s, checker);
    }

    /// <summary>A system with a derivation chain, a blocked sender with a queued capability, a mapping and a grant table.</summary>
    private static (TestSystem S, ulong Ep, ulong Child, ulong Frame, TaskObject Sender, TaskObject Mapped) Busy()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var child = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMint, Root, ep, Root, child, (ulong)(Rights.Read | Rights.Write), 5);
        var frame = s.Make(ObjectType.Frame);
        var (_, sender) = s.MakeTask();
        s.Call(sender, SyscallNumber.Send, ep, frame, 1, 2, 3, 4);
        var (mslot, mapped) = s.MakeTask();
        s.Ok(SyscallNumber.FrameMap, frame, mslot, 0x4000_0000, (ulong)(Rights.Read | Rights.Write), s.Untyped);
        var gt = s.Make(ObjectType.GrantTable, 1);
        s.Ok(SyscallNumber.TaskConfigure, mslot, Root, NoCap, 100, gt);
        ConsistencyChecker.Check(s.Kernel).ShouldBeEmpty();
        Attach(s);
        return (s, ep, child, frame, sender, mapped);
    }

    /// <summary>
    /// The consistency checker (full and incremental) reports <paramref name="fragment"/>; the
    /// refinement checker, finishing on the planted state, reports <paramref name="invariant"/>
    /// (null: the bug is below the abstraction, no spec invariant sees it).
    /// </summary>
    private static void ShouldReport(TestSystem s, string fragment, string? invariant = null)
    {
        s.ExpectRefinementReport();
        var v = s.Refinement.Finish(s.Kernel);
        if (invariant is null) v.ShouldBeNull($"the refinement checker reported {v?.Clause}: {v?.Message}");
        else v.ShouldNotBeNull($"the refinement checker should report {invariant} at the end").Clause.ShouldBe(invariant);

        var full = ConsistencyChecker.CheckAll(s.Kernel);
        full.ShouldContain(x => x.Contains(fragment, StringComparison.Ordinal), $"expected a violation containing '{fragment}', got: {string.Join(" | ", full)}");
        Incremental.TryGetValue(s, out var checker).ShouldBeTrue("attach the incremental checker before planting the bug");
        var incremental = checker!.Check();
        incremental.ShouldContain(x => x.Contains(fragment, StringComparison.Ordinal), $"the incremental checker should report '{fragment}', got: {string.Join(" | ", incremental)}");
    }

    private static ref CapSlot RootSlot(TestSystem s, ulong i) => ref s.Kernel.Slot(new SlotAddress(s.RootTask.CSpaceRoot.Id, (int)i));

    [Fact]
    public void ABrokenPrevLink()
    {
        var (s, ep, _, _, _, _) = Busy();
        RootSlot(s, ep).Prev = SlotAddress.None;
        ShouldReport(s, ".prev is");
    }

    [Fact]
    public void ADepthJump()
    {
        var (s, _, child, _, _, _) = Busy();
        RootSlot(s, child).Depth += 3;
        ShouldReport(s, "has depth");
    }

    [Fact]
    public void RightsAmplifiedInAChild()
    {
        var (s, _, child, _, _, _) = Busy();
        var grandchild = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, child, Root, grandchild, (ulong)Rights.Read);
        RootSlot(s, grandchild).Cap = RootSlot(s, grandchild).Cap with { Rights = Rights.All };
        ShouldReport(s, "exceed parent rights", "inv.no_rights_amplification.edge_rights_subset");
    }

    [Fact]
    public void ABadgeChangedUnderABadgedParent()
    {
        var (s, _, child, _, _, _) = Busy();
        var grandchild = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, child, Root, grandchild, 7);
        RootSlot(s, grandchild).Cap = RootSlot(s, grandchild).Cap with { Badge = 6 };
        ShouldReport(s, "differs from the parent's", "inv.badges_immutable.edge_badge_inherited");
    }

    [Fact]
    public void ASlotOutsideTheList()
    {
        var (s, _, _, _, _, _) = Busy();
        RootSlot(s, 250).Cap = Capability.To(ObjectType.Console, s.Cap(AbiConstants.SlotConsole).Object);
        ShouldReport(s, "is not in the derivation list");
    }

    [Fact]
    public void AWrongCapabilityCount()
    {
        var (s, ep, _, _, _, _) = Busy();
        s.Object<EndpointObject>(ep).CapCount++;
        ShouldReport(s, "capabilities but");
    }

    [Fact]
    public void OverlappingObjects()
    {
        var (s, _, _, frame, _, _) = Busy();
        var other = s.Make(ObjectType.Frame);
        s.Object<FrameObject>(other).Paddr = s.Object<FrameObject>(frame).Paddr;
        ShouldReport(s, "overlaps", "inv.untyped.children_disjoint");
    }

    [Fact]
    public void AWrongLiveChildrenCount()
    {
        var (s, _, _, _, _, _) = Busy();
        s.Object<UntypedObject>(s.Untyped).LiveChildren++;
        ShouldReport(s, "live children");
    }

    [Fact]
    public void AReadyTaskMissingFromTheQueue()
    {
        var (s, _, _, _, _, mapped) = Busy();
        mapped.State = TaskState.BlockedOnNotification;
        ShouldReport(s, "is in ready queue");
    }

    [Fact]
    public void ABlockedSenderLostFromItsEndpointQueue()
    {
        var (s, ep, _, _, sender, _) = Busy();
        var e = s.Object<EndpointObject>(ep);
        e.Head = -1;
        e.Tail = -1;
        ShouldReport(s, "but in no queue");
    }

    [Fact]
    public void AnInFlightCapabilityOfATaskNotSending()
    {
        var (s, ep, _, _, sender, _) = Busy();
        var e = s.Object<EndpointObject>(ep);
        e.Head = -1;
        e.Tail = -1;
        sender.State = TaskState.Inactive;
        ShouldReport(s, "in-flight capability");
    }

    [Fact]
    public void AMappingWithoutACapability()
    {
        var (s, _, _, frame, _, mapped) = Busy();
        PageTables.MapLeaf(s.Kernel.Memory, mapped.Pml4, 0x4000_1000, s.Object<FrameObject>(frame).Paddr | 7, () => throw new InvalidOperationException("tables exist"));
        s.Kernel.Touched!.AddressSpace(mapped.Id);
        ShouldReport(s, "without a frame capability");
    }

    [Fact]
    public void AWritableMappingThroughAReadOnlyCapability()
    {
        var (s, _, _, frame, _, _) = Busy();
        RootSlot(s, frame).Cap = RootSlot(s, frame).Cap with { Rights = Rights.Read };
        ShouldReport(s, "writable through a read-only", "inv.no_rights_amplification.edge_rights_subset");
    }

    [Fact]
    public void AMappingRecordWithoutAPageTableEntry()
    {
        var (s, _, _, frame, _, mapped) = Busy();
        PageTables.ClearLeaf(s.Kernel.Memory, mapped.Pml4, 0x4000_0000);
        s.Kernel.Touched!.AddressSpace(mapped.Id);
        ShouldReport(s, "frame capabilities record mappings");
    }

    [Fact]
    public void AGrantTableOwnerMismatch()
    {
        var (s, _, _, _, _, mapped) = Busy();
        mapped.GrantTable = ObjectRef.None;
        ShouldReport(s, "which does not name it");
    }

    [Fact]
    public void AReplyWaiterWhoseServerForgotIt()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var (_, server) = s.MakeTask();
        var (_, client) = s.MakeTask();
        s.Call(server, SyscallNumber.Recv, ep, NoCap);
        s.Call(client, SyscallNumber.Call, ep, 0xFFFF_FFFF, 0, 0, 0, 0);
        Attach(s);
        server.ReplyTo = ObjectRef.None;
        ShouldReport(s, "its server cannot give");
    }
}
