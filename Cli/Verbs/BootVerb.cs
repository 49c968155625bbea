using System.CommandLine;
using Verified.Kernel.Run;
using Verified.Proofs.Refinement;
using Verified.Trace;

namespace Verified.Cli.Verbs;

/// <summary>
/// `verified boot ROOT.elf [MODULE.elf ...] [--max-instructions N] [--trace FILE]`: boots the
/// kernel with the root task from ROOT.elf (the modules become frames the root task receives),
/// prints the console, exits with the root task's exit code (2 with a one-line reason for a bad
/// image or unreadable file; 4 when the instruction limit is reached or no task can run).
/// --trace FILE writes the syscalls and faults in the project's trace format. --refinement checks
/// every syscall against the specification (<see cref="CheckedBoot"/>): a violation stops the run,
/// exits 1, and --trace then holds a counterexample that `verified replay` runs again; --plant NAME
/// plants a known kernel bug for the checker to catch.
/// </summary>
internal static class BootVerb
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var root = new Argument<FileInfo>("root") { Description = "The root task: a static ELF64 x86-64 executable." };
        var modules = new Argument<FileInfo[]>("modules") { Description = "Boot modules handed to the root task as frames.", Arity = ArgumentArity.ZeroOrMore };
        var max = new Option<long>("--max-instructions") { Description = "Stop after this many guest instructions (exit code 4).", DefaultValueFactory = _ => 2_000_000_000 };
        var memory = new Option<ulong>("--memory-mib") { Description = "Physical memory in MiB.", DefaultValueFactory = _ => 64 };
        var command = new Command("boot", "Boot the kernel with a root task and modules; print the console; exit with the root task's exit code.");
        command.Arguments.Add(root);
        command.Arguments.Add(modules);
        command.Options.Add(max);
        var trace = new Option<FileInfo?>("--trace") { Description = "Write the syscalls and faults of the run to FILE in the project's trace format (JSON)." };
        var refinement = new Option<bool>("--refinement")
        {
            Description = "Check every syscall against the specification; stop at a violation (exit 1), and with --trace write a counterexample `verified replay` runs again.",
        };
        var plant = new Option<string[]>("--plant")
        {
            Description = "With --refinement: plant a known kernel bug by name (Kernel/PlantedFaults.cs), to see the checker catch it. Repeatable.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        command.Options.Add(memory);
        command.Options.Add(trace);
        command.Options.Add(refinement);
        command.Options.Add(plant);
        command.SetAction(parse => Run(
            parse.GetValue(root)!, parse.GetValue(modules) ?? [], parse.GetValue(max), parse.GetValue(memory), parse.GetValue(trace),
            parse.GetValue(refinement), parse.GetValue(plant) ?? [], stdout, stderr));
        return command;
    }

    private static int Run(
        FileInfo root, FileInfo[] modules, long maxInstructions, ulong memoryMib, FileInfo? tracePath, bool refinement, string[] plant, TextWriter stdout, TextWriter stderr)
    {
        if (maxInstructions <= 0 || memoryMib is 0 or > 1024)
        {
            stderr.WriteLine("verified boot: --max-instructions must be positive and --memory-mib in [1, 1024]");
            return ExitCodes.UsageOrInput;
        }

        if (plant.Length > 0 && !refinement)
        {
            stderr.WriteLine("verified boot: --plant needs --refinement (a planted bug is there to be caught by the checker)");
            return ExitCodes.UsageOrInput;
        }

        byte[] rootBytes;
        var moduleBytes = new List<byte[]>();
        try
        {
            rootBytes = File.ReadAllBytes(root.FullName);
            foreach (var m in modules)
            {
                moduleBytes.Add(File.ReadAllBytes(m.FullName));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"verified boot: {e.Message}");
            return ExitCodes.UsageOrInput;
        }

        if (refinement)
        {
            var recipe = MachineRecipe.Program(root.Name, rootBytes, plant, modules.Zip(moduleBytes, (f, b) => (f.Name, b)), memoryMib << 20);
            return CheckedBoot.Run(recipe, maxInstructions, tracePath, stdout, stderr);
        }

        if (!KernelSystem.TryBoot(rootBytes, moduleBytes, memoryMib << 20, out var system, out var error))
        {
            stderr.WriteLine($"verified boot: {root.Name}: {error}");
            return ExitCodes.UsageOrInput;
        }

        var recorder = tracePath is null ? null : new BootTrace(system!);
        var outcome = system!.Run(maxInstructions);
        if (recorder is not null)
        {
            try
            {
                File.WriteAllText(tracePath!.FullName, TraceJson.Serialize(recorder.ToDocument(root.FullName, outcome)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"verified boot: cannot write the trace: {e.Message}");
                return ExitCodes.UsageOrInput;
            }
        }

        return Finish(system, outcome, stdout, stderr);
    }

    /// <summary>Prints the console and maps how the run ended to the exit code.</summary>
    internal static int Finish(KernelSystem system, RunOutcome outcome, TextWriter stdout, TextWriter stderr)
    {
        stdout.Write(System.Text.Encoding.UTF8.GetString([.. system.Kernel.ConsoleOutput]));
        stdout.Flush();
        switch (outcome)
        {
            case RunOutcome.Exited e:
                return (int)(e.Code & 0xFF);
            case RunOutcome.InstructionLimit l:
                stderr.WriteLine($"verified boot: instruction limit reached after {l.Instructions} instructions");
                return ExitCodes.GuestStopped;
            case RunOutcome.Stuck s:
                stderr.WriteLine($"verified boot: {s.Reason}");
                return ExitCodes.GuestStopped;
            default:
                throw new InvalidOperationException($"unknown run outcome {outcome}");
        }
    }
}
