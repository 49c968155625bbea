using System.Diagnostics;
using System.Text;
using Verified.Kernel.Abi;
using Verified.Kernel.Run;

namespace Verified.Bench;

/// <summary>
/// `dotnet run -c Release --project bench/Verified.Bench -- kernel`: the kernel's figures —
/// IPC call+reply round trip (guest instructions from the guest's rdtsc, host time through the C#
/// API and end to end), syscalls per second, snapshot+restore of a booted 8-task system.
/// </summary>
internal static class KernelMode
{
    public static int Run()
    {
        // End to end: the ipcbench program (20000 round trips, 20000 null syscalls).
        KernelSystem.TryBoot(KernelFixtures.Program("ipcbench"), [], 32 << 20, out var warm, out _);
        warm!.Run(2_000_000_000);
        KernelSystem.TryBoot(KernelFixtures.Program("ipcbench"), [], 32 << 20, out var system, out var error);
        if (system is null)
        {
            Console.Error.WriteLine(error);
            return 2;
        }

        var sw = Stopwatch.StartNew();
        var outcome = system.Run(2_000_000_000);
        sw.Stop();
        Console.Write(Encoding.UTF8.GetString([.. system.Kernel.ConsoleOutput]));
        Console.WriteLine($"end to end: {outcome}, {system.Kernel.SyscallCount} syscalls and {system.Cpu.InstructionsRetired} guest instructions in {sw.Elapsed.TotalMilliseconds:F0} ms "
            + $"= {system.Kernel.SyscallCount / sw.Elapsed.TotalSeconds:F0} syscalls/s (boot and guest work included)");

        // Kernel only (C# API, no CPU): call+reply round trips and null syscalls.
        var (k, client, server, ep) = KernelFixtures.ClientServer();
        const int rounds = 200_000;
        for (var i = 0; i < rounds; i++)
        {
            // Warm-up long enough for tiered JIT to reach optimised code.
            KernelFixtures.RoundTrip(k, client, server, ep, (ulong)i);
            k.Syscall(client, SyscallNumber.Null);
        }

        sw.Restart();
        for (var i = 0; i < rounds; i++)
        {
            KernelFixtures.RoundTrip(k, client, server, ep, (ulong)i);
        }

        sw.Stop();
        Console.WriteLine($"kernel only: call+reply round trip {sw.Elapsed.TotalMilliseconds * 1e6 / rounds:F0} ns ({rounds} round trips)");
        sw.Restart();
        for (var i = 0; i < rounds; i++)
        {
            k.Syscall(client, SyscallNumber.Null);
        }

        sw.Stop();
        Console.WriteLine($"kernel only: {rounds / sw.Elapsed.TotalSeconds:F0} null syscalls/s");

        // Snapshot + restore of a booted system with 8 tasks.
        var eight = KernelFixtures.EightTasks();
        const int snaps = 2000;
        for (var i = 0; i < 100; i++)
        {
            eight.Restore(eight.Snapshot());
        }

        sw.Restart();
        for (var i = 0; i < snaps; i++)
        {
            eight.Restore(eight.Snapshot());
        }

        sw.Stop();
        Console.WriteLine($"8 tasks: snapshot+restore {sw.Elapsed.TotalMilliseconds * 1000 / snaps:F1} µs (kernel objects {eight.Kernel.Objects.Capacity}, memory 32 MiB copy-on-write)");
        sw.Restart();
        for (var i = 0; i < 100; i++)
        {
            eight.Fingerprint();
        }

        sw.Stop();
        Console.WriteLine($"8 tasks: fingerprint {sw.Elapsed.TotalMilliseconds / 100:F2} ms");
        return 0;
    }
}
