using System.Diagnostics;
using System.Globalization;
using Verified.Machine.Linux;
using Verified.Machine.Tests.Infrastructure;

namespace Verified.Bench;

/// <summary>
/// `corpus-mips [--instructions N] [--rounds R] [--level O2] [--no-qemu]`: the emulator's MIPS on
/// the machine-tests corpus, each program scaled to about N instructions (default 50 million),
/// run R times after two warm-up runs (JIT tiering and dynamic PGO); the median round per
/// program, then the median over programs. The same executables are timed natively and under
/// qemu-x86_64 (when installed), in CPU time of the child, and reported as ratios.
/// </summary>
internal static class CorpusMipsMode
{
    private sealed record Row(string Program, int Scale, long Instructions, double EmulatorSeconds, double EmulatorWallSeconds, double? QemuSeconds, double NativeSeconds);

    public static int Run(string[] args)
    {
        var target = 50_000_000L;
        var rounds = 3;
        var level = "O2";
        var qemu = FindQemu();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--instructions" when i + 1 < args.Length:
                    target = long.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--rounds" when i + 1 < args.Length:
                    rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--level" when i + 1 < args.Length:
                    level = args[++i];
                    break;
                case "--no-qemu":
                    qemu = null;
                    break;
                default:
                    Console.Error.WriteLine($"corpus-mips: unknown argument {args[i]}");
                    return 2;
            }
        }
        if (qemu is null)
        {
            Console.Error.WriteLine("corpus-mips: qemu-x86_64 not used (install the Debian package qemu-user for the comparison)");
        }

        var rows = new List<Row>();
        foreach (var program in Corpus.Programs)
        {
            var executable = Corpus.Build(GccBuilder.Shared, program, level);
            // Instructions grow about linearly with the scale after a fixed part: two probes give both.
            var one = EmulatedProgram.Run(executable, ["1"]).Instructions;
            var four = EmulatedProgram.Run(executable, ["4"]).Instructions;
            var perStep = Math.Max(1, (four - one) / 3);
            var scale = (int)Math.Clamp((target - one + perStep) / perStep, 1, 100_000);
            string[] arguments = [scale.ToString(CultureInfo.InvariantCulture)];

            var native = Corpus.RunNative(executable, arguments);
            for (var warm = 0; warm < 2; warm++)
            {
                Check(program, native, EmulatedProgram.Run(executable, arguments));
            }
            var emulatorCpu = new List<double>();
            var emulatorWall = new List<double>();
            var nativeCpu = new List<double>();
            var qemuCpu = new List<double>();
            long instructions = 0;
            for (var r = 0; r < rounds; r++)
            {
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var run = EmulatedProgram.Run(executable, arguments);
                emulatorCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);
                emulatorWall.Add(run.Elapsed.TotalSeconds);
                instructions = run.Instructions;
                Check(program, native, run);

                nativeCpu.Add(ChildSeconds(() => Corpus.RunNative(executable, arguments)));
                if (qemu is not null)
                {
                    qemuCpu.Add(ChildSeconds(() =>
                    {
                        var underQemu = Corpus.RunNative(executable, arguments, qemu);
                        if (!underQemu.Equals(native))
                        {
                            throw new InvalidOperationException($"{program} under qemu differs from native");
                        }
                    }));
                }
            }
            var row = new Row(program, scale, instructions, Median(emulatorCpu), Median(emulatorWall), qemu is null ? null : Median(qemuCpu), Median(nativeCpu));
            rows.Add(row);
            Print(row);
        }

        var mips = rows.Select(r => r.Instructions / r.EmulatorSeconds / 1e6).ToList();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median over {rows.Count} programs at -{level}: {Median(mips):F1} MIPS (emulator CPU time; wall {Median(rows.Select(r => r.Instructions / r.EmulatorWallSeconds / 1e6).ToList()):F1})"));
        if (qemu is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median time ratio emulator/qemu: {Median(rows.Select(r => r.EmulatorSeconds / r.QemuSeconds!.Value).ToList()):F2}  (qemu median {Median(rows.Select(r => r.Instructions / r.QemuSeconds!.Value / 1e6).ToList()):F1} MIPS-equivalent)"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median time ratio emulator/native: {Median(rows.Select(r => r.EmulatorSeconds / r.NativeSeconds).ToList()):F1}"));
        return 0;
    }

    private static void Check(string program, ProgramResult native, EmulatedRun run)
    {
        if (run.Outcome is not BareOutcome.Exited || !run.Result.Equals(native))
        {
            throw new InvalidOperationException($"{program}: the emulator's run differs from native ({run.Outcome})");
        }
    }

    private static double ChildSeconds(Action run)
    {
        var before = ChildCpuTime.Total;
        run();
        return (ChildCpuTime.Total - before).TotalSeconds;
    }

    private static void Print(Row row)
    {
        var mips = row.Instructions / row.EmulatorSeconds / 1e6;
        var qemu = row.QemuSeconds is { } q
            ? string.Create(CultureInfo.InvariantCulture, $"qemu {q:F3} s (emulator/qemu {row.EmulatorSeconds / q:F2})")
            : "qemu -";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{row.Program,-10} scale {row.Scale,6} {row.Instructions / 1e6,8:F1} M instr  emulator {row.EmulatorSeconds:F3} s = {mips,6:F1} MIPS  {qemu}  native {row.NativeSeconds:F3} s"));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string? FindQemu() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, "qemu-x86_64"))
            .FirstOrDefault(File.Exists);
}
