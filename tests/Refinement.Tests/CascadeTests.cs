using Shouldly;
using Verified.Kernel;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// Divergence D2: deleting the last capability to a non-empty CNode, which cap.delete refuses
/// (NotEmpty) and the kernel performs with its cascade. D2 used to accept any change to the
/// state; the post-state must now be exactly the cascade computed on the pre-state
/// (<see cref="Cascade"/>). Window slot 2 holds the only capability to the second CNode, whose
/// slots are window slots 10..19.
/// </summary>
public sealed class CascadeTests(ITestOutputHelper output)
{
    private static WorkAction A(ActionKind k, int x, int y = 0, int z = 7) => new(k, 0, x, y, z, 0);

    // An endpoint capability copied into the second CNode (slot 10), and a copy of that back into
    // the root CNode (slot 8): deleting the CNode's capability deletes slot 10's and lifts slot 8's.
    private static readonly WorkAction[] Lifting = [A(ActionKind.Copy, 3, 10), A(ActionKind.Copy, 10, 8), A(ActionKind.Delete, 2)];

    private void Show(Workload w) => output.WriteLine(string.Join("\n", w.Checker!.Steps.TakeLast(3).Select(s => $"{s.Verdict} {s.Status}: {s.Note}")));

    [Fact]
    public void Deleting_the_last_capability_to_a_non_empty_cnode_is_D2_with_the_contents_deleted_and_their_children_lifted()
    {
        var w = new Workload(null, check: true);
        w.Run(Lifting).ShouldBeNull();
        Show(w);
        w.Checker!.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
        w.Checker.Steps[^1].Note.ShouldContain("D2");
    }

    [Fact]
    public void A_cascade_that_finalises_a_task_held_in_the_cnode_is_D2_and_D5()
    {
        // Task 1 grants task 2 a page; task 1's only capability moves into the second CNode;
        // deleting the CNode's capability finalises the CNode, then the task (its grant table
        // detached, so its grant vanishes: D5).
        var w = new Workload(null, check: true);
        w.Run([new(ActionKind.GrantCreate, 1, 0, 2, 0, 0), A(ActionKind.Move, 0, 11), A(ActionKind.Delete, 2)]).ShouldBeNull();
        Show(w);
        w.Tasks[1].IsLive.ShouldBeFalse();
        w.Checker!.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
        w.Checker.Steps[^1].Note.ShouldContain("D2");
        w.Checker.Steps[^1].Note.ShouldContain("D5");
    }

    [Fact]
    public void Planted_inverted_check_guard_is_caught_at_the_refused_delete()
    {
        // cap.delete's NotEmpty check is "final and a CNode => empty"; the guard evaluates "a CNode"
        // first. Inverted, it passes the check for the CNode, so the spec deletes the capability
        // alone where the kernel cascades.
        var w = new Workload(null, check: true, 0, new ShortcutFaults { GuardInverted = true });
        var v = w.Run(Lifting).ShouldNotBeNull("the inverted guard passes a check that fails");
        output.WriteLine(v.Message);
        v.Clause.ShouldBe("cap.delete.state");
        new Workload(null, check: true).Run(Lifting).ShouldBeNull();
    }

    [Fact]
    public void Planted_cnode_finalisation_that_revokes_its_contents_is_caught()
    {
        const string fault = nameof(PlantedFaults.CNodeFinaliseRevokesContents);
        var w = new Workload(PlantedFaultNames.FromNames([fault], out _), check: true);
        w.Run(Lifting);
        PlantedReplay.Confirm(w, fault, "cap.delete.state", output);
    }

    [Fact]
    public void A_cascade_is_compared_at_its_changed_keys_and_a_planted_key_set_missing_the_deleted_capabilities_is_caught()
    {
        var clean = new Workload(null, check: true, 1, null);
        clean.Run(Lifting).ShouldBeNull("cross-checked at every step: the cascade's keys cover its changes");
        clean.Checker!.Steps[^1].Note.ShouldContain("D2");

        var planted = new ShortcutFaults { CascadeKeysMissDeleted = true };
        PlantedShortcut.ReportedAs(Lifting, planted, "cap.delete.state", "the deleted capabilities' attributes are left as junk", output);
        PlantedShortcut.CrossChecked(Lifting, planted, "transition.changes", output);
    }

    [Fact]
    public void A_cascade_reads_its_groups_from_the_indexes_and_a_planted_lookup_missing_a_slot_is_caught()
    {
        // The CNode's contents, each object's capabilities and the deleted capabilities'
        // descendants come from the narrowed quantifiers' indexes: no grouping is built by reading
        // every slot or capability (the cascade's cost was the state's size).
        var w = new Workload(null, check: true);
        w.Run(Lifting).ShouldBeNull();
        w.Checker!.Steps[^1].Note.ShouldContain("D2");
        w.Checker.CascadeScans.ShouldBe(0);

        // Cross-checked at every step, the cascade from the indexes equals the one from every entry.
        new Workload(null, check: true, 1, null).Run(Lifting).ShouldBeNull();

        // The CNode's lookup leaving out its last full slot (slot 10's endpoint capability): the
        // spec's cascade keeps a capability the kernel deleted.
        var planted = new ShortcutFaults { CascadeGroupsMissOne = true };
        PlantedShortcut.ReportedAs(Lifting, planted, "cap.delete.state", "the cascade keeps the capability in the CNode's last slot", output);
        PlantedShortcut.CrossChecked(Lifting, planted, "transition.cascade", output);
    }

    [Fact]
    public void A_cascade_deleting_most_capabilities_is_cross_checked_at_every_step()
    {
        // The padding's 40 endpoints and their copies sit in the second CNode: deleting its only
        // capability deletes them all, so the normalisation takes its one-pass-per-field path for
        // fields with that many keys; cross-checked (transition.cascade, .changes, .normalize).
        var w = new Workload(null, true, crossCheckEvery: 1, null, timings: false, padding: 40);
        w.Run(Lifting).ShouldBeNull();
        Show(w);
        w.Checker!.Steps[^1].Note.ShouldContain("D2");
        w.Kernel.Objects.All.Count(o => o.IsLive).ShouldBe(new Workload(null, check: false).Kernel.Objects.All.Count(o => o.IsLive) - 1);
    }
}
