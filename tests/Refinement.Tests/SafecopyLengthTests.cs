using Shouldly;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// Safecopy's length check (1..MaxCopyLength, before the grant decision; the ABI's, stated in the
/// checker since the spec's decision has no length bound). A safecopy the kernel refused for its
/// length used to be unmodelled, so a kernel refusing a valid length passed.
/// </summary>
public sealed class SafecopyLengthTests(ITestOutputHelper output)
{
    private static KernelError Copy(Workload w, ulong length) =>
        w.Kernel.Syscall(w.Tasks[0], SyscallNumber.SafeCopyFrom, w.Tasks[1].Ref.Packed, 0, 0, 0x400000, length).Status;

    [Fact]
    public void Lengths_outside_the_bound_are_refused_and_the_bound_itself_reaches_the_grant_decision()
    {
        var w = new Workload(null, check: true);
        Copy(w, 0).ShouldBe(KernelError.InvalidArgument);
        Copy(w, AbiConstants.MaxCopyLength + 1).ShouldBe(KernelError.InvalidArgument);
        Copy(w, AbiConstants.MaxCopyLength).ShouldBe(KernelError.GrantInvalid); // task 1 granted nothing
        foreach (var s in w.Checker!.Steps.TakeLast(3)) output.WriteLine($"{s.Verdict} {s.Status}: {s.Note}");
        w.Checker.Steps.TakeLast(3).ShouldAllBe(s => s.Verdict == StepVerdict.Checked);
        w.Checker.Steps[^1].Note.ShouldEndWith("-> refused");
        w.Checker.Violation.ShouldBeNull();
    }

    [Fact]
    public void A_kernel_accepting_a_length_above_the_bound_is_caught()
    {
        var w = new Workload(null, check: true);
        var step = WrongKernel.Step(w, w.Tasks[0], SyscallNumber.SafeCopyFrom, [w.Tasks[1].Ref.Packed, 0, 0, 0x400000, AbiConstants.MaxCopyLength + 1, 0], KernelError.GrantInvalid);
        output.WriteLine(step.Note);
        w.Checker!.Violation.ShouldNotBeNull().Clause.ShouldBe("safecopy.status");
    }

    [Fact]
    public void Planted_length_check_that_refuses_the_bound_is_caught()
    {
        const string fault = nameof(PlantedFaults.SafecopyRefusesMaxLength);
        var w = new Workload(PlantedFaultNames.FromNames([fault], out _), check: true);
        Copy(w, AbiConstants.MaxCopyLength).ShouldBe(KernelError.InvalidArgument);
        PlantedReplay.Confirm(w, fault, "safecopy.status", output);
    }
}
