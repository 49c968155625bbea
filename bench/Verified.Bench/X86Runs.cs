using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Verified.Kernel.Run;
using Verified.Proofs.Refinement;

namespace Verified.Bench;

/// <summary>
/// One run of a <see cref="MachineRecipe"/> for `refinement-x86`: with the checker
/// (<see cref="CheckedMachineRun"/>, no cross-check) or without (the same run loop), timed from
/// the first slice to the stop (booting is not timed).
/// </summary>
internal static class X86Runs
{
    /// <summary>One run: what it did, its times and its end state.</summary>
    /// <param name="Cpu">Process CPU time (every thread: the garbage collector's and the JIT's too).</param>
    /// <param name="ThreadCpu">CPU time of the thread that ran the machine and the checker.</param>
    /// <param name="Jit">Time the JIT spent compiling during the run (any thread): nonzero means the run was not all steady-state code.</param>
    /// <param name="Size">How big the kernel state the checker abstracts was at the end (the checker's cost per step seems to grow with it).</param>
    public sealed record Side(long Syscalls, long Instructions, TimeSpan Wall, TimeSpan Cpu, TimeSpan ThreadCpu, TimeSpan Jit, string Gc,
        ulong Fingerprint, RunOutcome? Ended, RefinementChecker? Checker, SyscallKindTimer? Kinds, string Size, KindPhaseTimer? KindPhases = null);

    private static string StateSize(Kernel.Kernel kernel) =>
        $"{kernel.Objects.All.Count(o => o.IsLive)} live objects and {Abstraction.OccupiedSlots(kernel).Count} occupied capability slots at the end";

    public static Side Checked(MachineRecipe recipe, long maxSteps, long maxInstructions, bool timings, bool byKind)
    {
        if (!CheckedMachineRun.TryStart(recipe, out var run, out var error))
        {
            throw new InvalidOperationException($"refinement-x86: {error}");
        }

        run!.Checker.Timings.Enabled = timings;
        var kindPhases = byKind && timings ? KindPhaseTimer.Install(run.System.Kernel, run.Checker) : null;
        var kinds = byKind ? SyscallKindTimer.Install(run.System.Kernel, cpu: true) : null;
        var before = run.System.Kernel.SyscallCount;
        var t = Timed(() => run.Run(maxSteps, maxInstructions));
        // The end-of-run check of the final state (CheckedMachineRun does it itself when the
        // machine stopped by itself); outside the timing, as a run that goes on would not do it.
        if (run.Ended is null) run.Checker.Finish(run.System.Kernel);
        var syscalls = run.System.Kernel.SyscallCount - before;
        if (syscalls != run.Checker.SyscallStepCount)
        {
            throw new InvalidOperationException($"refinement-x86: the checker saw {run.Checker.SyscallStepCount} of {syscalls} syscalls");
        }

        return new Side(syscalls, run.Instructions, t.Wall, t.Cpu, t.ThreadCpu, t.Jit, t.Gc, run.System.Fingerprint(), run.Ended, run.Checker, kinds, StateSize(run.System.Kernel), kindPhases);
    }

    // The same recipe with no observer, driven exactly as CheckedMachineRun.Run drives it (the
    // recipe's slices, an interrupt at the step bound), so that it stops at the same syscall.
    public static Side Plain(MachineRecipe recipe, long maxSteps, long maxInstructions, bool byKind)
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
        var t = Timed(() =>
        {
            while (ended is null && k.SyscallCount - before < maxSteps && system.Cpu.InstructionsRetired - start < maxInstructions)
            {
                var outcome = system.Run(recipe.SliceInstructions);
                if (outcome is RunOutcome.Exited or RunOutcome.Stuck) ended = outcome;
            }
        });
        system.Interrupt = null;
        return new Side(k.SyscallCount - before, system.Cpu.InstructionsRetired - start, t.Wall, t.Cpu, t.ThreadCpu, t.Jit, t.Gc, system.Fingerprint(), ended, null, kinds, StateSize(k));
    }

    private static (TimeSpan Wall, TimeSpan Cpu, TimeSpan ThreadCpu, TimeSpan Jit, string Gc) Timed(Action run)
    {
        var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var paused = GC.GetTotalPauseDuration();
        var jit0 = JitInfo.GetCompilationTime();
        var thread0 = CpuClock.ThreadNanoseconds();
        var cpu0 = CpuClock.Process;
        var clock = Stopwatch.StartNew();
        run();
        clock.Stop();
        var cpu = CpuClock.Process - cpu0;
        var thread = TimeSpan.FromMicroseconds((CpuClock.ThreadNanoseconds() - thread0) / 1000.0);
        var jit = JitInfo.GetCompilationTime() - jit0;
        var gc = string.Create(CultureInfo.InvariantCulture,
            $"allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1 << 20)} MiB, collections gen0/1/2 {GC.CollectionCount(0) - gcs.Item1}/{GC.CollectionCount(1) - gcs.Item2}/{GC.CollectionCount(2) - gcs.Item3}, paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms");
        return (clock.Elapsed, cpu, thread, jit, gc);
    }

    /// <summary>Runs until at least <paramref name="atLeast"/> of run time (at least once); the mean times, the last run's counts.</summary>
    public static (Side Mean, int Passes) Repeated(Func<Side> run, TimeSpan atLeast)
    {
        TimeSpan wall = TimeSpan.Zero, cpu = TimeSpan.Zero, thread = TimeSpan.Zero, jit = TimeSpan.Zero;
        var passes = 0;
        Side last;
        do
        {
            last = run();
            wall += last.Wall;
            cpu += last.Cpu;
            thread += last.ThreadCpu;
            jit += last.Jit;
            passes++;
        }
        while (wall < atLeast);
        return (last with { Wall = wall / passes, Cpu = cpu / passes, ThreadCpu = thread / passes, Jit = jit / passes }, passes);
    }

    /// <summary>
    /// Runs <paramref name="round"/> for at least <paramref name="atLeast"/> and then until the
    /// rounds of a whole second compiled no method (at most <paramref name="atMost"/>): tiered
    /// compilation must have finished, or the measured runs pay for the JIT (whose thread's CPU
    /// time the process clock counts) and run unoptimised code. On this shared 2-core machine the
    /// JIT's background thread can lag many seconds behind, so a fixed warm-up time was not enough;
    /// and a method is promoted only some time after its 30th call, so a short round that compiled
    /// nothing proves nothing — hence a window of a second. Returns the time taken and whether the JIT went quiet.
    /// </summary>
    public static (TimeSpan Took, bool Quiet) WarmUp(Action round, TimeSpan atLeast, TimeSpan atMost)
    {
        var window = TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();
        var windowStart = clock.Elapsed;
        var compiled = JitInfo.GetCompiledMethodCount();
        while (true)
        {
            round();
            var now = JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                windowStart = clock.Elapsed;
            }

            var quiet = clock.Elapsed - windowStart >= window;
            if ((quiet && clock.Elapsed >= atLeast) || clock.Elapsed >= atMost) return (clock.Elapsed, quiet);
        }
    }

    /// <summary>The ratio is only meaningful if the checker did not change what the machine did.</summary>
    public static bool SameWork(string what, Side chk, Side plain)
    {
        if (chk.Syscalls == plain.Syscalls && chk.Instructions == plain.Instructions && chk.Fingerprint == plain.Fingerprint && Equals(chk.Ended, plain.Ended)) return true;
        Console.WriteLine($"refinement-x86: {what}: the unchecked run did other work than the checked one: syscalls {plain.Syscalls} vs {chk.Syscalls}, instructions {plain.Instructions} vs {chk.Instructions}, fingerprint {plain.Fingerprint:x} vs {chk.Fingerprint:x}, ended {Ended(plain.Ended)} vs {Ended(chk.Ended)}");
        return false;
    }

    public static string Ended(RunOutcome? outcome) => outcome switch
    {
        null => "at the bound",
        RunOutcome.Exited e => $"exit {e.Code}",
        RunOutcome.Stuck s => $"stuck ({s.Reason})",
        _ => outcome.ToString() ?? "",
    };
}
