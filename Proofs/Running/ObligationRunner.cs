using System.Diagnostics;
using Verified.Smt;

namespace Verified.Proofs;

/// <summary>
/// Discharges obligations in parallel: <see cref="RunnerOptions.Jobs"/> worker threads, each
/// owning one Z3 <see cref="Context"/> (contexts are single-threaded) and taking the next
/// obligation in catalogue order; every obligation gets a fresh solver with the time limit.
/// Results come back in catalogue order whatever the interleaving, so a run with several jobs
/// reports the same as one job.
/// </summary>
public sealed class ObligationRunner
{
    // Z3 recurses on the native stack of the calling thread; deep terms need more than the
    // 1.5 MiB a .NET thread gets by default on Linux.
    private const int WorkerStackBytes = 64 * 1024 * 1024;

    private readonly RunnerOptions options;

    public ObligationRunner(RunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
    }

    /// <summary>The PROOFS_API.md shape: jobs and a time limit in milliseconds.</summary>
    public static ProveReport Run(IReadOnlyList<ProofObligation> obligations, int jobs, int timeoutMs, IProgress<ObligationEvent>? progress = null, CancellationToken cancellation = default) =>
        new ObligationRunner(new RunnerOptions { Jobs = jobs, Timeout = TimeSpan.FromMilliseconds(timeoutMs) }).Run(obligations, progress, cancellation);

    /// <summary>
    /// Runs every obligation. Throws <see cref="Z3LibraryNotFoundException"/> when libz3 is
    /// missing (nothing could run); any other failure of one obligation is its
    /// <see cref="ObligationResult.Error"/>. Cancellation stops running checks (they report
    /// unknown) and the rest report unknown without running.
    /// </summary>
    public ProveReport Run(IReadOnlyList<ProofObligation> obligations, IProgress<ObligationEvent>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(obligations);
        CheckNames(obligations);
        Z3Library.EnsureAvailable();
        var files = options.Smt2Directory is null ? null : Smt2Files.Plan(options.Smt2Directory, obligations);
        var results = new ObligationResult?[obligations.Count];
        var next = -1;
        var completed = 0;
        Exception? fatal = null;
        var wall = Stopwatch.StartNew();

        void Work()
        {
            try
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < obligations.Count)
                {
                    var obligation = obligations[index];
                    ObligationResult result;
                    if (cancellation.IsCancellationRequested)
                    {
                        result = new ObligationResult.Unknown(obligation.Name, obligation.Kind, 0, "canceled before it ran");
                    }
                    else
                    {
                        progress?.Report(new ObligationEvent.Started(obligation.Name, obligations.Count));

                        // A fresh context per obligation: Z3's search depends on the terms a
                        // context already holds, so sharing one across obligations made a query's
                        // time depend on which obligations the same worker ran before it (one took
                        // 0.15 s alone and timed out at 30 s after others). Fresh contexts make
                        // every result reproducible with --filter; the cost is ~3 ms each.
                        using var context = new Context();
                        using var guard = new CheckGuard(context, cancellation);
                        result = Discharge.One(context, guard, obligation, options, files?[index], cancellation);
                    }

                    results[index] = result;
                    progress?.Report(new ObligationEvent.Finished(result, Interlocked.Increment(ref completed), obligations.Count));
                }
            }
            catch (Z3LibraryNotFoundException e)
            {
                Interlocked.CompareExchange(ref fatal, e, null);
            }
        }

        var workers = Enumerable.Range(0, Math.Min(options.Jobs, Math.Max(1, obligations.Count)))
            .Select(i => new Thread(Work, WorkerStackBytes) { Name = $"prove-worker-{i}", IsBackground = true })
            .ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        if (fatal is not null)
        {
            throw new Z3LibraryNotFoundException(fatal.Message, fatal);
        }

        return new ProveReport(results.Select(r => r!).ToList(), wall.ElapsedMilliseconds);
    }

    private static void CheckNames(IReadOnlyList<ProofObligation> obligations)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var obligation in obligations)
        {
            ArgumentNullException.ThrowIfNull(obligation, nameof(obligations));
            if (string.IsNullOrWhiteSpace(obligation.Name))
            {
                throw new ArgumentException($"An obligation of type {obligation.GetType().Name} has an empty name; every obligation needs a unique name.", nameof(obligations));
            }

            if (!seen.Add(obligation.Name))
            {
                throw new ArgumentException($"Two obligations are named '{obligation.Name}'; names must be unique (reports and --filter use them).", nameof(obligations));
            }
        }
    }
}
