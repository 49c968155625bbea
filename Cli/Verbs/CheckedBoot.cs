using Verified.Kernel.Run;
using Verified.Proofs.Refinement;
using Verified.Trace;

namespace Verified.Cli.Verbs;

/// <summary>
/// `verified boot --refinement`: the same boot with the refinement checker on every syscall, run by
/// <see cref="CheckedMachineRun"/> — the loop `verified replay` uses, so the counterexample it writes
/// replays on the same schedule. A violation is exit 1 with the clause on standard error; otherwise
/// the exit code is the plain boot's.
/// </summary>
internal static class CheckedBoot
{
    public static int Run(MachineRecipe recipe, long maxInstructions, FileInfo? tracePath, TextWriter stdout, TextWriter stderr)
    {
        if (!CheckedMachineRun.TryStart(recipe, out var run, out var error))
        {
            stderr.WriteLine($"verified boot: {error}");
            return ExitCodes.UsageOrInput;
        }

        var violation = run!.Run(long.MaxValue, maxInstructions);
        string? writeError = null;
        if (tracePath is not null)
        {
            try
            {
                File.WriteAllText(tracePath.FullName, TraceJson.Serialize(Counterexample.ToMachineTrace(run, recipe.Origin ?? recipe.Images[0].Name)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                writeError = $"verified boot: cannot write the trace: {e.Message}";
            }
        }

        if (violation is not null)
        {
            // The violation is the finding: it is reported even when its counterexample could not
            // be written, and the exit code stays "failure found".
            stdout.Write(System.Text.Encoding.UTF8.GetString([.. run.System.Kernel.ConsoleOutput]));
            stderr.WriteLine($"verified boot: refinement violation at step {run.Checker.Steps.Count}: {violation.Property} / {violation.Clause}");
            stderr.WriteLine($"  {violation.Message}");
            stderr.WriteLine(tracePath is null ? "  (rerun with --trace FILE to write a counterexample for `verified replay`)"
                : writeError is null ? $"  counterexample: {tracePath.Name} (`verified replay {tracePath.Name}` runs it again)"
                : "  no counterexample was written:");
            if (writeError is not null) stderr.WriteLine(writeError);
            return ExitCodes.Failure;
        }

        if (writeError is not null)
        {
            stderr.WriteLine(writeError);
            return ExitCodes.UsageOrInput;
        }

        return BootVerb.Finish(run.System, run.Ended ?? new RunOutcome.InstructionLimit(run.Instructions), stdout, stderr);
    }
}
