using System.CommandLine;
using System.Diagnostics;
using Verified.Cli.SelfCheck;
using Verified.Smt;

namespace Verified.Cli.Verbs;

/// <summary>
/// `verified prove`: discharges the proof obligations, each in its own Z3 context, and prints
/// `obligation  result  ms`. Exit 0 when all are proved, 1 when any failed or was unknown, 3 when
/// libz3 is missing. Until Proofs/ supplies the kernel's obligations it runs the Smt self-check.
/// </summary>
internal static class ProveVerb
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("prove", "Discharge the proof obligations with Z3.");
        command.SetAction(_ => Run(stdout, stderr, SmtSelfCheck.Obligations, () => new Context()));
        return command;
    }

    /// <summary>The verb's work, with the catalogue and context factory injectable for tests.</summary>
    internal static int Run(TextWriter stdout, TextWriter stderr, IReadOnlyList<Obligation> obligations, Func<Context> newContext)
    {
        var width = Math.Max("obligation".Length, obligations.Max(o => o.Name.Length)) + 2;
        stdout.WriteLine($"{"obligation".PadRight(width)}{"result",-9}{"ms",6}");
        var proved = 0;
        try
        {
            foreach (var obligation in obligations)
            {
                var clock = Stopwatch.StartNew();
                Verdict verdict;
                using (var ctx = newContext())
                {
                    verdict = obligation.Discharge(ctx);
                }

                clock.Stop();
                var result = verdict switch
                {
                    Verdict.Proved => "proved",
                    Verdict.Failed => "FAILED",
                    Verdict.Unknown => "UNKNOWN",
                    _ => throw new InvalidOperationException("unexpected verdict"),
                };
                stdout.WriteLine($"{obligation.Name.PadRight(width)}{result,-9}{clock.ElapsedMilliseconds,6}");
                switch (verdict)
                {
                    case Verdict.Proved:
                        proved++;
                        break;
                    case Verdict.Failed failed:
                        stdout.WriteLine($"  {failed.Why}");
                        break;
                    case Verdict.Unknown unknown:
                        stdout.WriteLine($"  Z3 could not decide: {unknown.Reason}");
                        break;
                }
            }
        }
        catch (Z3LibraryNotFoundException e)
        {
            stderr.WriteLine($"verified prove: {e.Message}");
            return ExitCodes.MissingDependency;
        }

        stdout.WriteLine($"{proved} of {obligations.Count} obligations proved");
        return proved == obligations.Count ? ExitCodes.Success : ExitCodes.Failure;
    }
}
