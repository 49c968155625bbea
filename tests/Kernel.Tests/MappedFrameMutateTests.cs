using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Checking;
using Verified.Proofs.Refinement;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

/// <summary>
/// Finding F9: a mutate that takes the write right from a frame capability mapped writable is
/// refused (InvalidArgument, divergence D3 with that reason), as taking read from a mapped frame is;
/// it used to succeed, leaving a writable page through a read-only capability.
/// </summary>
public sealed class MappedFrameMutateTests
{
    private const ulong Va = 0x4000_0000;

    private static (TestSystem S, ulong Frame) Mapped(Rights mapping, PlantedFaults? faults = null)
    {
        var s = new TestSystem();
        s.Kernel.Faults = faults;
        var frame = s.Make(ObjectType.Frame);
        var (taskSlot, _) = s.MakeTask();
        s.Ok(SyscallNumber.FrameMap, frame, taskSlot, Va, (ulong)mapping, s.Untyped);
        return (s, frame);
    }

    [Fact]
    public void A_mutate_taking_write_from_a_frame_mapped_writable_is_refused_as_D3()
    {
        var (s, frame) = Mapped(Rights.Read | Rights.Write);
        s.Call(SyscallNumber.CNodeMutate, Root, frame, Root, s.TakeSlot(), (ulong)Rights.Read, 0).Status.ShouldBe(KernelError.InvalidArgument);
        s.Refinement.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
        s.Refinement.Steps[^1].Note.ShouldContain("D3 a frame mapped writable losing write");
        s.Cap(frame).Rights.ShouldBe(Rights.All, "unchanged");
    }

    [Fact]
    public void A_frame_mapped_read_only_may_lose_write()
    {
        var (s, frame) = Mapped(Rights.Read);
        var dst = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMutate, Root, frame, Root, dst, (ulong)Rights.Read, 0);
        s.Refinement.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked, "compared with cap.mutate");
        s.Cap(dst).Rights.ShouldBe(Rights.Read);
    }

    [Fact]
    public void With_the_old_behaviour_the_consistency_checker_reports_a_writable_page_through_a_read_only_capability()
    {
        var (s, frame) = Mapped(Rights.Read | Rights.Write, new PlantedFaults { MutateIgnoresWritableMapping = true });
        // Not s.Call: its consistency check would throw; the report is what is asserted.
        s.Kernel.Syscall(s.RootTask, SyscallNumber.CNodeMutate, [Root, frame, Root, s.TakeSlot(), (ulong)Rights.Read, 0]).Status.ShouldBe(KernelError.Ok);
        // The clause: ConsistencyChecker.CheckAddressSpace — a present leaf has no more rights than the frame capability recording it.
        ConsistencyChecker.Check(s.Kernel).ShouldContain(v => v.Contains($"maps 0x{Va:x} writable through a read-only frame capability", StringComparison.Ordinal));
    }

    [Fact]
    public void A_refusal_without_a_documented_reason_is_no_divergence()
    {
        Divergences.Classify("cap.mutate", "Ok", KernelError.InvalidArgument, unchanged: true, kernelRefusal: null).ShouldBeNull();
        Divergences.Classify("cap.mutate", "Ok", KernelError.InvalidArgument, unchanged: true, kernelRefusal: "a frame mapped writable losing write").ShouldNotBeNull();
    }
}
