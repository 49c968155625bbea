using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Proofs.Refinement;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

public sealed class CNodeTests
{
    [Fact]
    public void CopyMakesAChildWithMaskedRights()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var copy = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, ep, Root, copy, (ulong)Rights.Read);
        s.Cap(copy).Rights.ShouldBe(Rights.Read);
        s.Cap(copy).Object.ShouldBe(s.Cap(ep).Object);
        var parent = s.Kernel.Parent(new SlotAddress(s.RootTask.CSpaceRoot.Id, (int)copy));
        parent.ShouldBe(new SlotAddress(s.RootTask.CSpaceRoot.Id, (int)ep));
        s.Object<EndpointObject>(ep).CapCount.ShouldBe(2);
    }

    [Fact]
    public void RightsNeverGrowAlongDerivation()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var weak = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, ep, Root, weak, (ulong)Rights.Read);
        var again = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, weak, Root, again, (ulong)Rights.All);
        s.Cap(again).Rights.ShouldBe(Rights.Read);
    }

    [Fact]
    public void MintSetsABadgeOnceOnly()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var badged = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMint, Root, ep, Root, badged, (ulong)Rights.All, 42);
        s.Cap(badged).Badge.ShouldBe(42UL);
        var rebadge = s.TakeSlot();
        s.Call(SyscallNumber.CNodeMint, Root, badged, Root, rebadge, (ulong)Rights.All, 7).Status.ShouldBe(KernelError.BadgeAlreadySet);
        s.Ok(SyscallNumber.CNodeMint, Root, badged, Root, rebadge, (ulong)Rights.All, 0);
        s.Cap(rebadge).Badge.ShouldBe(42UL, "a zero badge request keeps the badge");
    }

    [Fact]
    public void MintABadgeOnAFrameIsRefused()
    {
        var s = new TestSystem();
        var frame = s.Make(ObjectType.Frame);
        s.Call(SyscallNumber.CNodeMint, Root, frame, Root, s.TakeSlot(), (ulong)Rights.All, 1).Status.ShouldBe(KernelError.InvalidArgument);
    }

    [Fact]
    public void CopyErrorPaths()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var dst = s.TakeSlot();
        s.Call(SyscallNumber.CNodeCopy, Root, 200, Root, dst, 7).Status.ShouldBe(KernelError.InvalidCapability, "empty source");
        s.Call(SyscallNumber.CNodeCopy, Root, 100000, Root, dst, 7).Status.ShouldBe(KernelError.InvalidArgument, "index out of range");
        s.Call(SyscallNumber.CNodeCopy, 250, ep, Root, dst, 7).Status.ShouldBe(KernelError.InvalidCapability, "no CNode capability");
        s.Call(SyscallNumber.CNodeCopy, ep, 0, Root, dst, 7).Status.ShouldBe(KernelError.InvalidCapability, "not a CNode");
        s.Call(SyscallNumber.CNodeCopy, Root, ep, Root, ep, 7).Status.ShouldBe(KernelError.SlotOccupied);
        s.Call(SyscallNumber.CNodeCopy, Root, ep, Root, AbiConstants.SlotRootTask, 7).Status.ShouldBe(KernelError.SlotOccupied);
    }

    [Fact]
    public void MoveKeepsThePositionInTheTree()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var child = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, ep, Root, child, 7);
        var moved = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMove, Root, ep, Root, moved);
        s.Cap(ep).IsNull.ShouldBeTrue();
        var cn = s.RootTask.CSpaceRoot.Id;
        s.Kernel.Parent(new SlotAddress(cn, (int)child)).ShouldBe(new SlotAddress(cn, (int)moved));
        s.Call(SyscallNumber.CNodeMove, Root, ep, Root, s.TakeSlot()).Status.ShouldBe(KernelError.InvalidCapability);
        s.Call(SyscallNumber.CNodeMove, Root, moved, Root, child).Status.ShouldBe(KernelError.SlotOccupied);
    }

    [Fact]
    public void MutateShrinksRightsAndBadgesOnce()
    {
        var s = new TestSystem();
        var n = s.Make(ObjectType.Notification);
        var to = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMutate, Root, n, Root, to, (ulong)Rights.Write, 5);
        s.Cap(to).Rights.ShouldBe(Rights.Write);
        s.Cap(to).Badge.ShouldBe(5UL);
        s.Call(SyscallNumber.CNodeMutate, Root, to, Root, s.TakeSlot(), (ulong)Rights.All, 9).Status.ShouldBe(KernelError.BadgeAlreadySet);
    }

    [Fact]
    public void MutateOfACapabilityWithChildrenIsRefused()
    {
        // spec: cap.mutate (HasChildren): a parent's new mask could leave a child above it (finding F1).
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var child = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, ep, Root, child, (ulong)Rights.All);
        var to = s.TakeSlot();
        s.Call(SyscallNumber.CNodeMutate, Root, ep, Root, to, (ulong)Rights.Read, 0).Status.ShouldBe(KernelError.RevokeFirst);
        s.Cap(ep).Rights.ShouldBe(Rights.All);
        s.Cap(to).IsNull.ShouldBeTrue();
        s.Ok(SyscallNumber.CNodeDelete, Root, child);
        s.Ok(SyscallNumber.CNodeMutate, Root, ep, Root, to, (ulong)Rights.Read, 0);
        s.Cap(to).Rights.ShouldBe(Rights.Read);
    }

    [Fact]
    public void DeletingTheLastCapabilityFinalisesTheObject()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var obj = s.Object<EndpointObject>(ep);
        var copy = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, ep, Root, copy, 7);
        s.Ok(SyscallNumber.CNodeDelete, Root, copy);
        obj.IsLive.ShouldBeTrue("one capability remains");
        s.Ok(SyscallNumber.CNodeDelete, Root, ep);
        obj.IsLive.ShouldBeFalse();
        s.Call(SyscallNumber.CNodeDelete, Root, ep).Status.ShouldBe(KernelError.InvalidCapability);
    }

    [Fact]
    public void DeletingAParentIsRefusedWhileItHasChildren()
    {
        // spec: cap.delete (HasChildren), finding F3: revoke first, so an object never has two roots.
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var a = s.TakeSlot();
        var b = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, ep, Root, a, 7);
        s.Ok(SyscallNumber.CNodeCopy, Root, a, Root, b, 7);
        s.Call(SyscallNumber.CNodeDelete, Root, a).Status.ShouldBe(KernelError.RevokeFirst);
        s.Ok(SyscallNumber.CNodeRevoke, Root, a);
        s.Ok(SyscallNumber.CNodeDelete, Root, a);
        s.Cap(b).IsNull.ShouldBeTrue();
    }

    [Fact]
    public void AnInternalDeletionLiftsChildren()
    {
        // Deletions inside the kernel (a finalised CNode's slots) still splice a node out and lift
        // its children one level; the old lifting delete (planted) shows it through the ABI.
        var s = new TestSystem();
        s.ExpectRefinementReport(); // the checker reports the planted fault Finding.PlantedDeleteLiftsChildren
        s.Kernel.Faults = new PlantedFaults { DeleteLiftsChildren = true };
        var ep = s.Make(ObjectType.Endpoint);
        var a = s.TakeSlot();
        var b = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, ep, Root, a, 7);
        s.Ok(SyscallNumber.CNodeCopy, Root, a, Root, b, 7);
        s.Ok(SyscallNumber.CNodeDelete, Root, a);
        var cn = s.RootTask.CSpaceRoot.Id;
        s.Kernel.Parent(new SlotAddress(cn, (int)b)).ShouldBe(new SlotAddress(cn, (int)ep));
        s.ShouldHaveReported(Finding.PlantedDeleteLiftsChildren);
    }

    [Fact]
    public void RevokeDeletesEveryDescendantAndRestartsBetweenBatches()
    {
        var s = new TestSystem();
        s.Kernel.RevokeDeletionsPerEntry = 2;
        var ep = s.Make(ObjectType.Endpoint);
        var children = new List<ulong>();
        var from = ep;
        for (var i = 0; i < 7; i++)
        {
            var c = s.TakeSlot();
            s.Ok(SyscallNumber.CNodeCopy, Root, i % 2 == 0 ? ep : from, Root, c, 7);
            children.Add(c);
            from = c;
        }

        var entries = 0;
        SyscallOutcome o;
        do
        {
            o = s.Call(SyscallNumber.CNodeRevoke, Root, ep);
            entries++;
        }
        while (o.Restarted);

        o.Status.ShouldBe(KernelError.Ok);
        entries.ShouldBe(4, "7 deletions, 2 per entry");
        children.ShouldAllBe(c => s.Cap(c).IsNull);
        s.Cap(ep).IsNull.ShouldBeFalse("revoke keeps the capability itself");
        s.Object<EndpointObject>(ep).CapCount.ShouldBe(1);
    }

    [Fact]
    public void RevokeErrorPaths()
    {
        var s = new TestSystem();
        s.Call(SyscallNumber.CNodeRevoke, Root, 200).Status.ShouldBe(KernelError.InvalidCapability);
        s.Call(SyscallNumber.CNodeRevoke, Root, 1 << 20).Status.ShouldBe(KernelError.InvalidArgument);
        s.Call(SyscallNumber.CNodeDelete, 999, 0).Status.ShouldBe(KernelError.InvalidCapability);
    }

    [Fact]
    public void CapIdentifyReportsTypeRightsAndBadge()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var m = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMint, Root, ep, Root, m, (ulong)Rights.Write, 77);
        var o = s.Ok(SyscallNumber.CapIdentify, Root, m);
        (o.Result0, o.Result1, o.Result2).ShouldBe(((ulong)ObjectType.Endpoint, (ulong)Rights.Write, 77UL));
        s.Ok(SyscallNumber.CapIdentify, Root, s.TakeSlot()).Result0.ShouldBe(0UL);
    }

    [Fact]
    public void ACNodeHoldingItsOwnOnlyCapabilityIsReclaimedByRevokingTheUntyped()
    {
        var s = new TestSystem();
        var cn = s.Make(ObjectType.CNode, 2);
        var cnode = s.Object<CNodeObject>(cn);
        s.Ok(SyscallNumber.CNodeMove, Root, cn, cn, 0);
        cnode.IsLive.ShouldBeTrue();
        SyscallOutcome o;
        do
        {
            o = s.Call(SyscallNumber.CNodeRevoke, Root, s.Untyped);
        }
        while (o.Restarted);

        cnode.IsLive.ShouldBeFalse();
    }

    // Three objects from the untyped, the CNode in the middle holding a capability that does not
    // descend from the untyped (a copy of the root CNode's capability). Derivation list after the
    // untyped: second endpoint, CNode, first endpoint (each retype inserts a first child).
    private static (TestSystem S, ulong First, ulong CNode, ulong Second) UntypedWithANonEmptyCNode(PlantedFaults? faults)
    {
        var s = new TestSystem();
        s.Kernel.Faults = faults;
        var first = s.Make(ObjectType.Endpoint);
        var cn = s.Make(ObjectType.CNode, 2);
        var second = s.Make(ObjectType.Endpoint);
        s.Ok(SyscallNumber.CNodeCopy, Root, Root, cn, 1, (ulong)Rights.All);
        return (s, first, cn, second);
    }

    private static SyscallOutcome RevokeWhole(TestSystem s, ulong slot)
    {
        SyscallOutcome o;
        do
        {
            o = s.Call(SyscallNumber.CNodeRevoke, Root, slot);
        }
        while (o.Restarted);

        return o;
    }

    [Fact]
    public void RevokeStopsWithNotEmptyAtTheLastCapabilityToACNodeThatHoldsCapabilities()
    {
        // Finding F7 (fixed): the spec's cap.revoke_step refuses such a victim (NotEmpty); there is
        // no recursive finalisation. The deletions before it stay done, the rest stays in place.
        var (s, first, cn, second) = UntypedWithANonEmptyCNode(null);
        var cnode = s.Object<CNodeObject>(cn);
        RevokeWhole(s, s.Untyped).Status.ShouldBe(KernelError.NotEmpty);
        s.Cap(second).IsNull.ShouldBeTrue("the leaf before the CNode was deleted");
        s.Cap(cn).IsNull.ShouldBeFalse();
        cnode.IsLive.ShouldBeTrue();
        cnode.Slots[1].Cap.IsNull.ShouldBeFalse("the CNode's contents are untouched");
        s.Cap(first).IsNull.ShouldBeFalse("the revoke stopped at the CNode");
        s.Refinement.Violation.ShouldBeNull();
        s.Refinement.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        s.Refinement.Steps[^1].Note.ShouldContain("-> NotEmpty", Case.Sensitive, "the checker matched the stop with a refusing cap.revoke_step");
    }

    [Fact]
    public void TheOldRevokeThatFinalisesANonEmptyCNodeIsCaughtByTheChecker()
    {
        var (s, first, cn, _) = UntypedWithANonEmptyCNode(new PlantedFaults { RevokeFinalisesNonEmptyCNode = true });
        s.ExpectRefinementReport(); // the checker reports the planted fault Finding.PlantedRevokeFinalisesNonEmptyCNode
        var cnode = s.Object<CNodeObject>(cn);
        RevokeWhole(s, s.Untyped).Status.ShouldBe(KernelError.Ok);
        cnode.IsLive.ShouldBeFalse();
        s.Cap(first).IsNull.ShouldBeTrue();
        s.ShouldHaveReported(Finding.PlantedRevokeFinalisesNonEmptyCNode);
    }

    [Fact]
    public void MutateOfAParentAskingForABadgeOnATypeWithoutBadgesIsRevokeFirst()
    {
        // Finding F10 (found by the refinement-checked random x86 tasks at about step 13,500): the
        // kernel refused the badge (InvalidArgument, a type the spec does not have) before the
        // descendants, where the spec's cap.mutate refuses HasChildren. Both refused; the kernel now
        // checks descendants first, so its error is the spec's.
        var s = new TestSystem();
        var frame = s.Make(ObjectType.Frame);
        var child = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, frame, Root, child, (ulong)Rights.Read);
        s.Call(SyscallNumber.CNodeMutate, Root, frame, Root, s.TakeSlot(), (ulong)Rights.Read, 3).Status.ShouldBe(KernelError.RevokeFirst);
        s.Refinement.Violation.ShouldBeNull();
        s.Refinement.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked, "compared with cap.mutate's HasChildren");
        s.Call(SyscallNumber.CNodeMutate, Root, child, Root, s.TakeSlot(), (ulong)Rights.Read, 3).Status
            .ShouldBe(KernelError.InvalidArgument, "without descendants the badge on a frame is still refused (D3)");
    }

    [Fact]
    public void RevokeMayDeleteACNodesContentsBeforeAShallowerCapabilityToIt()
    {
        // The CNode's only capability and the endpoint retyped into the CNode are both children of
        // the untyped (depth 1). The kernel deletes the endpoint's capability first (its list order);
        // the checker must find that order, not try the CNode's capability first by id (NotEmpty).
        // Found by the refinement-checked random x86 tasks at about step 31,700.
        var s = new TestSystem();
        var small = s.Make(ObjectType.Untyped, 14);
        var cn = s.TakeSlot();
        s.Ok(SyscallNumber.UntypedRetype, small, (ulong)ObjectType.CNode, 2, Root, cn, 1);
        s.Ok(SyscallNumber.UntypedRetype, small, (ulong)ObjectType.Endpoint, 0, cn, 0, 1);
        var cnode = s.Object<CNodeObject>(cn);
        RevokeWhole(s, small).Status.ShouldBe(KernelError.Ok);
        cnode.IsLive.ShouldBeFalse();
        s.Refinement.Violation.ShouldBeNull();
        s.Refinement.Steps.Where(st => st.Note.StartsWith("cap.revoke(", StringComparison.Ordinal)).ShouldAllBe(st => st.Verdict == StepVerdict.Checked);
        s.Refinement.Steps.ShouldContain(st => st.Note.EndsWith("= 2 x cap.revoke_step", StringComparison.Ordinal), "both deletions were compared");
    }
}
