using System.Diagnostics;
using System.Globalization;
using Verified.Proofs.Refinement;

namespace Verified.Bench;

/// <summary>
/// `refinement [--sequences N] [--length L]`: the same deterministic random workload (seeded)
/// run on the kernel without and with the refinement checker; prints both times, the ratio and
/// the checked transitions per second. One warm-up pass of each first.
/// </summary>
internal static class RefinementMode
{
    public static int Run(string[] args)
    {
        var sequences = 40;
        var length = 20;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            if (args[i] == "--sequences") sequences = v;
            else if (args[i] == "--length") length = v;
        }

        var kinds = Workload.AllKinds.ToArray();
        var rng = new Random(20261121);
        var work = Enumerable.Range(0, sequences).Select(_ => Enumerable.Range(0, length)
            .Select(_ => new WorkAction(kinds[rng.Next(kinds.Length)], rng.Next(3), rng.Next(20), rng.Next(20), rng.Next(8), rng.Next(4))).ToArray()).ToList();

        Measure(work.Take(3).ToList(), check: false);
        Measure(work.Take(3).ToList(), check: true);
        var (plain, plainSteps, _) = Measure(work, check: false);
        var (checkedTime, checkedSteps, stats) = Measure(work, check: true);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"unchecked: {plainSteps} syscalls in {plain.TotalMilliseconds:F1} ms ({plainSteps / plain.TotalSeconds:F0}/s)"));
        Console.WriteLine(string.Create(inv, $"checked:   {checkedSteps} syscalls in {checkedTime.TotalMilliseconds:F1} ms ({checkedSteps / checkedTime.TotalSeconds:F1}/s); {stats}"));
        Console.WriteLine(string.Create(inv, $"ratio checked/unchecked: {checkedTime / plain:F0}x"));
        return 0;
    }

    private static (TimeSpan, long, string) Measure(List<WorkAction[]> work, bool check)
    {
        long steps = 0;
        int verified = 0, unmodelled = 0, divergent = 0, violations = 0;
        var timings = new List<CheckerTimings>();
        long skipped = 0, keyed = 0, full = 0;
        var clock = Stopwatch.StartNew();
        foreach (var seq in work)
        {
            var w = new Workload(null, check);
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
                timings.Add(c.Timings);
                skipped += c.Touched.Skipped;
                keyed += c.Touched.Keyed;
                full += c.Touched.Full;
            }
        }

        clock.Stop();
        var phases = string.Join(", ", Enum.GetValues<CheckerPhase>().Select(p => string.Create(CultureInfo.InvariantCulture, $"{p} {timings.Sum(t => t[p].TotalMilliseconds):F1} ms")));
        return (clock.Elapsed, steps, $"checked {verified}, unmodelled {unmodelled}, divergences {divergent}, violations {violations}; invariant clauses skipped as untouched {skipped}, on changed keys {keyed}, in full {full}; time per phase: {phases}");
    }
}
