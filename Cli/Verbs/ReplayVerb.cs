using System.CommandLine;
using Verified.Proofs.Refinement;
using Verified.Trace;

namespace Verified.Cli.Verbs;

/// <summary>
/// `verified replay TRACE.json`: re-executes a refinement counterexample on a freshly booted
/// kernel (with the planted faults the trace names) and the refinement checker on — a C#-driven
/// trace by its syscalls, a trace of a run on the emulated CPU (format version 2, with a machine
/// section) by running its embedded images again. Exit 1 when the same violation (property and
/// clause; for syscall traces at the last step) is reproduced, 0 when the trace no longer fails,
/// 2 for an unreadable, malformed or unsupported trace (an altered image included).
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

        if (!TraceJson.TryLoad(text, out var trace, out var failure))
        {
            var what = failure.Error == TraceReadError.UnsupportedVersion ? "unsupported trace" : "not a valid trace";
            stderr.WriteLine(Printable($"verified replay: {file.Name}: {what}: {failure.Detail}"));
            return ExitCodes.UsageOrInput;
        }

        if (trace.Machine is { } m)
        {
            var faults = m.PlantedFaults.IsEmpty ? "none" : string.Join(", ", m.PlantedFaults);
            stdout.WriteLine(Printable($"machine: {string.Join(" + ", m.Images.Select(i => i.Name))}, {m.MemoryBytes >> 20} MiB, planted faults: {faults}"));
            if (m.Origin is not null) stdout.WriteLine(Printable($"  {m.Origin}"));
        }

        switch (Replayer.Replay(trace))
        {
            case ReplayOutcome.Reproduced r:
                stdout.WriteLine($"reproduced at step {r.Step}: {r.Violation.Property} / {r.Violation.Clause}");
                stdout.WriteLine($"  {r.Violation.Message}");
                if (r.Note is not null) stdout.WriteLine($"  {r.Note}");
                return ExitCodes.Failure;
            case ReplayOutcome.NotReproduced n:
                stdout.WriteLine($"not reproduced: {n.Why}");
                return ExitCodes.Success;
            case ReplayOutcome.BadInput b:
                stderr.WriteLine(Printable($"verified replay: {file.Name}: {b.Why}"));
                return ExitCodes.UsageOrInput;
            default:
                throw new InvalidOperationException("verified replay: unhandled replay outcome");
        }
    }

    // Names, the origin line and error details quoting the file come from the (untrusted) file: control characters, which could
    // move the cursor or forge lines on a terminal, are shown as '?'.
    private static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? '?' : c));
}
