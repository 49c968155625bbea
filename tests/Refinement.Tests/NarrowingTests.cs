using Shouldly;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// The narrowed quantifiers' indexes (KernelEval.MoveIndexes) as the checker moves them — from the
/// pre-state along the expected states of a step and back, then to the kernel's post-state — give
/// the checker's verdicts; planted, a move that changes no group is caught.
/// </summary>
public sealed class NarrowingTests(ITestOutputHelper output)
{
    private static WorkAction A(ActionKind k, int x, int y = 0, int z = 7) => new(k, 0, x, y, z, 0);

    // Slot 3 holds an endpoint capability. The first delete reaches cap.delete's quantifiers (the
    // indexes are built then); the copy after it gives the capability in slot 3 a child, so the
    // last delete is refused (HasChildren) by the kernel and by the spec.
    private static readonly WorkAction[] CopyAfterDelete = [A(ActionKind.Copy, 3, 8), A(ActionKind.Delete, 8), A(ActionKind.Copy, 3, 9), A(ActionKind.Delete, 3)];

    // After the indexes are built (the first delete), a new endpoint (its capability in slot 12)
    // and a copy of its capability: deleting the copy leaves the endpoint alive — "the last
    // capability to its object" is false — unless the indexes still hold the groups from before
    // the endpoint existed.
    private static readonly WorkAction[] NewObjectAfterDelete =
        [A(ActionKind.Copy, 3, 8), A(ActionKind.Delete, 8), A(ActionKind.RetypeEndpoint, 0, 12), A(ActionKind.Copy, 12, 13), A(ActionKind.Delete, 13)];

    [Fact]
    public void The_checker_decides_quantifiers_from_moved_indexes()
    {
        var w = new Workload(null, check: true);
        var (_, fromIndex0, _, _) = w.Checker!.Narrowing;
        w.Run(CopyAfterDelete).ShouldBeNull();
        output.WriteLine($"narrowing {w.Checker.Narrowing}");
        output.WriteLine(string.Join("\n", w.Checker.Steps.TakeLast(4).Select(s => $"{s.Verdict} {s.Status}: {s.Note}")));
        w.Checker.Steps[^1].Status.ShouldNotBe(Verified.Kernel.Abi.KernelError.Ok);
        w.Checker.Narrowing.FromIndex.ShouldBeGreaterThan(fromIndex0);
        // Cross-checked at every step: the moved indexes equal ones built afresh.
        new Workload(null, check: true, 1, null).Run(CopyAfterDelete).ShouldBeNull();
    }

    [Fact]
    public void Indexes_not_moved_at_the_changed_keys_are_caught()
    {
        var planted = new ShortcutFaults { IndexSkipsMoves = true };
        PlantedShortcut.ReportedAs(NewObjectAfterDelete, planted, "cap.delete.state", "a stale index misses the endpoint's first capability", output);
        new Workload(null, check: true).Run(NewObjectAfterDelete).ShouldBeNull();
        PlantedShortcut.CrossChecked(NewObjectAfterDelete, planted, "transition.index", output);
    }
}
