using System.Diagnostics;
using System.Globalization;
using Verified.Kernel.Run;
using Verified.Proofs.Refinement;

namespace Verified.Bench;

/// <summary>
/// `refinement-x86 [--syscalls N] [--seed S] [--no-examples]`: the refinement checker's cost on
/// guest x86 programs running on the emulated CPU, the product's main use (the `refinement`
/// mode drives syscalls through the C# API with no guest code: the worst case). The machine fuzz
/// recipe (Userland/examples/fuzz.c, random syscalls from several tasks) runs N syscalls (default
/// 10,000, the root's included) with the checker — no cross-check, which is a test aid — and
/// the same recipe without a checker, stopped at the same syscall; the two must end in the same
/// machine state (instructions, syscalls, fingerprint), or the ratio would compare different work.
/// Then the example programs the kernel tests boot, each run to its end both ways, one line each.
/// Each side is warmed up first on another seed (1 s unchecked, 4 s checked), as in `refinement`.
/// </summary>
internal static class RefinementX86Mode
{
    // Every example under Userland/examples that runs to its end on its own (fuzz needs a seed and
    // never ends; eighttasks ends with the root waiting, "stuck" by design).
    private static readonly string[] Examples = ["hello", "pingpong", "pager", "supervisor", "grants", "migrate", "eighttasks", "ipcbench"];

    // The kernel tests' largest budget (ipcbench); every example ends well within it.
    private const long ExampleInstructions = 200_000_000;

    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        long syscalls = 10_000;
        ulong seed = 0xC0FFEE;
        var examples = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--syscalls" when i + 1 < args.Length: syscalls = long.Parse(args[++i], inv); break;
                case "--seed" when i + 1 < args.Length: seed = ParseSeed(args[++i]); break;
                case "--no-examples": examples = false; break;
                default:
                    Console.Error.WriteLine($"refinement-x86: unknown option {args[i]} (options: --syscalls N, --seed S, --no-examples)");
                    return 2;
            }
        }

        var fuzz = KernelFixtures.Program("fuzz");
        var recipe = MachineRecipe.Fuzz(fuzz, seed) with { CrossCheckEvery = 0 };
        var warm = MachineRecipe.Fuzz(fuzz, seed + 1) with { CrossCheckEvery = 0 };
        var failed = false;

        // Another seed warms up, so that nothing the checker keeps per thread (its compiled spec,
        // the states it last saw hold) comes from the measured run itself.
        WarmUp(warm, check: false, TimeSpan.FromSeconds(1));
        WarmUp(warm, check: true, TimeSpan.FromSeconds(4));

        // The unchecked run is short: repeated (each on a fresh boot, not timed) until it has run
        // for 2 s; its time is the mean. The checked run is measured once, with no per-phase clocks.
        var (plain, passes) = Repeated(() => RunPlain(recipe, syscalls, long.MaxValue, byKind: false), TimeSpan.FromSeconds(2));
        var chk = RunChecked(recipe, syscalls, long.MaxValue, timings: false, byKind: false);
        failed |= Report(chk);
        failed |= !SameWork("machine fuzz", chk, plain);
        var c = chk.Checker!;
        Console.WriteLine(string.Create(inv, $"refinement-x86: machine fuzz (Userland/examples/fuzz.c), seed 0x{seed:x}: {chk.Syscalls:N0} syscalls (the root's included), {chk.Instructions:N0} guest instructions; the checked and unchecked runs end in the same machine state, {chk.Size}"));
        Console.WriteLine(string.Create(inv, $"unchecked: {plain.Syscalls} syscalls in {plain.Wall.TotalMilliseconds:F1} ms ({plain.Syscalls / plain.Wall.TotalSeconds:F0}/s, {plain.Instructions / plain.Wall.TotalSeconds / 1e6:F1} MIPS), CPU {plain.Cpu.TotalMilliseconds:F1} ms (mean of {passes} passes); last pass {plain.Gc}"));
        Console.WriteLine(string.Create(inv, $"checked:   {chk.Syscalls} syscalls in {chk.Wall.TotalMilliseconds:F1} ms ({chk.Syscalls / chk.Wall.TotalSeconds:F1}/s; {c.CheckedCount / chk.Wall.TotalSeconds:F1} spec transitions compared/s), CPU {chk.Cpu.TotalMilliseconds:F1} ms; {chk.Gc}; checked {c.CheckedCount}, unmodelled {c.UnmodelledCount}, divergences {c.DivergenceCount}, violations {(c.Violation is null ? 0 : 1)}"));
        Console.WriteLine(string.Create(inv, $"ratio checked/unchecked: wall {chk.Wall / plain.Wall:F1}x, CPU {chk.Cpu / plain.Cpu:F1}x"));
        // The checker costs per syscall, not per instruction: the ratio falls as guests compute
        // more between syscalls. With E the checker's extra CPU time per syscall, u the unchecked
        // CPU time per syscall and r the unchecked rate (instructions per CPU second, the kernel's
        // time included, so the estimate errs high), CPU ratio <= 3 needs u + k/r >= E/2.
        var extra = (chk.Cpu - plain.Cpu).TotalSeconds / chk.Syscalls;
        var perSyscall = plain.Cpu.TotalSeconds / plain.Syscalls;
        var rate = plain.Instructions / plain.Cpu.TotalSeconds;
        Console.WriteLine(string.Create(inv, $"per syscall: unchecked {perSyscall * 1e6:F1} µs CPU ({(double)plain.Instructions / plain.Syscalls:F0} guest instructions), the checker's extra {extra * 1e6:F1} µs CPU; at {rate / 1e6:F1} MIPS a guest would need about {Math.Max(0, ((extra / 2) - perSyscall) * rate):N0} instructions between syscalls for the CPU ratio to reach 3x"));

        var phased = RunChecked(recipe, syscalls, long.MaxValue, timings: true, byKind: true);
        var plainKinds = RunPlain(recipe, syscalls, long.MaxValue, byKind: true);
        var t = phased.Checker!.Timings;
        var phases = string.Join(", ", Enum.GetValues<CheckerPhase>().Select(p => string.Create(inv, $"{p} {t[p].TotalMilliseconds:F1} ms (CPU {t.Cpu(p).TotalMilliseconds:F1} ms) / {t.Allocated(p) >> 20} MiB")));
        Console.WriteLine(string.Create(inv, $"with per-phase timings and the per-kind clock (a separate pass, {phased.Wall.TotalMilliseconds:F1} ms): time per phase: {phases}"));
        Console.WriteLine("time per syscall kind (one more pass each way, kernel entry to exit; the checked pass has its phase clocks on):");
        Console.WriteLine(SyscallKindTimer.Table(phased.Kinds!, plainKinds.Kinds!, Compared(phased.Checker)));

        if (examples)
        {
            Console.WriteLine("example programs, each run to its end (unchecked repeated for at least 0.3 s, checked once, after one warm-up run of each):");
            foreach (var name in Examples)
            {
                failed |= !Example(name);
            }
        }

        return failed ? 1 : 0;
    }

    private static bool Example(string name)
    {
        var inv = CultureInfo.InvariantCulture;
        var recipe = MachineRecipe.Program(name, KernelFixtures.Program(name)) with { CrossCheckEvery = 0 };
        RunPlain(recipe, long.MaxValue, ExampleInstructions, byKind: false);
        RunChecked(recipe, long.MaxValue, ExampleInstructions, timings: false, byKind: false);
        var (plain, passes) = Repeated(() => RunPlain(recipe, long.MaxValue, ExampleInstructions, byKind: false), TimeSpan.FromSeconds(0.3));
        var chk = RunChecked(recipe, long.MaxValue, ExampleInstructions, timings: false, byKind: false);
        var bad = Report(chk) | !SameWork(name, chk, plain);
        var c = chk.Checker!;
        Console.WriteLine(string.Create(inv,
            $"  {name,-11} {chk.Syscalls,6} syscalls {chk.Instructions,12:N0} instructions, ended {Ended(chk.Ended)}; unchecked {plain.Wall.TotalMilliseconds,8:F2} ms (CPU {plain.Cpu.TotalMilliseconds:F2}, {passes} passes), checked {chk.Wall.TotalMilliseconds,9:F1} ms (CPU {chk.Cpu.TotalMilliseconds:F1}, {chk.Syscalls / chk.Wall.TotalSeconds:F0} syscalls/s); ratio wall {chk.Wall / plain.Wall:F1}x, CPU {chk.Cpu / plain.Cpu:F1}x; checked {c.CheckedCount}, unmodelled {c.UnmodelledCount}, divergences {c.DivergenceCount}"));
        return !bad;
    }

    /// <summary>One run: what it did, its times (the run loop only, boot excluded) and its end state.</summary>
    /// <param name="Size">How big the kernel state the checker abstracts was at the end (the checker's cost per step seems to grow with it).</param>
    private sealed record Side(long Syscalls, long Instructions, TimeSpan Wall, TimeSpan Cpu, string Gc, ulong Fingerprint, RunOutcome? Ended, RefinementChecker? Checker, SyscallKindTimer? Kinds, string Size);

    private static string StateSize(Kernel.Kernel kernel) =>
        $"{kernel.Objects.All.Count(o => o.IsLive)} live objects and {Abstraction.OccupiedSlots(kernel).Count} occupied capability slots at the end";

    private static Side RunChecked(MachineRecipe recipe, long maxSteps, long maxInstructions, bool timings, bool byKind)
    {
        if (!CheckedMachineRun.TryStart(recipe, out var run, out var error))
        {
            throw new InvalidOperationException($"refinement-x86: {error}");
        }

        run!.Checker.Timings.Enabled = timings;
        var kinds = byKind ? SyscallKindTimer.Install(run.System.Kernel, cpu: true) : null;
        var before = run.System.Kernel.SyscallCount;
        var (wall, cpu, gc) = Timed(() => run.Run(maxSteps, maxInstructions));
        // The end-of-run check of the final state (CheckedMachineRun does it itself when the
        // machine stopped by itself); outside the timing, as a run that goes on would not do it.
        if (run.Ended is null) run.Checker.Finish(run.System.Kernel);
        var syscalls = run.System.Kernel.SyscallCount - before;
        if (syscalls != run.Checker.Steps.Count)
        {
            throw new InvalidOperationException($"refinement-x86: the checker saw {run.Checker.Steps.Count} of {syscalls} syscalls");
        }

        return new Side(syscalls, run.Instructions, wall, cpu, gc, run.System.Fingerprint(), run.Ended, run.Checker, kinds, StateSize(run.System.Kernel));
    }

    // The same recipe with no observer, driven exactly as CheckedMachineRun.Run drives it (the
    // recipe's slices, an interrupt at the step bound), so that it stops at the same syscall.
    private static Side RunPlain(MachineRecipe recipe, long maxSteps, long maxInstructions, bool byKind)
    {
        var images = recipe.Images.Select(i => i.Bytes.ToArray()).ToArray();
        if (!KernelSystem.TryBoot(images[0], images[1..], recipe.MemoryBytes, out var system, out var error))
        {
            throw new InvalidOperationException($"refinement-x86: the machine does not boot {recipe.Images[0].Name}: {error}");
        }

        var k = system!.Kernel;
        if (recipe.RevokeDeletionsPerEntry is { } perEntry) k.RevokeDeletionsPerEntry = perEntry;
        system.TimeSlice = recipe.TimeSlice;
        var kinds = byKind ? SyscallKindTimer.Install(k, cpu: false) : null;
        var before = k.SyscallCount;
        var start = system.Cpu.InstructionsRetired;
        RunOutcome? ended = null;
        system.Interrupt = () => k.SyscallCount - before >= maxSteps;
        var (wall, cpu, gc) = Timed(() =>
        {
            while (ended is null && k.SyscallCount - before < maxSteps && system.Cpu.InstructionsRetired - start < maxInstructions)
            {
                var outcome = system.Run(recipe.SliceInstructions);
                if (outcome is RunOutcome.Exited or RunOutcome.Stuck) ended = outcome;
            }
        });
        system.Interrupt = null;
        return new Side(k.SyscallCount - before, system.Cpu.InstructionsRetired - start, wall, cpu, gc, system.Fingerprint(), ended, null, kinds, StateSize(k));
    }

    private static (TimeSpan Wall, TimeSpan Cpu, string Gc) Timed(Action run)
    {
        var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu0 = CpuClock.Process;
        var clock = Stopwatch.StartNew();
        run();
        clock.Stop();
        var cpu = CpuClock.Process - cpu0;
        var gc = string.Create(CultureInfo.InvariantCulture,
            $"allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1 << 20)} MiB, collections gen0/1/2 {GC.CollectionCount(0) - gcs.Item1}/{GC.CollectionCount(1) - gcs.Item2}/{GC.CollectionCount(2) - gcs.Item3}");
        return (clock.Elapsed, cpu, gc);
    }

    // Runs until at least `atLeast` of run time; the mean wall and CPU time, the last run's counts.
    private static (Side Mean, int Passes) Repeated(Func<Side> run, TimeSpan atLeast)
    {
        TimeSpan wall = TimeSpan.Zero, cpu = TimeSpan.Zero;
        var passes = 0;
        Side last;
        do
        {
            last = run();
            wall += last.Wall;
            cpu += last.Cpu;
            passes++;
        }
        while (wall < atLeast);
        return (last with { Wall = wall / passes, Cpu = cpu / passes }, passes);
    }

    private static void WarmUp(MachineRecipe recipe, bool check, TimeSpan atLeast)
    {
        var clock = Stopwatch.StartNew();
        do
        {
            if (check) RunChecked(recipe, 2_000, long.MaxValue, timings: false, byKind: false);
            else RunPlain(recipe, 20_000, long.MaxValue, byKind: false);
        }
        while (clock.Elapsed < atLeast);
    }

    // The ratio is only meaningful if the checker did not change what the machine did.
    private static bool SameWork(string what, Side chk, Side plain)
    {
        if (chk.Syscalls == plain.Syscalls && chk.Instructions == plain.Instructions && chk.Fingerprint == plain.Fingerprint && Equals(chk.Ended, plain.Ended)) return true;
        Console.WriteLine($"refinement-x86: {what}: the unchecked run did other work than the checked one: syscalls {plain.Syscalls} vs {chk.Syscalls}, instructions {plain.Instructions} vs {chk.Instructions}, fingerprint {plain.Fingerprint:x} vs {chk.Fingerprint:x}, ended {Ended(plain.Ended)} vs {Ended(chk.Ended)}");
        return false;
    }

    // A violation is a finding, not a benchmark figure: printed, and the exit status is 1.
    private static bool Report(Side chk)
    {
        if (chk.Checker?.Violation is not { } v) return false;
        Console.WriteLine($"refinement-x86: refinement violation at step {chk.Checker.Steps.Count}: {v.Property} / {v.Clause}: {v.Message}");
        return true;
    }

    private static Dictionary<long, int> Compared(RefinementChecker checker) =>
        checker.Steps.Where(s => s.Verdict == StepVerdict.Checked).GroupBy(s => SyscallKindTimer.Key(s.Number)).ToDictionary(g => g.Key, g => g.Count());

    private static string Ended(RunOutcome? outcome) => outcome switch
    {
        null => "at the bound",
        RunOutcome.Exited e => $"exit {e.Code}",
        RunOutcome.Stuck s => $"stuck ({s.Reason})",
        _ => outcome.ToString() ?? "",
    };

    private static ulong ParseSeed(string s) =>
        s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : ulong.Parse(s, CultureInfo.InvariantCulture);
}
