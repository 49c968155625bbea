using Shouldly;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// Stutter steps: syscalls whose whole effect is outside the abstract state must leave it equal
/// (the spec's identity transition, clause stutter.&lt;syscall&gt;.state). Workload layout, root
/// CNode from the first free slot: +0,+1 tasks, +2 CNode, +3,+4 endpoints, +5 notification,
/// +6,+7 grant tables.
/// </summary>
public sealed class StutterTests(ITestOutputHelper output)
{
    private const ulong Root = AbiConstants.SlotRootCNode;
    private const ulong UserVa = 0x0050_0000;

    private static (Workload W, TaskObject T, ulong First, ulong Untyped) Start(PlantedFaults? faults = null)
    {
        var w = new Workload(faults, check: true);
        return (w, w.Tasks[0], (ulong)w.Booted.FirstFreeSlot, w.Checker!.Steps[0].Args[0]);
    }

    private void Show(Workload w, int last) => output.WriteLine(string.Join("\n", w.Checker!.Steps.TakeLast(last).Select(s => $"{s.Verdict} {s.Status}: {s.Note}")));

    [Fact]
    public void Stutter_syscalls_are_checked_as_the_identity_transition()
    {
        var (w, root, first, ut) = Start();
        var k = w.Kernel;
        k.Syscall(root, SyscallNumber.Null);
        k.Syscall(root, SyscallNumber.Yield);
        k.Syscall(root, SyscallNumber.TaskId, AbiConstants.NoCap);
        k.Syscall(root, SyscallNumber.CapIdentify, Root, first + 3).Status.ShouldBe(KernelError.Ok);
        k.Syscall(root, SyscallNumber.TaskReadRegister, first, 0).Status.ShouldBe(KernelError.Ok);
        k.Syscall(root, SyscallNumber.TaskWriteRegister, first, 0, 5).Status.ShouldBe(KernelError.Ok);
        k.Syscall(root, SyscallNumber.Signal, first + 5).Status.ShouldBe(KernelError.Ok);
        k.Syscall(root, SyscallNumber.Wait, first + 5).Status.ShouldBe(KernelError.Ok); // the word is set: no blocking
        k.Syscall(root, SyscallNumber.Poll, first + 5).Status.ShouldBe(KernelError.Ok);
        k.Syscall(root, SyscallNumber.Signal, first + 3).Status.ShouldBe(KernelError.InvalidCapability); // an endpoint
        k.Syscall(root, SyscallNumber.Reply, 0, 0xFFFF_FFFF).Status.ShouldBe(KernelError.NoReplyTarget);
        k.Syscall(root, SyscallNumber.UntypedRetype, ut, (ulong)ObjectType.Frame, 0, Root, first + 9, 1).Status.ShouldBe(KernelError.Ok);
        k.Syscall(root, SyscallNumber.FrameUnmap, first + 9).Status.ShouldBe(KernelError.NotMapped);
        Show(w, 13);
        w.Checker!.Violation.ShouldBeNull();
        var steps = w.Checker.Steps.TakeLast(13).Where(s => s.Number != (long)SyscallNumber.UntypedRetype).ToList();
        steps.ShouldAllBe(s => s.Verdict == StepVerdict.Checked && s.Note.StartsWith("stutter."));
    }

    [Fact]
    public void Frame_map_with_page_tables_from_an_untyped_is_D11_and_unmap_a_stutter()
    {
        var (w, root, first, ut) = Start();
        var k = w.Kernel;
        k.Syscall(root, SyscallNumber.UntypedRetype, ut, (ulong)ObjectType.Frame, 0, Root, first + 9, 1).Status.ShouldBe(KernelError.Ok);
        k.Syscall(root, SyscallNumber.FrameMap, first + 9, first, UserVa, (ulong)Rights.Read, ut).Status.ShouldBe(KernelError.Ok);
        k.Syscall(root, SyscallNumber.FrameUnmap, first + 9).Status.ShouldBe(KernelError.Ok);
        Show(w, 2);
        w.Checker!.Violation.ShouldBeNull();
        var steps = w.Checker.Steps;
        steps[^2].Verdict.ShouldBe(StepVerdict.Divergence); // a fresh task has no page tables: they come from the untyped
        steps[^2].Note.ShouldContain("D11");
        steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        steps[^1].Note.ShouldStartWith("stutter.FrameUnmap");
    }

    [Fact]
    public void Frame_map_takes_page_tables_above_the_watermark_of_an_untyped_whose_children_all_died()
    {
        var (w, root, first, ut) = Start();
        var k = w.Kernel;
        k.Syscall(root, SyscallNumber.UntypedRetype, ut, (ulong)ObjectType.Frame, 0, Root, first + 9, 1).Status.ShouldBe(KernelError.Ok);
        k.Syscall(root, SyscallNumber.UntypedRetype, ut, (ulong)ObjectType.Untyped, 16, Root, first + 10, 1).Status.ShouldBe(KernelError.Ok);
        // Eight frames from the child untyped raise its watermark to 32 KiB; deleting them leaves it there (F4).
        k.Syscall(root, SyscallNumber.UntypedRetype, first + 10, (ulong)ObjectType.Frame, 0, Root, first + 11, 8).Status.ShouldBe(KernelError.Ok);
        for (ulong i = 0; i < 8; i++) k.Syscall(root, SyscallNumber.CNodeDelete, Root, first + 11 + i).Status.ShouldBe(KernelError.Ok);
        var cnode = k.Objects.Resolve<CNodeObject>(root.CSpaceRoot).ShouldNotBeNull();
        var child = k.Objects.Resolve<UntypedObject>(cnode.View[(int)(first + 10)].Cap.Object).ShouldNotBeNull();
        child.Watermark.ShouldBe(8 * 4096UL);
        // The fresh task has no page tables: the kernel takes them from the child untyped, above the
        // watermark (a reset here, outside cap.retype, was a false stutter.FrameMap.state report).
        k.Syscall(root, SyscallNumber.FrameMap, first + 9, first, UserVa, (ulong)Rights.Read, first + 10).Status.ShouldBe(KernelError.Ok);
        Show(w, 2);
        child.Watermark.ShouldBeGreaterThan(8 * 4096UL, "the tables come from above the old watermark");
        w.Checker!.Violation.ShouldBeNull();
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
        w.Checker.Steps[^1].Note.ShouldContain("D11");
    }

    [Fact]
    public void A_stutter_syscall_that_changes_the_abstract_state_is_a_violation()
    {
        var (w, root, first, _) = Start();
        // The kernel reports Ok for Yield but deleted a capability instead.
        var step = WrongKernel.Step(w, root, SyscallNumber.Yield, [0, 0, 0, 0, 0, 0], KernelError.Ok,
            k => k.Syscall(root, SyscallNumber.CNodeDelete, Root, first + 5).Status.ShouldBe(KernelError.Ok));
        output.WriteLine(step.Note);
        step.Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker!.Violation.ShouldNotBeNull().Clause.ShouldBe("stutter.Yield.state");
    }

    [Fact]
    public void Planted_frame_map_that_stores_the_mapping_rights_in_the_capability_is_caught()
    {
        const string fault = nameof(PlantedFaults.FrameMapStoresMappingRights);
        var (w, root, first, ut) = Start(PlantedFaultNames.FromNames([fault], out _));
        w.Kernel.Syscall(root, SyscallNumber.UntypedRetype, ut, (ulong)ObjectType.Frame, 0, Root, first + 9, 1);
        w.Kernel.Syscall(root, SyscallNumber.FrameMap, first + 9, first, UserVa, (ulong)Rights.Read, ut);
        PlantedReplay.Confirm(w, fault, "stutter.FrameMap.state", output);
        w.Checker!.Violation!.Message.ShouldContain("CapRights");
    }

    [Fact]
    public void Planted_signal_that_clears_the_capability_badge_is_caught()
    {
        const string fault = nameof(PlantedFaults.SignalClearsBadge);
        var (w, root, first, _) = Start(PlantedFaultNames.FromNames([fault], out _));
        w.Kernel.Syscall(root, SyscallNumber.CNodeMint, Root, first + 5, Root, first + 9, (ulong)Rights.All, 2).Status.ShouldBe(KernelError.Ok);
        w.Kernel.Syscall(root, SyscallNumber.Signal, first + 9);
        PlantedReplay.Confirm(w, fault, "stutter.Signal.state", output);
        w.Checker!.Violation!.Message.ShouldContain("CapBadge");
    }

    [Fact]
    public void Planted_yield_that_deactivates_the_caller_is_caught()
    {
        const string fault = nameof(PlantedFaults.YieldDeactivates);
        var (w, root, _, _) = Start(PlantedFaultNames.FromNames([fault], out _));
        w.Kernel.Syscall(root, SyscallNumber.Yield);
        PlantedReplay.Confirm(w, fault, "stutter.Yield.state", output);
        w.Checker!.Violation!.Message.ShouldContain("TaskState");
    }
}
