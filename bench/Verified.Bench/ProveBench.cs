using System.Diagnostics;
using System.Globalization;
using Verified.Manifests;
using Verified.Proofs;
using Verified.Proofs.Manifests;

namespace Verified.Bench;

/// <summary>
/// `dotnet run -c Release --project bench/Verified.Bench -- prove [--jobs N] [--timeout-ms N] [MANIFEST.yaml ...]`:
/// discharges the whole obligation catalogue (plus the given manifests) once, as `verified prove`
/// does, and reports the wall time, the slowest obligations and the issue's targets (all in at
/// most 60 s on this 2-core machine, none above 5 s). Exit 1 when an obligation fails or a target is missed.
/// </summary>
internal static class ProveBench
{
    private static readonly TimeSpan WallTarget = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan EachTarget = TimeSpan.FromSeconds(5);

    public static int Run(IReadOnlyList<string> args)
    {
        var jobs = Environment.ProcessorCount;
        var timeoutMs = 10_000;
        var obligations = new List<ProofObligation>(ObligationCatalogue.All);
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--jobs" when i + 1 < args.Count:
                    jobs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--timeout-ms" when i + 1 < args.Count:
                    timeoutMs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    if (ManifestParser.ParseFile(args[i]) is not ManifestParseResult.Parsed parsed)
                    {
                        Console.Error.WriteLine($"prove bench: {args[i]} is neither an option nor a valid manifest");
                        return 2;
                    }

                    obligations.AddRange(ManifestObligations.For(parsed.Manifest));
                    break;
            }
        }

        var process = Stopwatch.StartNew();
        var report = new ObligationRunner(new RunnerOptions { Jobs = jobs, Timeout = TimeSpan.FromMilliseconds(timeoutMs) }).Run(obligations);
        process.Stop();

        var byKind = report.Results.GroupBy(r => r.Kind).OrderBy(g => g.Key)
            .Select(g => $"{g.Key} {g.Count()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"obligations: {report.Results.Count} ({string.Join(", ", byKind)}), jobs {jobs}, time limit {timeoutMs} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"proved {report.Proved}, failed {report.Failed}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall: {report.WallMilliseconds} ms for the run ({process.ElapsedMilliseconds} ms with set-up); sum of obligation times {report.Results.Sum(r => r.Milliseconds)} ms"));
        Console.WriteLine("slowest:");
        foreach (var r in report.Results.OrderByDescending(r => r.Milliseconds).Take(5))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Milliseconds,7} ms  {r.Status,-14} {r.Name}"));
        }

        foreach (var failure in report.Results.Where(r => !r.IsProved))
        {
            Console.WriteLine($"FAILED {failure.Name}: {failure.Describe().Split('\n')[0]}");
        }

        var wallOk = report.WallMilliseconds <= WallTarget.TotalMilliseconds;
        var eachOk = (report.Slowest?.Milliseconds ?? 0) <= EachTarget.TotalMilliseconds;
        var countOk = report.Results.Count >= 100;
        Console.WriteLine($"targets: >= 100 obligations {(countOk ? "met" : "MISSED")}; wall <= 60 s {(wallOk ? "met" : "MISSED")}; each <= 5 s {(eachOk ? "met" : "MISSED")}");
        return report.AllProved && wallOk && eachOk ? 0 : 1;
    }
}
