using System.Diagnostics;
using System.Globalization;
using Verified.Machine.Tests.Infrastructure;

namespace Verified.Bench;

/// <summary>
/// `soak-differential [--seconds S] [--seed N]`: the machine tests' differential check without
/// their time limit — batches of random sequences (one in six ending in a faulting instruction)
/// run on the host CPU and on the emulator until S seconds (default 600) have passed. Exit
/// status 1 with the reproductions when any sequence differs.
/// </summary>
internal static class SoakDifferentialMode
{
    public static int Run(string[] args)
    {
        var seconds = 600.0;
        var seed = Environment.TickCount;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Length:
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seed" when i + 1 < args.Length:
                    seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"soak-differential: unknown argument {args[i]}");
                    return 2;
            }
        }

        using var native = NativeHarness.Start(GccBuilder.Shared);
        var emulator = new EmulatorHarness();
        var clock = Stopwatch.StartNew();
        long sequences = 0, instructions = 0;
        var failed = 0;
        for (var round = 0; clock.Elapsed.TotalSeconds < seconds; round++)
        {
            var faulting = round % 6 == 5;
            const int Count = 2000;
            var report = DifferentialRun.Execute(native.Run, emulator, seed + round, Count, faulting, out var emulated);
            sequences += Count;
            instructions += emulated;
            if (report is not null)
            {
                failed++;
                Console.WriteLine(report);
            }
            if (round % 10 == 9)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:F0} s: {sequences} sequences, {instructions} instructions, {failed} failing batches"));
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak-differential: {sequences} sequences (seeds {seed}..{seed + (sequences / 2000) - 1}), {instructions} emulated instructions in {clock.Elapsed.TotalSeconds:F0} s; {failed} failing batches"));
        return failed == 0 ? 0 : 1;
    }
}
