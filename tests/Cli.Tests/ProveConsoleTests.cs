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
        lines.ShouldContain(l => l.StartsWith("a.proved ", StringComparison.Ordinal) && l.Contains("proved") && l.TrimEnd().EndsWith("12", StringComparison.Ordinal));
        lines.ShouldContain("FAILED b.[unknown] (unknown)");
        lines.ShouldContain("  unknown: timeout: no answer within 1 ms");
        lines.ShouldContain("proved 1 of 2; failed 1 (0 counterexample, 1 unknown, 0 error); wall 0.05 s; slowest b.[unknown] 0.034 s");
    }
}
