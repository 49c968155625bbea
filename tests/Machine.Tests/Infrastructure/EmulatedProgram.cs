using Verified.Machine.Elf;
using Verified.Machine.Linux;

namespace Verified.Machine.Tests.Infrastructure;

/// <summary>A corpus program run under the emulator: its behaviour, how it ended, and the instructions it took.</summary>
public sealed record EmulatedRun(ProgramResult Result, BareOutcome Outcome, long Instructions, TimeSpan Elapsed);

/// <summary>Runs a static executable on the bare machine (<see cref="BareProcess"/>, what `verified exec` uses).</summary>
public static class EmulatedProgram
{
    public static EmulatedRun Run(string executable, IReadOnlyList<string> arguments, long maxInstructions = 2_000_000_000)
    {
        if (!ElfImage.TryParse(File.ReadAllBytes(executable), out var image, out var error))
        {
            throw new InvalidOperationException($"{executable} is not a loadable ELF: {error}");
        }
        var process = BareProcess.Load(image, [executable, .. arguments]);
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcome = process.Run(stdout, stderr, maxInstructions);
        clock.Stop();
        var exitCode = outcome is BareOutcome.Exited exited ? exited.Status : -1;
        return new EmulatedRun(new ProgramResult(stdout.ToArray(), exitCode), outcome, process.Cpu.InstructionsRetired, clock.Elapsed);
    }
}
