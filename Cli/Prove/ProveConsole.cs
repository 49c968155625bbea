using System.Globalization;
using System.Text;
using Spectre.Console;
using Verified.Proofs;

namespace Verified.Cli.Prove;

/// <summary>
/// What `verified prove` prints. On a terminal: a live Spectre.Console progress bar and a
/// table. Redirected (a file, a pipe, CI logs, tests): plain lines, one per finished obligation,
/// and a plain table — no escape codes in logs.
/// </summary>
internal sealed class ProveConsole(TextWriter stdout, bool terminal)
{
    private readonly Lock gate = new();

    /// <summary>True only when writing to the real console and it is not redirected.</summary>
    public static bool IsTerminal(TextWriter stdout) => ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;

    public void Header(int count, RunnerOptions options) =>
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"verified prove: {count} obligation{(count == 1 ? "" : "s")}, {options.Jobs} job{(options.Jobs == 1 ? "" : "s")}, time limit {options.Timeout.TotalMilliseconds} ms each"));

    /// <summary>Runs <paramref name="run"/> while showing its progress.</summary>
    public ProveReport WithProgress(int total, Func<IProgress<ObligationEvent>, ProveReport> run)
    {
        if (!terminal)
        {
            return run(new Reporter(e => PlainLine(e)));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        ProveReport? report = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var bar = context.AddTask("proving", maxValue: total);
                var failed = 0;
                var running = run(new Reporter(e =>
                {
                    if (e is ObligationEvent.Finished finished)
                    {
                        lock (gate)
                        {
                            failed += finished.Result.IsProved ? 0 : 1;
                            bar.Value = finished.Completed;
                            bar.Description = Markup.Escape($"{finished.Completed}/{total}, {failed} failed — {finished.Result.Name}");
                        }
                    }
                }));
                report = running;
            });
        return report!;
    }

    public void Table(ProveReport report)
    {
        if (terminal)
        {
            var table = new Table().AddColumn("obligation").AddColumn("result").AddColumn(new TableColumn("ms").RightAligned()).AddColumn("premises sat");
            foreach (var r in report.Results)
            {
                var colour = r.IsProved ? "green" : "red";
                table.AddRow(Markup.Escape(r.Name), $"[{colour}]{r.Status}[/]", r.Milliseconds.ToString(CultureInfo.InvariantCulture), Markup.Escape(report.PremisesShown(r)));
            }

            AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) }).Write(table);
            return;
        }

        var width = Math.Max("obligation".Length, report.Results.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
        // "premises sat": did the obligation's vacuity companion show its premises satisfiable.
        stdout.WriteLine($"{"obligation".PadRight(width)}  {"result",-14}  {"ms",8}  premises sat");
        foreach (var r in report.Results)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Name.PadRight(width)}  {r.Status,-14}  {r.Milliseconds,8}  {report.PremisesShown(r)}"));
        }
    }

    /// <summary>What each proved obligation found (boot orders), then each failure in full.</summary>
    public void Details(ProveReport report)
    {
        foreach (var proved in report.Results.OfType<ObligationResult.Proved>().Where(p => p.Witness is not null))
        {
            stdout.WriteLine($"{proved.Name}: {proved.Witness}");
        }

        foreach (var failure in report.Results.Where(r => !r.IsProved))
        {
            stdout.WriteLine();
            stdout.WriteLine($"FAILED {failure.Name} ({failure.Status})");
            stdout.WriteLine(Indent(failure.Describe().TrimEnd()));
        }
    }

    public void Summary(ProveReport report)
    {
        var counterexamples = report.Results.Count(r => r is ObligationResult.Counterexample);
        var unknowns = report.Results.Count(r => r is ObligationResult.Unknown);
        var errors = report.Results.Count(r => r is ObligationResult.Error);
        var slowest = report.Slowest is { } s ? $"; slowest {s.Name} {Seconds(s.Milliseconds)} s" : "";
        stdout.WriteLine();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"proved {report.Proved} of {report.Results.Count}; failed {report.Failed} ({counterexamples} counterexample, {unknowns} unknown, {errors} error); wall {Seconds(report.WallMilliseconds)} s{slowest}"));
    }

    private void PlainLine(ObligationEvent e)
    {
        if (e is not ObligationEvent.Finished f)
        {
            return;
        }

        var digits = f.Total.ToString(CultureInfo.InvariantCulture).Length;
        lock (gate)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{f.Completed.ToString(CultureInfo.InvariantCulture).PadLeft(digits)}/{f.Total}] {f.Result.Status,-14} {f.Result.Name} ({f.Result.Milliseconds} ms)"));
        }
    }

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.0##", CultureInfo.InvariantCulture);

    private static string Indent(string text)
    {
        var indented = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            indented.Append("  ").Append(line).Append('\n');
        }

        return indented.ToString().TrimEnd('\n');
    }

    /// <summary>IProgress that calls back on the reporting thread (System.Progress would post to the pool, out of order).</summary>
    private sealed class Reporter(Action<ObligationEvent> report) : IProgress<ObligationEvent>
    {
        public void Report(ObligationEvent value) => report(value);
    }
}
