using System.Diagnostics;
using System.Globalization;
using Verified.Machine.Elf;
using Verified.Machine.Linux;

namespace Verified.Bench;

/// <summary>
/// `mips FILE.elf... [--rounds N]`: runs each static ELF on the bare machine N times in one process
/// (the first rounds warm up the JIT and dynamic PGO) and prints the MIPS of each round and the
/// median of the rounds after the first half, then the median over all files.
/// </summary>
internal static class MipsMode
{
    public static int Run(string[] args)
    {
        var rounds = 6;
        var files = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds" && i + 1 < args.Length)
            {
                rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else
            {
                files.Add(args[i]);
            }
        }

        var medians = new List<double>();
        var bests = new List<double>();
        foreach (var file in files)
        {
            if (!ElfImage.TryParse(File.ReadAllBytes(file), out var image, out var error))
            {
                Console.Error.WriteLine($"{file}: {error}");
                return 2;
            }

            var figures = new List<double>();
            var wall = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                var process = BareProcess.Load(image, [file]);
                // CPU time of this process, not wall time: the bench machine is shared, and waiting for a
                // core is not the interpreter's cost. Wall-clock figures are printed too.
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var outcome = process.Run(Stream.Null, Stream.Null);
                clock.Stop();
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                var mips = process.Cpu.InstructionsRetired / cpuSeconds / 1e6;
                wall.Add(process.Cpu.InstructionsRetired / clock.Elapsed.TotalSeconds / 1e6);
                figures.Add(mips);
                if (outcome is not BareOutcome.Exited)
                {
                    Console.Error.WriteLine($"{file}: {outcome}");
                }
            }

            var warm = figures.Skip(rounds / 2).Order().ToList();
            var median = warm[warm.Count / 2];
            medians.Add(median);
            bests.Add(warm[^1]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(file),-24} rounds: {string.Join(' ', figures.Select(f => f.ToString("F0", CultureInfo.InvariantCulture)))}  warm median {median:F1} best {warm[^1]:F1} MIPS (CPU time), wall {wall.Skip(rounds / 2).Order().ElementAt(wall.Count / 4):F1}"));
        }

        var sorted = medians.Order().ToList();
        var sortedBests = bests.Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median over {sorted.Count} programs: {sorted[sorted.Count / 2]:F1} MIPS (of per-program medians), {sortedBests[sortedBests.Count / 2]:F1} MIPS (of per-program bests)"));
        return 0;
    }
}
