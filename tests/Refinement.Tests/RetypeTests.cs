using Shouldly;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>Untyped retype compared as one cap.retype per object (after the kernel's alignment, divergence D7).</summary>
public sealed class RetypeTests(ITestOutputHelper output)
{
    [Fact]
    public void The_setup_retypes_are_compared_with_cap_retype()
    {
        var w = new Workload(null, check: true);
        var retypes = w.Checker!.Steps.Where(s => s.Number == (long)SyscallNumber.UntypedRetype).ToList();
        output.WriteLine(string.Join("\n", retypes.Select(s => $"{s.Verdict}: {s.Note}")));
        retypes.Count.ShouldBe(5);
        retypes.ShouldAllBe(s => s.Verdict == StepVerdict.Checked || s.Verdict == StepVerdict.Divergence);
        retypes.Count(s => s.Verdict == StepVerdict.Checked).ShouldBeGreaterThan(0, "an aligned watermark needs no divergence");
        retypes.ShouldAllBe(s => s.Note.Contains("x cap.retype"));
    }

    [Fact]
    public void A_retype_into_an_occupied_slot_is_refused_as_the_abi_says()
    {
        var w = new Workload(null, check: true);
        w.Run([new WorkAction(ActionKind.RetypeEndpoint, 0, 0, 3, 0, 0)]).ShouldBeNull(); // slot 3 holds an endpoint
        w.Checker!.Steps[^1].Status.ShouldBe(KernelError.SlotOccupied);
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        w.Run([new WorkAction(ActionKind.RetypeEndpoint, 0, 0, 9, 0, 0)]).ShouldBeNull();
        w.Checker.Steps[^1].Status.ShouldBe(KernelError.Ok);
        w.Checker.Steps[^1].Verdict.ShouldBeOneOf(StepVerdict.Checked, StepVerdict.Divergence);
    }

    [Fact]
    public void A_retype_that_creates_nothing_is_a_violation()
    {
        var w = new Workload(null, check: true);
        var first = (ulong)w.Booted.FirstFreeSlot;
        var untyped = w.Checker!.Steps[0].Args[0];
        // The kernel reports Ok for an endpoint into the free root slot 9 but creates nothing.
        var step = WrongKernel.Step(w, w.Tasks[0], SyscallNumber.UntypedRetype, [untyped, (ulong)ObjectType.Endpoint, 0, AbiConstants.SlotRootCNode, first + 9, 1], KernelError.Ok);
        output.WriteLine(step.Note);
        step.Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker.Violation.ShouldNotBeNull().Clause.ShouldStartWith("cap.retype.");
    }

    [Fact]
    public void A_retype_refused_for_no_reason_is_a_violation()
    {
        var w = new Workload(null, check: true);
        var first = (ulong)w.Booted.FirstFreeSlot;
        var untyped = w.Checker!.Steps[0].Args[0];
        var step = WrongKernel.Step(w, w.Tasks[0], SyscallNumber.UntypedRetype, [untyped, (ulong)ObjectType.Endpoint, 0, AbiConstants.SlotRootCNode, first + 9, 1], KernelError.NotEnoughMemory);
        step.Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker.Violation.ShouldNotBeNull().Clause.ShouldBe("cap.retype.status");
    }
}
