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
}

/// <summary>
/// Kernel-vs-spec disagreements found by turning the checker on in the kernel tests, pinned until
/// the kernel or the spec changes (then these tests fail and must be updated): see <see cref="Finding"/>.
/// </summary>
public sealed class RefinementFindingTests
{
    [Fact]
    public void Finding_F4_the_kernel_resets_an_untyped_watermark_when_its_last_child_dies()
    {
        var s = new TestSystem();
        s.ExpectRefinementReport();
        var untyped = s.Object<UntypedObject>(s.Untyped);
        var ep = s.Make(ObjectType.Endpoint);
        untyped.Watermark.ShouldBeGreaterThan(0UL);
        s.Ok(SyscallNumber.CNodeDelete, Root, ep);
        untyped.Watermark.ShouldBe(0UL, "the kernel: no child alive, the memory is free again");
        s.ShouldHaveReported(Finding.UntypedWatermarkReset);
    }

    [Fact]
    public void Finding_F5_revoking_a_grant_changes_the_abstract_base_of_an_indirect_grant_derived_from_it()
    {
        var (s, t) = GrantTests.Setup();
        s.ExpectRefinementReport();
        var h0 = s.Call(t[0], SyscallNumber.GrantCreate, t[1].Ref.Packed, GrantTests.Buffer, 64, (ulong)(GrantAccess.Read | GrantAccess.Write)).Result0;
        s.Call(t[1], SyscallNumber.GrantCreateIndirect, t[2].Ref.Packed, t[0].Ref.Packed, h0, 6, 4, (ulong)GrantAccess.Read).Status.ShouldBe(KernelError.Ok);
        s.Refinement.Violation.ShouldBeNull();
        s.Call(t[0], SyscallNumber.GrantRevoke, h0).Status.ShouldBe(KernelError.Ok);
        s.ShouldHaveReported(Finding.IndirectGrantBaseAfterSourceRevoke);
    }
}
