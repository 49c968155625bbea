using System.Globalization;
using System.Text;
using Verified.Proofs.Refinement;
using static Verified.Bench.X86Runs;

namespace Verified.Bench;

/// <summary>
/// `refinement-x86 [--syscalls N] [--seed S] [--workloads fuzz,ipcbench,...] [--no-examples] [--kinds] [--profile S]`:
/// the refinement checker's cost on guest x86 programs running on the emulated CPU, the product's
/// main use (the `refinement` mode drives syscalls through the C# API with no guest code). The
/// machine fuzz recipe (Userland/examples/fuzz.c, random syscalls from several tasks) runs N
/// syscalls (default 10,000, the root's included) with the checker — no cross-check, which is a
/// test aid — and the same recipe without a checker, stopped at the same syscall; the two must end
/// in the same machine state (instructions, syscalls, fingerprint), or the ratio would compare
/// different work. Then the example programs the kernel tests boot, each run to its end both ways.
/// Each workload is warmed up first until the JIT is quiet (the fuzz on another seed). Per
/// workload: checked syscalls per second, the ratio (wall and CPU), and where the checker's time
/// goes by phase (a separate pass with the per-phase clocks on); a summary table at the end.
/// With --profile S (for a profiler, as the `refinement` mode's), only the checked side of each
/// chosen workload runs: warmed up, then repeated for S seconds, no figures printed.
/// </summary>
internal static class RefinementX86Mode
{
    // Every example under Userland/examples that runs to its end on its own (fuzz needs a seed and
    // never ends; eighttasks ends with the root waiting, "stuck" by design).
    private static readonly string[] Examples = ["hello", "pingpong", "pager", "supervisor", "grants", "migrate", "eighttasks", "ipcbench"];

    // The kernel tests' largest budget (ipcbench); every example ends well within it.
    private const long ExampleInstructions = 200_000_000;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A workload: the measured recipe, the recipe it warms up on, its bounds and how long each side is repeated.</summary>
    private sealed record Workload(string Name, string Title, MachineRecipe Recipe, MachineRecipe Warm, long MaxSteps, long MaxInstructions,
        TimeSpan PlainAtLeast, TimeSpan CheckedAtLeast, TimeSpan WarmAtLeast, TimeSpan WarmAtMost, bool Kinds);

    /// <summary>One workload's figures for the summary.</summary>
    private sealed record Result(string Name, Side Plain, Side Checked, Side Phased);

    public static int Run(string[] args)
    {
        long syscalls = 10_000;
        ulong seed = 0xC0FFEE;
        var chosen = new List<string>();
        var kinds = false;
        var profile = 0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--syscalls" when i + 1 < args.Length: syscalls = long.Parse(args[++i], Inv); break;
                case "--seed" when i + 1 < args.Length: seed = ParseSeed(args[++i]); break;
                case "--no-examples": chosen.Add("fuzz"); break;
                case "--workloads" when i + 1 < args.Length: chosen.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "--kinds": kinds = true; break;
                case "--profile" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, Inv, out var seconds) && seconds > 0: profile = seconds; i++; break;
                default:
                    Console.Error.WriteLine($"refinement-x86: unknown option {args[i]} (options: --syscalls N, --seed S, --workloads fuzz,{string.Join(',', Examples)}, --no-examples, --kinds, --profile SECONDS)");
                    return 2;
            }
        }

        if (chosen.FirstOrDefault(w => w != "fuzz" && !Examples.Contains(w)) is { } unknown)
        {
            Console.Error.WriteLine($"refinement-x86: unknown workload {unknown} (known: fuzz, {string.Join(", ", Examples)})");
            return 2;
        }

        var workloads = new List<Workload>();
        if (chosen.Count == 0 || chosen.Contains("fuzz"))
        {
            var fuzz = KernelFixtures.Program("fuzz");
            workloads.Add(new Workload("fuzz", $"machine fuzz (Userland/examples/fuzz.c), seed 0x{seed:x}",
                MachineRecipe.Fuzz(fuzz, seed) with { CrossCheckEvery = 0 },
                // Another seed warms up, so that nothing the checker keeps per thread (its compiled
                // spec, the states it last saw hold) comes from the measured run itself.
                MachineRecipe.Fuzz(fuzz, seed + 1) with { CrossCheckEvery = 0 },
                syscalls, long.MaxValue, TimeSpan.FromSeconds(2), TimeSpan.Zero, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(60), Kinds: true));
        }

        foreach (var name in Examples.Where(e => chosen.Count == 0 || chosen.Contains(e)))
        {
            var recipe = MachineRecipe.Program(name, KernelFixtures.Program(name)) with { CrossCheckEvery = 0 };
            workloads.Add(new Workload(name, $"example {name}, run to its end", recipe, recipe, long.MaxValue, ExampleInstructions,
                TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(0.3), TimeSpan.Zero, TimeSpan.FromSeconds(20), Kinds: kinds || name == "ipcbench"));
        }

        if (profile > 0)
        {
            foreach (var w in workloads) Profile(w, TimeSpan.FromSeconds(profile));
            return 0;
        }

        var failed = false;
        var results = new List<Result>();
        foreach (var w in workloads)
        {
            var (result, ok) = Measure(w, kinds || w.Kinds);
            failed |= !ok;
            results.Add(result);
        }

        Console.WriteLine();
        Console.WriteLine(Summary(results));
        return failed ? 1 : 0;
    }

    // For a profiler: the workload's checked side only, warmed up as Measure warms up, then repeated for the given time.
    private static void Profile(Workload w, TimeSpan time)
    {
        Action Round(MachineRecipe r) => () => Checked(r, w.MaxSteps, w.MaxInstructions, timings: false, byKind: false);
        WarmUp(Round(w.Warm), w.WarmAtLeast, w.WarmAtLeast);
        WarmUp(Round(w.Recipe), TimeSpan.Zero, w.WarmAtMost);
        Console.WriteLine($"refinement-x86: {w.Name} warmed up; profiling its checked side now");
        WarmUp(Round(w.Recipe), time, time);
    }

    private static (Result, bool) Measure(Workload w, bool byKind)
    {
        Action Round(MachineRecipe r) => () =>
        {
            Plain(r, w.MaxSteps, w.MaxInstructions, byKind: false);
            Checked(r, w.MaxSteps, w.MaxInstructions, timings: false, byKind: false);
        };

        // First the warm-up recipe for a fixed time, then the measured one until a whole round
        // compiled nothing: another recipe reaches other code (a method first run in the measured
        // run is compiled in it), and a recipe is deterministic, so its rounds end up compiling nothing.
        var (first, _) = WarmUp(Round(w.Warm), w.WarmAtLeast, w.WarmAtLeast);
        var (then, quiet) = WarmUp(Round(w.Recipe), TimeSpan.Zero, w.WarmAtMost);
        var took = first + then;

        // Each side is repeated (each pass on a fresh boot, not timed) until it has run for the
        // workload's minimum; its time is the mean. No per-phase clocks here.
        var (plain, plainPasses) = Repeated(() => Plain(w.Recipe, w.MaxSteps, w.MaxInstructions, byKind: false), w.PlainAtLeast);
        var (chk, chkPasses) = Repeated(() => Checked(w.Recipe, w.MaxSteps, w.MaxInstructions, timings: false, byKind: false), w.CheckedAtLeast);
        var ok = !Violated(chk) & SameWork(w.Name, chk, plain);
        var c = chk.Checker!;
        Console.WriteLine();
        Console.WriteLine(string.Create(Inv, $"== {w.Title}: {chk.Syscalls:N0} syscalls (the root's included), {chk.Instructions:N0} guest instructions, ended {Ended(chk.Ended)}; {chk.Size}; the checked and unchecked runs end in the same machine state"));
        Console.WriteLine(string.Create(Inv, $"warm-up {took.TotalSeconds:F1} s{(quiet ? "" : " (the JIT was still compiling at its end)")}"));
        Console.WriteLine(string.Create(Inv, $"unchecked: {plain.Wall.TotalMilliseconds:F2} ms wall ({plain.Syscalls / plain.Wall.TotalSeconds:F0} syscalls/s, {plain.Instructions / plain.Wall.TotalSeconds / 1e6:F1} MIPS), CPU {plain.Cpu.TotalMilliseconds:F2} ms (mean of {plainPasses} passes); last pass {plain.Gc}"));
        Console.WriteLine(string.Create(Inv, $"checked:   {chk.Wall.TotalMilliseconds:F1} ms wall ({chk.Syscalls / chk.Wall.TotalSeconds:F0} checked syscalls/s; {c.CheckedCount / chk.Wall.TotalSeconds:F0} spec transitions compared/s), CPU {chk.Cpu.TotalMilliseconds:F1} ms ({chk.Syscalls / chk.Cpu.TotalSeconds:F0} syscalls per CPU s; main thread {chk.ThreadCpu.TotalMilliseconds:F1} ms, JIT {chk.Jit.TotalMilliseconds:F1} ms) (mean of {chkPasses} passes); last pass {chk.Gc}; checked {c.CheckedCount}, unmodelled {c.UnmodelledCount}, divergences {c.DivergenceCount}, violations {(c.Violation is null ? 0 : 1)}"));
        Console.WriteLine(string.Create(Inv, $"ratio checked/unchecked: wall {chk.Wall / plain.Wall:F1}x, CPU {chk.Cpu / plain.Cpu:F1}x"));
        // The checker costs per syscall, not per instruction: the ratio falls as guests compute
        // more between syscalls. With E the checker's extra CPU time per syscall, u the unchecked
        // CPU time per syscall and r the unchecked rate (instructions per CPU second, the kernel's
        // time included, so the estimate errs high), CPU ratio <= 3 needs u + k/r >= E/2.
        var extra = (chk.Cpu - plain.Cpu).TotalSeconds / chk.Syscalls;
        var perSyscall = plain.Cpu.TotalSeconds / plain.Syscalls;
        var rate = plain.Instructions / plain.Cpu.TotalSeconds;
        Console.WriteLine(string.Create(Inv, $"per syscall: unchecked {perSyscall * 1e6:F1} µs CPU ({(double)plain.Instructions / plain.Syscalls:F0} guest instructions), the checker's extra {extra * 1e6:F1} µs CPU; at {rate / 1e6:F1} MIPS a guest would need about {Math.Max(0, ((extra / 2) - perSyscall) * rate):N0} instructions between syscalls for the CPU ratio to reach 3x"));

        var phased = Checked(w.Recipe, w.MaxSteps, w.MaxInstructions, timings: true, byKind: byKind);
        ok &= !Violated(phased);
        Console.WriteLine($"per phase (a separate pass with the phase clocks on, {phased.Wall.TotalMilliseconds:F1} ms wall): {Phases(phased)}");
        // The phase clocks cost a few system calls per phase, which the phases' figures include;
        // the measured pass has none: its checker cost is its main thread's CPU less the unchecked run's.
        Console.WriteLine(string.Create(Inv, $"without the phase clocks (the measured pass): checked main thread {chk.ThreadCpu.TotalMicroseconds / chk.Syscalls:F1} µs CPU per syscall, less the unchecked {plain.Cpu.TotalMicroseconds / plain.Syscalls:F1} µs: the checker {Checker(plain, chk):F1} µs"));
        // Clauses evaluated in full mean a pre-state that changed since the last checked step (a
        // fault taken by the run loop, say) and matched no state this thread verified recently.
        var touched = c.Touched;
        Console.WriteLine(string.Create(Inv, $"invariant clauses: {touched.Skipped:N0} skipped as untouched, {touched.Keyed:N0} evaluated on changed keys, {touched.Full:N0} in full"));
        if (byKind)
        {
            var plainKinds = Plain(w.Recipe, w.MaxSteps, w.MaxInstructions, byKind: true);
            Console.WriteLine("time per syscall kind (one more pass each way, kernel entry to exit; the checked pass has its phase clocks on):");
            Console.WriteLine(SyscallKindTimer.Table(phased.Kinds!, plainKinds.Kinds!, Compared(phased.Checker!)));
            Console.WriteLine("the checker's CPU per call by kind and phase (the same pass, µs):");
            Console.WriteLine(phased.KindPhases!.Table());
        }

        return (new Result(w.Name, plain, chk, phased), ok);
    }

    // The checker's thread CPU per syscall by phase, and the rest of the pass's thread CPU (the
    // kernel, the emulated CPU, the run loop and the clocks themselves).
    private static string Phases(Side phased)
    {
        var t = phased.Checker!.Timings;
        var n = phased.Syscalls;
        var checker = Enum.GetValues<CheckerPhase>().Sum(p => t.Cpu(p).TotalMicroseconds);
        var parts = Enum.GetValues<CheckerPhase>().Where(p => p != CheckerPhase.CrossCheck || t.Cpu(p) > TimeSpan.Zero)
            .Select(p => string.Create(Inv, $"{p} {t.Cpu(p).TotalMicroseconds / n:F1} µs ({100 * t.Cpu(p).TotalMicroseconds / checker:F0}%, {t.Allocated(p) / (double)n / 1024:F1} KiB)"));
        return string.Create(Inv, $"checker CPU per syscall {checker / n:F1} µs = {string.Join(", ", parts)}; outside the phases {(phased.ThreadCpu.TotalMicroseconds - checker) / n:F1} µs");
    }

    // The checker's CPU per syscall in the measured (clock-free) pass: its thread's CPU less the unchecked run's CPU.
    private static double Checker(Side plain, Side chk) => (chk.ThreadCpu.TotalMicroseconds / chk.Syscalls) - (plain.Cpu.TotalMicroseconds / plain.Syscalls);

    private static string Summary(IReadOnlyList<Result> results)
    {
        var text = new StringBuilder();
        text.AppendLine("summary (checked syscalls/s per wall and per CPU second; ratios checked/unchecked; checker CPU µs per syscall by phase, from the phased pass, their sum, and the checker's CPU per syscall in the clock-free measured pass):");
        var phases = Enum.GetValues<CheckerPhase>().Where(p => p != CheckerPhase.CrossCheck).ToArray();
        text.AppendLine(CultureInfo.InvariantCulture, $"  {"workload",-11} {"syscalls",8} {"chk/s wall",10} {"chk/s CPU",10} {"wall",6} {"CPU",6} {string.Join(" ", phases.Select(p => $"{p,12}"))} {"sum",8} {"checker",8}");
        foreach (var r in results)
        {
            var n = r.Phased.Syscalls;
            var t = r.Phased.Checker!.Timings;
            var cells = phases.Select(p => string.Create(Inv, $"{t.Cpu(p).TotalMicroseconds / n,12:F1}"));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {r.Name,-11} {r.Checked.Syscalls,8} {r.Checked.Syscalls / r.Checked.Wall.TotalSeconds,10:F0} {r.Checked.Syscalls / r.Checked.Cpu.TotalSeconds,10:F0} {r.Checked.Wall / r.Plain.Wall,5:F1}x {r.Checked.Cpu / r.Plain.Cpu,5:F1}x {string.Join(" ", cells)} {phases.Sum(p => t.Cpu(p).TotalMicroseconds) / n,8:F1} {Checker(r.Plain, r.Checked),8:F1}");
        }

        return text.ToString().TrimEnd();
    }

    // A violation is a finding, not a benchmark figure: printed, and the exit status is 1.
    private static bool Violated(Side chk)
    {
        if (chk.Checker?.Violation is not { } v) return false;
        Console.WriteLine($"refinement-x86: refinement violation at step {chk.Checker.Steps.Count}: {v.Property} / {v.Clause}: {v.Message}");
        return true;
    }

    private static Dictionary<long, int> Compared(RefinementChecker checker) =>
        checker.Steps.Where(s => s.Verdict == StepVerdict.Checked).GroupBy(s => SyscallKindTimer.Key(s.Number)).ToDictionary(g => g.Key, g => g.Count());

    private static ulong ParseSeed(string s) =>
        s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : ulong.Parse(s, CultureInfo.InvariantCulture);
}
