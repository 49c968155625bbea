using Shouldly;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>Grant creation compared with grant.create_direct and grant.create_indirect.</summary>
public sealed class GrantTests(ITestOutputHelper output)
{
    // GrantCreate(task, X, grantee Y, base/stale Z, entry W); GrantCreateIndirect(task, source granter X, grantee Y, Z, W).
    private static readonly WorkAction T1GrantsT2 = new(ActionKind.GrantCreate, 1, 0, 2, 0, 0);
    private static readonly WorkAction T2RedelegatesToRoot = new(ActionKind.GrantCreateIndirect, 2, 1, 0, 0, 0);

    private void Show(Workload w) => output.WriteLine(string.Join("\n", w.Checker!.Steps.Skip(14).Select(s => $"{s.Verdict} {s.Status}: {s.Note}")));

    [Fact]
    public void Direct_and_indirect_grants_are_compared()
    {
        var w = new Workload(null, check: true);
        w.Run([T1GrantsT2, T2RedelegatesToRoot]).ShouldBeNull();
        Show(w);
        w.Checker!.Steps[^2].Verdict.ShouldBe(StepVerdict.Checked);
        w.Checker.Steps[^2].Note.ShouldStartWith("grant.create_direct(");
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        w.Checker.Steps[^1].Note.ShouldStartWith("grant.create_indirect(");
    }

    [Fact]
    public void Redelegating_a_grant_not_held_is_refused_as_the_spec_says()
    {
        // t1 is the owner, not a grantee, of its entry: re-delegating t1's entry is InvalidGrant in the spec.
        var w = new Workload(null, check: true);
        w.Run([T1GrantsT2, new WorkAction(ActionKind.GrantCreateIndirect, 1, 1, 0, 0, 0)]).ShouldBeNull();
        Show(w);
        w.Checker!.Steps[^1].Status.ShouldBe(KernelError.GrantInvalid);
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
        w.Checker.Steps[^1].Note.ShouldContain("InvalidGrant");
    }

    [Fact]
    public void A_grant_create_that_changes_nothing_is_a_violation()
    {
        var w = new Workload(null, check: true);
        var t2 = w.Tasks[2];
        // t1 asks for a grant to t2; the kernel says Ok and fills no entry.
        var step = WrongKernel.Step(w, w.Tasks[1], SyscallNumber.GrantCreate, [t2.Ref.Packed, 0, 0x1000, 1, 0, 0], KernelError.Ok);
        output.WriteLine(step.Note);
        step.Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker!.Violation.ShouldNotBeNull().Clause.ShouldBe("grant.create_direct.state");
    }

    [Fact]
    public void A_grant_create_refused_for_no_reason_is_a_violation()
    {
        var w = new Workload(null, check: true);
        var step = WrongKernel.Step(w, w.Tasks[1], SyscallNumber.GrantCreate, [w.Tasks[2].Ref.Packed, 0, 0x1000, 1, 0, 0], KernelError.GrantInvalid);
        step.Verdict.ShouldBe(StepVerdict.Violation);
        w.Checker!.Violation.ShouldNotBeNull().Clause.ShouldBe("grant.create_direct.status");
    }

    [Fact]
    public void GrantInvalid_stands_for_a_failing_source_link_check_of_an_indirect_grant_only()
    {
        GrantRefusals.Agree("grant.create_indirect", KernelError.GrantInvalid, ["InvalidRange"]).ShouldBeTrue();
        GrantRefusals.Agree("grant.create_indirect", KernelError.GrantInvalid, ["InsufficientRights"]).ShouldBeTrue();
        GrantRefusals.Agree("grant.create_direct", KernelError.GrantInvalid, ["InvalidRange"]).ShouldBeFalse("a direct grant has no source link");
        GrantRefusals.Agree("grant.create_direct", KernelError.GrantInvalid, ["InsufficientRights"]).ShouldBeFalse("a direct grant has no source link");
        GrantRefusals.Agree("grant.create_direct", KernelError.InvalidArgument, ["InvalidRange"]).ShouldBeTrue("the plain correspondence still holds");
    }
}
