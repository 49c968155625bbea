using Shouldly;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;

namespace Verified.Refinement.Tests;

/// <summary>
/// D5 after a grant table's death needs the table's owner as it was before the step; the checker
/// records the owners only before the calls whose judges can ask (cap.delete, revoke, destroy).
/// A rule recording them for too few calls must not pass as "no owner" (a D5 step would become a
/// violation, or a wrong owner excused): asked in a step that did not record them, it refuses.
/// </summary>
public sealed class TableOwnersTests
{
    // Window slots: 0, 1 tasks t1, t2; 6 t1's grant table (see DivergenceTests).
    private static WorkAction A(ActionKind k, int task, int x, int y = 0, int z = 7, int w = 0) => new(k, task, x, y, z, w);

    private static readonly WorkAction[] TableDies = [A(ActionKind.GrantCreate, 1, 0, 2, 0, 0), A(ActionKind.Delete, 0, 6)];

    [Fact]
    public void The_owner_recorded_before_a_delete_makes_the_table_death_D5()
    {
        var w = new Workload(null, check: true);
        w.Run(TableDies).ShouldBeNull();
        w.Checker!.Steps[^1].Number.ShouldBe((long)SyscallNumber.CNodeDelete);
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
        w.Checker.Steps[^1].Note.ShouldContain("D5");
    }

    [Fact]
    public void Owners_not_recorded_for_the_step_are_refused_not_taken_as_none()
    {
        var w = new Workload(null, check: true, 0, new ShortcutFaults { OwnersUnrecorded = true });
        var e = Should.Throw<InvalidOperationException>(() => w.Run(TableDies));
        e.Message.ShouldContain("add that call to RecordTableOwners");
        e.Message.ShouldContain("Single");
    }

    [Fact]
    public void A_step_whose_spec_call_cannot_finalise_records_no_owners_and_still_checks()
    {
        // Grant creation and a copy never finalise an object: nothing is recorded, nothing asked.
        var w = new Workload(null, check: true, 0, new ShortcutFaults { OwnersUnrecorded = true });
        w.Run([A(ActionKind.GrantCreate, 1, 0, 2, 0, 0), A(ActionKind.Copy, 0, 3, 12)]).ShouldBeNull();
        w.Checker!.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);
    }
}
