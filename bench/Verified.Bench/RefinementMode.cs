using System.Diagnostics;
using System.Globalization;
using Verified.Proofs.Refinement;

namespace Verified.Bench;

/// <summary>
/// `refinement [--sequences N] [--length L] [--padding K] [--profile S]`: the same deterministic random workload (seeded)
/// run on the kernel without and with the refinement checker; prints both times, the ratio and
/// the checked transitions per second, then the checker's time per phase from one more pass, and
/// the time per syscall kind checked and unchecked from one more pass each.
/// Each side is warmed up first (1 s unchecked, 4 s checked) so that both are measured in
/// optimised code. With padding, each kernel also holds K endpoints and K copies the actions never
/// touch (the checker's cost against the size of the state); with --profile, only the checked side
/// runs, for S seconds after its warm-up, and nothing is printed but that it started (for perf).
/// </summary>
internal static class RefinementMode
{
    /// <summary>The generated sequences, and how many endpoints (each with a copy) every sequence's kernel gets outside the actions' window.</summary>
    private sealed record Work(List<WorkAction[]> Sequences, int Padding)
    {
        public Workload Boot(bool check, bool timings = false) => new(null, check, 0, null, timings, Padding);
    }

    public static int Run(string[] args)
    {
        var sequences = 40;
        var length = 20;
        var profile = 0;
        var padding = 0;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                Console.Error.WriteLine($"refinement: {args[i]} needs a whole number (options: --sequences N, --length L, --padding K (0..{Workload.MaxPadding}), --profile SECONDS)");
                return 2;
            }

            switch (args[i])
            {
                case "--sequences": sequences = v; break;
                case "--length": length = v; break;
                case "--padding" when v <= Workload.MaxPadding: padding = v; break;
                case "--profile": profile = v; break;
                default:
                    Console.Error.WriteLine($"refinement: unknown option or value {args[i]} {args[i + 1]} (options: --sequences N, --length L, --padding K (0..{Workload.MaxPadding}), --profile SECONDS)");
                    return 2;
            }
        }

        var kinds = Workload.AllKinds.ToArray();
        var rng = new Random(20261121);
        var work = new Work(Enumerable.Range(0, sequences).Select(_ => Enumerable.Range(0, length)
            .Select(_ => new WorkAction(kinds[rng.Next(kinds.Length)], rng.Next(3), rng.Next(20), rng.Next(20), rng.Next(8), rng.Next(4))).ToArray()).ToList(), padding);

        // Warm up until the JIT has settled: tiered compilation delays optimising while new code
        // keeps being compiled, and a short warm-up left much of the measured checked run in
        // unoptimised code. Both sides get the same warm-up time.
        if (profile > 0)
        {
            // For a profiler: the checked side only, warmed up, then repeated for the given time.
            WarmUp(work, check: true, TimeSpan.FromSeconds(4));
            Console.WriteLine("refinement: warmed up; profiling the checked side now");
            WarmUp(work, check: true, TimeSpan.FromSeconds(profile));
            return 0;
        }

        WarmUp(work, check: false, TimeSpan.FromSeconds(1));
        WarmUp(work, check: true, TimeSpan.FromSeconds(4));
        // The unchecked pass is short: it is repeated until it has run for 2 s, and its time per
        // pass is the mean. Wall and CPU time (this process, all threads: the machine is shared,
        // and the garbage collector's threads are part of the cost) are both reported. The
        // checked pass runs with the per-phase timings off (they cost time); a second checked
        // pass with them on gives the breakdown.
        var passes = 0;
        TimeSpan plain = TimeSpan.Zero, plainCpu = TimeSpan.Zero;
        long plainSteps = 0;
        var plainStats = "";
        while (plain < TimeSpan.FromSeconds(2))
        {
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            (var t, plainSteps, plainStats) = Measure(work, check: false, timings: false);
            plainCpu += Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            plain += t;
            passes++;
        }

        plain /= passes;
        plainCpu /= passes;
        var checkedCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var (checkedTime, checkedSteps, stats) = Measure(work, check: true, timings: false);
        var checkedCpu = Process.GetCurrentProcess().TotalProcessorTime - checkedCpu0;
        var (phaseTime, _, phaseStats) = Measure(work, check: true, timings: true);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"unchecked: {plainSteps} syscalls in {plain.TotalMilliseconds:F1} ms ({plainSteps / plain.TotalSeconds:F0}/s), CPU {plainCpu.TotalMilliseconds:F1} ms (mean of {passes} passes); last pass {plainStats}"));
        Console.WriteLine(string.Create(inv, $"checked:   {checkedSteps} syscalls in {checkedTime.TotalMilliseconds:F1} ms ({checkedSteps / checkedTime.TotalSeconds:F1}/s), CPU {checkedCpu.TotalMilliseconds:F1} ms; {stats}"));
        Console.WriteLine(string.Create(inv, $"ratio checked/unchecked: wall {checkedTime / plain:F1}x, CPU {checkedCpu / plainCpu:F1}x"));
        Console.WriteLine(string.Create(inv, $"with per-phase timings (a separate pass, {phaseTime.TotalMilliseconds:F1} ms): {phaseStats}"));
        var (checkedKinds, compared, checkedSplit) = ByKind(work, check: true);
        var (plainKinds, _, plainSplit) = ByKind(work, check: false);
        Console.WriteLine("time per syscall kind (one more pass each way, kernel entry to exit, the workloads' setup syscalls left out):");
        Console.WriteLine(SyscallKindTimer.Table(checkedKinds, plainKinds, compared));
        Console.WriteLine(string.Create(inv, $"where those passes' CPU time went: checked {checkedSplit}; unchecked {plainSplit}"));
        return 0;
    }

    // The per-kind breakdown: the same workload with a timer around every syscall after each
    // workload's setup (and around the checker, when checking); the checker's verdicts by number;
    // and where the pass's CPU time went: this thread's in booting plus the setup syscalls, in
    // running the actions (the timed syscalls and the end-of-run check), and the whole process's
    // (the rest is mostly the garbage collector's other threads).
    private static (SyscallKindTimer Timer, Dictionary<long, int> Compared, string Split) ByKind(Work work, bool check)
    {
        var all = new SyscallKindTimer(null, cpu: check);
        var compared = new Dictionary<long, int>();
        long bootNs = 0, runNs = 0, objects = 0, slots = 0;
        var process0 = CpuClock.Process;
        foreach (var seq in work.Sequences)
        {
            var t0 = CpuClock.ThreadNanoseconds();
            var w = work.Boot(check);
            var t1 = CpuClock.ThreadNanoseconds();
            var setup = w.Checker?.Steps.Count ?? 0;
            var timer = SyscallKindTimer.Install(w.Kernel, cpu: check);
            if (w.Run(seq) is { } v) Console.WriteLine($"violation: {v.Clause}: {v.Message}");
            runNs += CpuClock.ThreadNanoseconds() - t1;
            bootNs += t1 - t0;
            objects += w.Kernel.Objects.All.Count(o => o.IsLive);
            slots += Abstraction.OccupiedSlots(w.Kernel).Count;
            all.Add(timer);
            foreach (var step in w.Checker?.Steps.Skip(setup) ?? [])
            {
                var key = SyscallKindTimer.Key(step.Number);
                if (step.Verdict == StepVerdict.Checked) compared[key] = compared.GetValueOrDefault(key) + 1;
            }
        }

        var process = CpuClock.Process - process0;
        return (all, compared, string.Create(CultureInfo.InvariantCulture,
            $"{process.TotalMilliseconds:F0} ms CPU in all, booting and the setup syscalls {bootNs / 1e6:F0} ms, the actions and the end check {runNs / 1e6:F0} ms, other threads {process.TotalMilliseconds - ((bootNs + runNs) / 1e6):F0} ms; at the end a kernel has {(double)objects / work.Sequences.Count:F0} live objects and {(double)slots / work.Sequences.Count:F0} occupied capability slots on average"));
    }

    private static void WarmUp(Work work, bool check, TimeSpan atLeast)
    {
        var clock = Stopwatch.StartNew();
        do
        {
            foreach (var seq in work.Sequences)
            {
                work.Boot(check).Run(seq);
                if (clock.Elapsed >= atLeast) return;
            }
        }
        while (clock.Elapsed < atLeast);
    }

    private static (TimeSpan, long, string) Measure(Work work, bool check, bool timings)
    {
        long steps = 0;
        int verified = 0, unmodelled = 0, divergent = 0, violations = 0;
        var phaseTimings = new List<CheckerTimings>();
        long skipped = 0, keyed = 0, full = 0;
        var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var paused = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        foreach (var seq in work.Sequences)
        {
            var w = work.Boot(check, timings);
            if (w.Run(seq) is { } v)
            {
                violations++;
                Console.WriteLine($"violation: {v.Clause}: {v.Message}");
            }
            steps += w.Executed;
            if (w.Checker is { } c)
            {
                verified += c.CheckedCount;
                unmodelled += c.UnmodelledCount;
                divergent += c.DivergenceCount;
                phaseTimings.Add(c.Timings);
                skipped += c.Touched.Skipped;
                keyed += c.Touched.Keyed;
                full += c.Touched.Full;
            }
        }

        clock.Stop();
        var gc = string.Create(CultureInfo.InvariantCulture,
            $"allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1 << 20)} MiB, collections gen0/1/2 {GC.CollectionCount(0) - gcs.Item1}/{GC.CollectionCount(1) - gcs.Item2}/{GC.CollectionCount(2) - gcs.Item3}, paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms");
        var phases = string.Join(", ", Enum.GetValues<CheckerPhase>().Select(p => string.Create(CultureInfo.InvariantCulture, $"{p} {phaseTimings.Sum(t => t[p].TotalMilliseconds):F1} ms (CPU {phaseTimings.Sum(t => t.Cpu(p).TotalMilliseconds):F1} ms) / {phaseTimings.Sum(t => t.Allocated(p)) >> 20} MiB")));
        if (!check) return (clock.Elapsed, steps, gc);
        return (clock.Elapsed, steps, $"{gc}; checked {verified}, unmodelled {unmodelled}, divergences {divergent}, violations {violations}; invariant clauses skipped as untouched {skipped}, on changed keys {keyed}, in full {full}{(timings ? $"; time per phase: {phases}" : "")}");
    }
}
