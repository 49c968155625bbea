using System.CommandLine;
using Verified.Proofs.Refinement;
using Verified.Trace;

namespace Verified.Cli.Verbs;

/// <summary>
/// `verified replay TRACE.json`: re-executes a refinement counterexample's syscalls on a freshly
/// booted kernel (with the planted faults the trace names) and the refinement checker on.
/// Exit 1 when the same violation (property and clause, at the last step) is reproduced, 0 when
/// the trace no longer fails, 2 for an unreadable or unsupported trace.
/// </summary>
internal static class ReplayVerb
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<FileInfo>("trace") { Description = "A trace written by the refinement checker (producer \"refinement\")." };
        var command = new Command("replay", "Re-execute a refinement counterexample on the kernel and confirm the same violation.") { file };
        command.SetAction(parse => Execute(parse.GetValue(file)!, stdout, stderr));
        return command;
    }

    private static int Execute(FileInfo file, TextWriter stdout, TextWriter stderr)
    {
        string text;
        try
        {
            text = File.ReadAllText(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"verified replay: cannot read {file.Name}: {e.Message}");
            return ExitCodes.UsageOrInput;
        }

        if (!TraceJson.TryParse(text, out var trace, out var error))
        {
            stderr.WriteLine($"verified replay: {file.Name}: not a trace: {error}");
            return ExitCodes.UsageOrInput;
        }

        switch (Replayer.Replay(trace))
        {
            case ReplayOutcome.Reproduced r:
                stdout.WriteLine($"reproduced at step {r.Step}: {r.Violation.Property} / {r.Violation.Clause}");
                stdout.WriteLine($"  {r.Violation.Message}");
                return ExitCodes.Failure;
            case ReplayOutcome.NotReproduced n:
                stdout.WriteLine($"not reproduced: {n.Why}");
                return ExitCodes.Success;
            case ReplayOutcome.BadInput b:
                stderr.WriteLine($"verified replay: {file.Name}: {b.Why}");
                return ExitCodes.UsageOrInput;
            default:
                throw new InvalidOperationException("verified replay: unhandled replay outcome");
        }
    }
}
