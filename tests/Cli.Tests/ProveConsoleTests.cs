using Shouldly;
using Verified.Cli.Prove;
using Verified.Proofs;
using Xunit;

namespace Verified.Cli.Tests;

public sealed class ProveConsoleTests
{
    private static ProveReport Report() => new(
    [
        new ObligationResult.Proved("a.proved", ObligationKind.Lemma, 12),
        new ObligationResult.Unknown("b.[unknown]", ObligationKind.Preservation, 34, "timeout: no answer within 1 ms"),
    ], 50);

    [Fact]
    public void TheTerminalRenderingDrawsATableWithEveryObligation()
    {
        var output = new StringWriter();
        var console = new ProveConsole(output, terminal: true);

        var report = console.WithProgress(2, progress =>
        {
            progress.Report(new ObligationEvent.Started("a.proved", 2));
            progress.Report(new ObligationEvent.Finished(Report().Results[0], 1, 2));
            progress.Report(new ObligationEvent.Finished(Report().Results[1], 2, 2));
            return Report();
        });
        console.Table(report);

        var text = output.ToString();
        text.ShouldContain("a.proved");
        text.ShouldContain("b.[unknown]"); // markup characters in names are escaped, not interpreted
        text.ShouldContain("unknown");
    }

    [Fact]
    public void ThePlainRenderingListsFailuresAndSummarises()
    {
        var output = new StringWriter();
        var console = new ProveConsole(output, terminal: false);
        var report = Report();

        console.Table(report);
        console.Details(report);
        console.Summary(report);

        var lines = output.ToString().Split('\n');
        lines.ShouldContain(l => l.StartsWith("a.proved ", StringComparison.Ordinal) && l.Contains("proved") && l.TrimEnd().EndsWith("12  -", StringComparison.Ordinal));
        lines.ShouldContain("FAILED b.[unknown] (unknown)");
        lines.ShouldContain("  unknown: timeout: no answer within 1 ms");
        lines.ShouldContain("proved 1 of 2; failed 1 (0 counterexample, 1 unknown, 0 error); wall 0.05 s; slowest b.[unknown] 0.034 s");
    }

    [Fact]
    public void ThePlainTableSaysWhetherEachObligationsPremisesWereShownSatisfiable()
    {
        var output = new StringWriter();
        var report = new ProveReport(
        [
            new ObligationResult.Proved("p", ObligationKind.Preservation, 1) { VacuityCompanion = "p/vacuity" },
            new ObligationResult.Proved("p/vacuity", ObligationKind.Vacuity, 2, "premises satisfiable"),
            new ObligationResult.Proved("q", ObligationKind.Preservation, 3) { VacuityCompanion = "q/vacuity" },
            new ObligationResult.Unknown("q/vacuity", ObligationKind.Vacuity, 4, "timeout"),
        ], 10);

        new ProveConsole(output, terminal: false).Table(report);

        var lines = output.ToString().Split('\n').Select(l => l.TrimEnd()).ToList();
        lines[0].ShouldEndWith("premises sat");
        lines.ShouldContain(l => l.StartsWith("p ", StringComparison.Ordinal) && l.EndsWith("1  yes", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("q ", StringComparison.Ordinal) && l.EndsWith("3  no", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("q/vacuity ", StringComparison.Ordinal) && l.EndsWith("4  -", StringComparison.Ordinal));
    }
}
