using System.Diagnostics;
using System.Globalization;
using Verified.Machine;

namespace Verified.Bench;

/// <summary>
/// `snapshot-cost [--megabytes M] [--dirty N]`: the cost a model checker pays per explored state on a
/// machine of M MiB with N pages in use: Snapshot, dirtying one page, Fingerprint, Restore.
/// </summary>
internal static class SnapshotCostMode
{
    public static int Run(string[] args)
    {
        var megabytes = 64UL;
        var dirty = 1000;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--megabytes": megabytes = ulong.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--dirty": dirty = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        var memory = new PhysicalMemory(megabytes << 20);
        var cpu = new Cpu(memory);
        var random = new Random(1);
        var page = new byte[4096];
        for (var p = 0; p < dirty; p++)
        {
            random.NextBytes(page);
            memory.Write((ulong)p * 4096, page);
        }

        const int Rounds = 2000;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var r = 0; r < Rounds; r++)
        {
            var s = cpu.Snapshot();
            memory.Write((ulong)(r % dirty) * 4096, page.AsSpan(0, 64));
            _ = cpu.Fingerprint();
            cpu.Restore(s);
        }

        clock.Stop();
        var cpuMicroseconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{megabytes} MiB, {dirty} pages in use: snapshot + 1 dirty page + fingerprint + restore = {cpuMicroseconds / Rounds:F1} µs CPU ({clock.Elapsed.TotalMicroseconds / Rounds:F1} µs wall) per state"));
        return 0;
    }
}
