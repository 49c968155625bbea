using Shouldly;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// The capabilities an exit, destroy or revoke deleted are found at the kernel's changed keys
/// (RefinementChecker.Victims), not by reading every capability and slot; planted, a search that
/// leaves one out is caught.
/// </summary>
public sealed class DeletionVictimsTests(ITestOutputHelper output)
{
    // Task 2 exits: the kernel destroys it and deletes the capability it held.
    private static readonly WorkAction[] Exit = [new(ActionKind.Exit, 2, 18, 13, 7, 0)];

    [Fact]
    public void An_exit_is_checked_with_its_victims_from_the_changed_keys_and_cross_checked()
    {
        var w = new Workload(null, check: true, 1, null);
        w.Run(Exit).ShouldBeNull();
        output.WriteLine(w.Checker!.Steps[^1].Note.ToString());
        w.Checker.Steps[^1].Note.ToString().ShouldContain("x cap.delete");
    }

    [Fact]
    public void Victims_search_that_leaves_one_out_is_caught()
    {
        var planted = new ShortcutFaults { VictimsMissOne = true };
        PlantedShortcut.ReportedAs(Exit, planted, "task.destroy.state", "the spec deletes one capability fewer than the kernel", output);
        PlantedShortcut.CrossChecked(Exit, planted, "transition.victims", output);
    }

    [Fact]
    public void Indexes_relabelled_before_the_last_deletion_are_caught_by_the_cross_check()
    {
        // Unplanted, the exit's indexes are relabelled to the equal post-state and agree with fresh ones (cross-checked above).
        var planted = new ShortcutFaults { RelabelBeforeLastStep = true };
        PlantedShortcut.CrossChecked(Exit, planted, "transition.index", output, "the relabelled indexes still hold the last deleted capability");
    }
}
