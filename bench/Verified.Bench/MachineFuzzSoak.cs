using System.Diagnostics;
using System.Globalization;
using Verified.Kernel.Checking;
using Verified.Kernel.Run;

namespace Verified.Bench;

/// <summary>
/// `dotnet run -c Release --project bench/Verified.Bench -- soak-x86 [--syscalls N] [--seeds K]
/// [--check incremental|full|none|compare] [--cross-check-every M]`: the random x86-task fuzz
/// (Userland/examples/fuzz.c) for K seeds of N random syscalls each (defaults 200,000 and 1),
/// checked after every syscall. `compare` measures syscalls/s with no check, the incremental
/// check and the full check (the full one on at most 5,000 syscalls: it is slow), per CPU second
/// of the process (the machine is shared), wall time beside it. Exit 1 on a failure, printed with
/// seed, step and the offending syscall.
/// </summary>
internal static class MachineFuzzSoak
{
    public static int Run(string[] args)
    {
        long syscalls = 200_000;
        var seeds = 1;
        var check = "incremental";
        var every = 1000;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--syscalls": syscalls = long.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seeds": seeds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--check": check = args[i + 1]; break;
                case "--cross-check-every": every = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"soak-x86: unknown option {args[i]}");
                    return 2;
            }
        }

        var elf = KernelFixtures.Program("fuzz");
        var modes = check switch
        {
            "incremental" => [(CheckMode.Incremental, syscalls)],
            "full" => [(CheckMode.Full, syscalls)],
            "none" => [(CheckMode.None, syscalls)],
            "compare" => new[] { (CheckMode.None, syscalls), (CheckMode.Incremental, syscalls), (CheckMode.Full, Math.Min(syscalls, 5_000)) },
            _ => null,
        };
        if (modes is null)
        {
            Console.Error.WriteLine($"soak-x86: --check is incremental, full, none or compare, not {check}");
            return 2;
        }

        MachineFuzz.Run(elf, 99, 2_000, CheckMode.Incremental); // warm the JIT before timing
        foreach (var (mode, n) in modes)
        {
            long total = 0, random = 0;
            var seconds = 0.0;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            for (var s = 1; s <= seeds; s++)
            {
                var seed = 0x5EED_0000UL + (ulong)s;
                var r = MachineFuzz.Run(elf, seed, n, mode, every);
                if (r.Failure is not null)
                {
                    Console.WriteLine($"soak-x86 {mode}: {r.Failure}");
                    return 1;
                }

                total += r.FuzzerSyscalls + r.RootSyscalls;
                random += r.FuzzerSyscalls;
                seconds += r.Elapsed.TotalSeconds;
            }

            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"soak-x86 {mode,-11}: {random,9:N0} random syscalls ({total:N0} with the root's) from {seeds} seed(s): {total / cpu,9:N0} syscalls per CPU second ({cpu:F2} s CPU, {seconds:F2} s wall), {mode switch { CheckMode.None => "statuses checked, no consistency check", CheckMode.Incremental => $"consistent after each (incremental, cross-checked every {every})", _ => "consistent after each (full check)" }}"));
        }

        return 0;
    }
}
