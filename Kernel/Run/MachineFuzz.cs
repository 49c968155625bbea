using System.Diagnostics;
using Verified.Kernel.Abi;
using Verified.Kernel.Checking;

namespace Verified.Kernel.Run;

/// <summary>What one machine fuzz run did (a report, compared by nobody).</summary>
/// <param name="Seed">The seed given to the fuzz program.</param>
/// <param name="FuzzerSyscalls">Syscalls issued by the random tasks (the root's excluded).</param>
/// <param name="RootSyscalls">Syscalls issued by the root (spawning and recycling fuzzers).</param>
/// <param name="Faults">Faults taken.</param>
/// <param name="Instructions">Guest instructions run.</param>
/// <param name="Elapsed">Host time.</param>
/// <param name="Failure">Null when every property held, else seed, step, the offending event and what broke.</param>
/// <param name="Succeeded">Per syscall number, how many of the random tasks' calls returned Ok.</param>
public sealed class MachineFuzzResult(ulong Seed, long FuzzerSyscalls, long RootSyscalls, long Faults, long Instructions, TimeSpan Elapsed, string? Failure, IReadOnlyDictionary<SyscallNumber, long> Succeeded)
{
    /// <summary>The seed given to the fuzz program.</summary>
    public ulong Seed { get; } = Seed;

    /// <summary>Syscalls issued by the random tasks (the root's excluded).</summary>
    public long FuzzerSyscalls { get; } = FuzzerSyscalls;

    /// <summary>Syscalls issued by the root (spawning and recycling fuzzers).</summary>
    public long RootSyscalls { get; } = RootSyscalls;

    /// <summary>Faults taken.</summary>
    public long Faults { get; } = Faults;

    /// <summary>Guest instructions run.</summary>
    public long Instructions { get; } = Instructions;

    /// <summary>Host time.</summary>
    public TimeSpan Elapsed { get; } = Elapsed;

    /// <summary>Null when every property held, else seed, step, the offending event and what broke.</summary>
    public string? Failure { get; } = Failure;

    /// <summary>Per syscall number, how many of the random tasks' calls returned Ok.</summary>
    public IReadOnlyDictionary<SyscallNumber, long> Succeeded { get; } = Succeeded;
}

/// <summary>
/// Random x86 tasks (Userland/examples/fuzz.c) issue random syscalls on the machine. After every
/// syscall or fault: no host exception, a documented status, and the consistency check of the
/// chosen <see cref="CheckMode"/>. Used by the property test and the bench soak.
/// </summary>
public static class MachineFuzz
{
    private static readonly HashSet<KernelError> Documented = [.. Enum.GetValues<KernelError>()];

    /// <summary>Physical memory of the fuzz machine.</summary>
    public const ulong MemoryBytes = 16 << 20;

    /// <summary>The fuzz tasks' time slice: short, so the random tasks interleave often.</summary>
    public const long TimeSlice = 500;

    /// <summary>The run loop drives the system this many instructions at a time (the schedule depends on it, so a replay uses the same).</summary>
    public const long SliceInstructions = 20_000;

    /// <summary>The boot module that hands the seed to the fuzz program.</summary>
    public static byte[] SeedModule(ulong seed) => BitConverter.GetBytes(seed);

    /// <summary>Boots the fuzz program with a seed and runs it until the random tasks issued <paramref name="syscalls"/> syscalls or something broke.</summary>
    public static MachineFuzzResult Run(byte[] fuzzElf, ulong seed, long syscalls, CheckMode mode, int crossCheckEvery = 1000, Action<Kernel>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(fuzzElf);
        var clock = Stopwatch.StartNew();
        if (!KernelSystem.TryBoot(fuzzElf, [SeedModule(seed)], MemoryBytes, out var system, out var error))
        {
            throw new ArgumentException($"the fuzz program does not boot: {error}", nameof(fuzzElf));
        }

        var k = system!.Kernel;
        configure?.Invoke(k);
        system.TimeSlice = TimeSlice;
        var checker = new StepChecker(k, mode, crossCheckEvery);
        long fuzzer = 0, root = 0, faults = 0, step = 0;
        var succeeded = new Dictionary<SyscallNumber, long>();
        string? failure = null;
        k.Events += e =>
        {
            if (failure is not null)
            {
                return;
            }

            step++;
            if (e is KernelEvent.Syscall s)
            {
                _ = s.Task == system.RootTask ? root++ : fuzzer++;
                if (s.Task != system.RootTask && s.Status == KernelError.Ok)
                {
                    succeeded[s.Number] = succeeded.GetValueOrDefault(s.Number) + 1;
                }

                if (!Documented.Contains(s.Status))
                {
                    failure = Describe(seed, step, e, $"undocumented status {(long)s.Status}");
                    return;
                }
            }
            else
            {
                faults++;
            }

            if (checker.AfterStep() is { Count: > 0 } v)
            {
                failure = Describe(seed, step, e, string.Join("; ", v));
            }
        };

        var start = system.Cpu.InstructionsRetired;
        try
        {
            while (failure is null && fuzzer < syscalls)
            {
                var outcome = system.Run(SliceInstructions);
                if (outcome is not RunOutcome.InstructionLimit)
                {
                    failure = $"seed 0x{seed:x}: the fuzz system ended early after {fuzzer} random syscalls: {outcome}";
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = $"seed 0x{seed:x}, step {step + 1}: host exception {e}";
        }

        if (failure is null && checker.Finish() is { Count: > 0 } last)
        {
            failure = $"seed 0x{seed:x}, end (step {step}): {string.Join("; ", last)}";
        }

        return new MachineFuzzResult(seed, fuzzer, root, faults, system.Cpu.InstructionsRetired - start, clock.Elapsed, failure, succeeded);
    }

    private static string Describe(ulong seed, long step, KernelEvent e, string what) => e switch
    {
        KernelEvent.Syscall s => $"seed 0x{seed:x}, step {step}: {s.Task} {s.Number}({string.Join(", ", s.Args.Select(a => $"0x{a:x}"))}) -> {s.Status}: {what}",
        KernelEvent.Fault f => $"seed 0x{seed:x}, step {step}: {f.Task} fault {f.Kind} at 0x{f.Address:x} (rip 0x{f.Rip:x}): {what}",
        _ => $"seed 0x{seed:x}, step {step}: {e}: {what}",
    };
}
