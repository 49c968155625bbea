using Shouldly;
using Verified.Proofs.Refinement;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// A planted shortcut fault on a directed run: without the cross-check it makes the verdict wrong
/// (a false report, named by its clause), and with the cross-check at every step the shortcut's
/// own disagreement with the full computation is reported first.
/// </summary>
internal static class PlantedShortcut
{
    /// <summary>Without the cross-check the run is reported as <paramref name="clause"/> (<paramref name="because"/> says why).</summary>
    public static void ReportedAs(IEnumerable<WorkAction> actions, ShortcutFaults planted, string clause, string because, ITestOutputHelper output)
    {
        var v = new Workload(null, check: true, 0, planted).Run(actions).ShouldNotBeNull(because);
        output.WriteLine($"{v.Clause}: {v.Message}");
        v.Clause.ShouldBe(clause);
    }

    /// <summary>With the cross-check at every step the run is reported as cross-check clause <paramref name="crossCheckClause"/>.</summary>
    public static void CrossChecked(IEnumerable<WorkAction> actions, ShortcutFaults planted, string crossCheckClause, ITestOutputHelper output, string? because = null)
    {
        var x = new Workload(null, check: true, 1, planted).Run(actions).ShouldNotBeNull(because);
        output.WriteLine($"{x.Clause}: {x.Message}");
        x.Property.ShouldBe("cross-check");
        x.Clause.ShouldBe(crossCheckClause);
    }
}
