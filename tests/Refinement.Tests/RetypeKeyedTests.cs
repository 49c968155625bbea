using Shouldly;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// A retype's last object is compared with the post-state at keys, its next state not built
/// (RefinementChecker.SameKeyed): a difference the kernel makes beyond the spec's, at keys the spec
/// step does not write, is still seen; and the planted comparison that forgets the junk rules is
/// caught by the cross-check.
/// </summary>
public sealed class RetypeKeyedTests(ITestOutputHelper output)
{
    private static readonly WorkAction[] OneEndpoint = [new(ActionKind.RetypeEndpoint, 0, 0, 9, 0, 0)];

    [Fact]
    public void A_retype_that_also_deletes_another_capability_is_a_violation()
    {
        var w = new Workload(null, check: true);
        var first = (ulong)w.Booted.FirstFreeSlot;
        var untyped = w.Checker!.Steps[0].Args[0];
        ulong[] args = [untyped, (ulong)ObjectType.Endpoint, 0, AbiConstants.SlotRootCNode, first + 9, 1];
        // The kernel makes the endpoint, then deletes the notification's only capability in slot 5
        // too (finalising the notification): keys the spec step does not write.
        var step = WrongKernel.Step(w, w.Tasks[0], SyscallNumber.UntypedRetype, args, KernelError.Ok, k =>
        {
            k.Syscall(w.Tasks[0], (long)SyscallNumber.UntypedRetype, args).Status.ShouldBe(KernelError.Ok);
            k.Syscall(w.Tasks[0], (long)SyscallNumber.CNodeDelete, [AbiConstants.SlotRootCNode, first + 5]).Status.ShouldBe(KernelError.Ok);
        });
        output.WriteLine(step.Note);
        step.Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker.Violation.ShouldNotBeNull().Clause.ShouldBe("cap.retype.state");
        w.Checker.Violation.Message.ShouldContain("(expected true, the kernel's false)");
    }

    [Fact]
    public void A_correct_retype_passes_the_keyed_comparison_and_its_cross_check()
    {
        var w = new Workload(null, check: true, 1, null);
        w.Run(OneEndpoint).ShouldBeNull();
        w.Checker!.Steps[^1].Status.ShouldBe(KernelError.Ok);
        w.Checker.Steps[^1].Verdict.ShouldBeOneOf(StepVerdict.Checked, StepVerdict.Divergence);
    }

    [Fact]
    public void Planted_keyed_comparison_without_the_junk_rules_is_caught()
    {
        // Cap.retype writes the new object's watermark (UtFree) whatever its type; for an object
        // that is not an untyped the entry is junk, which the kernel's post-state does not have.
        var planted = new ShortcutFaults { KeyedSkipsJunk = true };
        PlantedShortcut.ReportedAs(OneEndpoint, planted, "cap.retype.state", "the junk watermark reads as a difference", output);
        PlantedShortcut.CrossChecked(OneEndpoint, planted, "transition.keyed", output);
    }
}
