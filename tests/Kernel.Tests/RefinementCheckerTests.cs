using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Objects;
using Verified.Proofs.Refinement;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

/// <summary>
/// The refinement checker is on in these tests (<see cref="RefinementOn"/>), and its shortcuts are
/// seen to bite: a corruption made between syscalls, in a part no syscall touches, is caught.
/// </summary>
public sealed class RefinementCheckerTests
{
    [Fact]
    public void Every_test_system_checks_its_syscalls_against_the_spec()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        for (var i = 0; i < RefinementOn.CrossCheckEvery; i++)
        {
            s.Ok(SyscallNumber.CNodeMint, Root, ep, Root, s.TakeSlot(), (ulong)Rights.Read, (ulong)i + 1);
        }

        RefinementOn.Of(s.Kernel).ShouldBeSameAs(s.Refinement);
        s.Refinement.CheckedCount.ShouldBeGreaterThanOrEqualTo(RefinementOn.CrossCheckEvery, "each mint was compared with cap.mint");
        s.Refinement.CrossChecks.ShouldBeGreaterThan(0, "the shortcuts were cross-checked");
        s.Refinement.Violation.ShouldBeNull();
    }

    // A child with more rights than its (read-only) parent, written straight into the kernel between syscalls.
    private static (TestSystem S, ulong Child) AmplifiedChild(ShortcutFaults? shortcuts, int crossCheckEvery)
    {
        var s = new TestSystem();
        var checker = RefinementChecker.Attach(s.Kernel, new RefinementChecker { CrossCheckEvery = crossCheckEvery, Shortcuts = shortcuts });
        var ep = s.Make(ObjectType.Endpoint);
        var parent = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMint, Root, ep, Root, parent, (ulong)Rights.Read, 5);
        var child = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, parent, Root, child, (ulong)Rights.Read);
        checker.Violation.ShouldBeNull();
        ref var slot = ref s.Kernel.Slot(new SlotAddress(s.RootTask.CSpaceRoot.Id, (int)child));
        slot.Cap = slot.Cap with { Rights = Rights.All };
        s.Kernel.Syscall(s.RootTask, SyscallNumber.Null, []); // a syscall touching nothing
        return (s, child);
    }

    [Fact]
    public void A_corruption_between_syscalls_is_caught_at_the_next_syscall()
    {
        var (s, _) = AmplifiedChild(null, 0);
        var checker = RefinementOn.Of(s.Kernel);
        checker.Violation.ShouldNotBeNull().Clause.ShouldBe("inv.no_rights_amplification.edge_rights_subset");
        checker.Violation.Property.ShouldBe("invariant");
    }

    [Fact]
    public void A_checker_trusting_the_pre_state_misses_it_and_the_cross_check_reports_it()
    {
        var trust = new ShortcutFaults { TrustPreState = true };
        RefinementOn.Of(AmplifiedChild(trust, 0).S.Kernel).Violation.ShouldBeNull("the planted shortcut hides the corruption");
        var (s, _) = AmplifiedChild(trust, 1000);
        var v = RefinementOn.Of(s.Kernel).Finish(s.Kernel).ShouldNotBeNull();
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("inv.no_rights_amplification.edge_rights_subset");
    }

    [Fact]
    public void An_abstraction_skipping_a_kernel_whose_image_misses_the_capabilities_is_reported_by_the_cross_check()
    {
        // The corruption changes a capability's rights only: an image without capability contents
        // looks unchanged, so the abstraction keeps its old state at the next syscall.
        var planted = new ShortcutFaults { ImageMissesCapabilities = true };
        RefinementOn.Of(AmplifiedChild(planted, 0).S.Kernel).Violation.ShouldBeNull("the planted shortcut hides the corruption");
        var (s, _) = AmplifiedChild(planted, 1000);
        var v = RefinementOn.Of(s.Kernel).Finish(s.Kernel).ShouldNotBeNull();
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("abstraction.incremental");
    }

    [Fact]
    public void The_checkers_walk_of_a_cyclic_derivation_list_stops_where_the_kernels_walk_stops()
    {
        // The checker follows the list without the set of visited slots the kernel's walk keeps
        // under a planted fault (the only way to a cycle); a walk longer than there are slots falls
        // back to the kernel's. Here a later slot is linked back to an earlier one.
        var s = new TestSystem();
        s.Make(ObjectType.Endpoint);
        s.Make(ObjectType.Notification);
        s.Kernel.Faults = new PlantedFaults();
        var order = s.Kernel.MdbOrder().ToList();
        order.Count.ShouldBeGreaterThan(3);
        var clean = Abstraction.OccupiedSlots(s.Kernel, new List<SlotAddress>());
        clean.ShouldBe(order);
        ref var last = ref s.Kernel.Slot(order[^1]);
        var next = last.Next;
        last.Next = order[1];
        try
        {
            var cyclic = Abstraction.OccupiedSlots(s.Kernel, new List<SlotAddress>());
            cyclic.ShouldBe(s.Kernel.MdbOrder().ToList());
            cyclic.Count.ShouldBe(order.Count, "the kernel's walk stops at the revisited slot");

            // With no fault object the kernel's own walk keeps no set (it would not end here);
            // the checker's walk must still stop, at the same slot.
            s.Kernel.Faults = null;
            Abstraction.OccupiedSlots(s.Kernel, new List<SlotAddress>()).ShouldBe(cyclic);
        }
        finally
        {
            last.Next = next;
        }
    }

    [Fact]
    public void An_abstraction_comparing_slots_without_their_capabilities_is_reported_by_the_cross_check()
    {
        // The corruption changes a capability's rights in place: the image differs, but a per-slot
        // comparison seeing only the slot and the capability's identity re-reads nothing.
        var planted = new ShortcutFaults { SlotDiffIgnoresContents = true };
        RefinementOn.Of(AmplifiedChild(planted, 0).S.Kernel).Violation.ShouldBeNull("the planted shortcut hides the corruption");
        var (s, _) = AmplifiedChild(planted, 1000);
        var v = RefinementOn.Of(s.Kernel).Finish(s.Kernel).ShouldNotBeNull();
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("abstraction.incremental");
        v.Message.ShouldContain("CapRights");
    }
}

/// <summary>Divergence D3 on the kernel's other documented refusal: a mutate that would take the read right from a mapped frame.</summary>
public sealed class RefinementDivergenceTests
{
    [Fact]
    public void A_mutate_taking_read_from_a_mapped_frame_is_refused_as_divergence_D3()
    {
        var s = new TestSystem();
        var frame = s.Make(ObjectType.Frame);
        var (taskSlot, _) = s.MakeTask();
        s.Ok(SyscallNumber.FrameMap, frame, taskSlot, 0x4000_0000, (ulong)(Rights.Read | Rights.Write), s.Untyped);
        s.Call(SyscallNumber.CNodeMutate, Root, frame, Root, s.TakeSlot(), (ulong)Rights.Write, 0).Status.ShouldBe(KernelError.InvalidArgument);
        s.Refinement.Steps[^1].Verdict.ShouldBe(Proofs.Refinement.StepVerdict.Divergence);
        s.Refinement.Steps[^1].Note.ShouldContain("D3 a mapped frame losing read");
        s.Ok(SyscallNumber.CNodeMutate, Root, frame, Root, s.TakeSlot(), (ulong)(Rights.Read | Rights.Write), 0);
        s.Refinement.Steps[^1].Verdict.ShouldBe(Proofs.Refinement.StepVerdict.Checked, "keeping the mapping's access is allowed and compared with cap.mutate");
    }
}

/// <summary>The checkers of a test are finished at its end (<see cref="FinishRefinementAttribute"/>): changes after the last syscall are checked.</summary>
public sealed class RefinementFinishTests
{
    [Fact]
    public void Every_checker_attached_in_a_test_is_finished_at_its_end()
    {
        var s = new TestSystem();
        RefinementOn.AttachedInThisTest.ShouldContain(s.Refinement, "the end-of-test hook will finish this checker");
        s.Make(ObjectType.Endpoint);
        RefinementOn.FinishTest();
        RefinementOn.AttachedInThisTest.ShouldBeEmpty("finished checkers are forgotten");
    }

    // After the last syscall: a child with more rights than its read-only parent, written straight into the kernel.
    private static void AmplifyAfterTheLastSyscall(TestSystem s)
    {
        var ep = s.Make(ObjectType.Endpoint);
        var parent = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMint, Root, ep, Root, parent, (ulong)Rights.Read, 5);
        var child = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, parent, Root, child, (ulong)Rights.Read);
        ref var slot = ref s.Kernel.Slot(new SlotAddress(s.RootTask.CSpaceRoot.Id, (int)child));
        slot.Cap = slot.Cap with { Rights = Rights.All };
        s.Refinement.Violation.ShouldBeNull("no syscall saw the change");
    }

    [Fact]
    public void A_change_after_the_last_syscall_that_breaks_an_invariant_fails_the_test_at_its_end()
    {
        var s = new TestSystem();
        AmplifyAfterTheLastSyscall(s);
        var e = Should.Throw<RefinementException>(RefinementOn.FinishTest);
        e.Violation.Property.ShouldBe("invariant");
        e.Violation.Clause.ShouldBe("inv.no_rights_amplification.edge_rights_subset");
    }

    [Fact]
    public void A_new_violation_at_the_end_fails_a_test_that_expected_a_report()
    {
        var s = new TestSystem();
        s.ExpectRefinementReport();
        AmplifyAfterTheLastSyscall(s);
        Should.Throw<RefinementException>(RefinementOn.FinishTest).Violation.Property.ShouldBe("invariant");
    }
}

/// <summary>
/// Kernel-vs-spec disagreements found by turning the checker on in the kernel tests, now fixed:
/// each test shows the fixed behaviour compared with the spec, and the old kernel behaviour (a
/// planted fault, <see cref="Finding"/>) caught.
/// </summary>
public sealed class RefinementFindingTests
{
    /// <summary>
    /// Finding F4 (fixed): the kernel reset an untyped's watermark when its last child died, which no
    /// spec step does. Now deletions keep the watermark (as the spec keeps UtFree) and a retype from
    /// an untyped without a live child starts at its base, as cap.retype does (seL4 resets the untyped there).
    /// </summary>
    [Fact]
    public void An_untyped_keeps_its_watermark_when_its_last_child_dies_and_retype_starts_again_at_its_base()
    {
        var s = new TestSystem();
        var small = s.Make(ObjectType.Untyped, 14);
        var untyped = s.Object<UntypedObject>(small);
        var ep = s.TakeSlot();
        s.Ok(SyscallNumber.UntypedRetype, small, (ulong)ObjectType.Endpoint, 0, Root, ep, 1);
        var watermark = untyped.Watermark;
        watermark.ShouldBeGreaterThan(0UL);
        s.Ok(SyscallNumber.CNodeDelete, Root, ep);
        untyped.Watermark.ShouldBe(watermark, "cap.delete keeps UtFree");
        s.Ok(SyscallNumber.UntypedRetype, small, (ulong)ObjectType.Frame, 0, Root, ep, 1);
        s.Object<FrameObject>(ep).Paddr.ShouldBe(untyped.Paddr, "no child alive: cap.retype places the object at the base");
        s.Refinement.Violation.ShouldBeNull();
        s.Refinement.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked, "compared with cap.retype exactly");
        var second = s.TakeSlot();
        s.Ok(SyscallNumber.UntypedRetype, small, (ulong)ObjectType.Frame, 0, Root, second, 1);
        s.Object<FrameObject>(second).Paddr.ShouldBe(untyped.Paddr + 4096, "a child alive: at the watermark");
        s.Refinement.Violation.ShouldBeNull();
    }

    /// <summary>The old behaviour of F4 (the reset at the last child's death, planted) is caught by the checker.</summary>
    [Fact]
    public void The_old_watermark_reset_at_the_last_childs_death_is_caught()
    {
        var s = new TestSystem();
        s.ExpectRefinementReport(); // the checker reports the planted fault Finding.PlantedResetAtLastChildDeath
        s.Kernel.Faults = new PlantedFaults { ResetWatermarkWhenLastChildDies = true };
        var ep = s.Make(ObjectType.Endpoint);
        s.Ok(SyscallNumber.CNodeDelete, Root, ep);
        s.ShouldHaveReported(Finding.PlantedResetAtLastChildDeath);
    }

    /// <summary>
    /// Finding F5 (fixed): an indirect grant kept only an offset into its source, and the
    /// abstraction followed the chain, so revoking a source changed the derived grants' abstract
    /// GrBase (and GrDepth) where grant.revoke keeps them. The kernel now records an indirect
    /// grant's absolute base and depth at creation; each revoke is compared with grant.revoke exactly.
    /// </summary>
    [Fact]
    public void Revoking_a_grant_leaves_the_base_and_depth_of_the_indirect_grants_derived_from_it()
    {
        var (s, t) = GrantTests.Setup();
        var h0 = s.Call(t[0], SyscallNumber.GrantCreate, t[1].Ref.Packed, GrantTests.Buffer, 64, (ulong)(GrantAccess.Read | GrantAccess.Write)).Result0;
        var h1 = s.Call(t[1], SyscallNumber.GrantCreateIndirect, t[2].Ref.Packed, t[0].Ref.Packed, h0, 6, 40, (ulong)GrantAccess.Read).Result0;
        var h2 = s.Call(t[2], SyscallNumber.GrantCreateIndirect, t[0].Ref.Packed, t[1].Ref.Packed, h1, 10, 4, (ulong)GrantAccess.Read);
        h2.Status.ShouldBe(KernelError.Ok);
        GrantEntry Entry(TaskObject owner, ulong handle) => s.Kernel.Objects.Resolve<GrantTableObject>(owner.GrantTable)!.View[(int)(handle & 0xFFFF_FFFF)];
        var derived = Entry(t[2], h2.Result0);
        derived.AbsoluteBase.ShouldBe(GrantTests.Buffer + 16, "6 + 10 into t0's range");
        derived.Depth.ShouldBe(2);

        s.Call(t[1], SyscallNumber.GrantRevoke, h1).Status.ShouldBe(KernelError.Ok);
        s.Refinement.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked, "grant.revoke keeps every other grant's GrBase and GrDepth");
        s.Call(t[0], SyscallNumber.GrantRevoke, h0).Status.ShouldBe(KernelError.Ok);
        s.Refinement.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        Entry(t[2], h2.Result0).ShouldBe(derived, "the derived grant's entry is untouched");
        s.Call(t[0], SyscallNumber.SafeCopyFrom, t[2].Ref.Packed, h2.Result0, 0, GrantTests.Buffer + 200, 4).Status
            .ShouldBe(KernelError.GrantInvalid, "the access decision still follows the chain: a revoked link refuses");
        s.Refinement.Violation.ShouldBeNull();
    }
}
