using System.Diagnostics;
using System.Globalization;
using Verified.Smt;
using Verified.Trace;

namespace Verified.Proofs;

/// <summary>
/// Discharges one obligation in a worker's context and turns Z3's answer into an
/// <see cref="ObligationResult"/>. The only place that decides what counts as proved.
/// </summary>
internal static class Discharge
{
    public static ObligationResult One(Context context, CheckGuard guard, ProofObligation obligation, RunnerOptions options, string? smt2File, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var solver = context.Solver();
            solver.Timeout = obligation.FirstCheckLimit(options.Timeout);
            obligation.Encode(context, solver);
            SolverOutcome outcome;
            guard.BeginCheck(options.EffectiveGuard);
            try
            {
                outcome = solver.Check();
            }
            finally
            {
                guard.EndCheck();
            }

            outcome = InAssertionOrder(outcome, solver.TrackedNames);
            if (smt2File is not null)
            {
                // Written before decoding, so the query is on disk even if decoding fails.
                Smt2Files.Write(smt2File, obligation, solver, outcome, options.Timeout);
            }

            var stop = guard.Expired ? Stop.Guard : cancellation.IsCancellationRequested ? Stop.Canceled : Stop.None;
            var result = Interpret(context, obligation, outcome, stop, options, clock);
            if (result is ObligationResult.Unknown unknown && stop == Stop.None)
            {
                result = SecondSearch(obligation, options, unknown, clock, cancellation);
            }

            return result with { VacuityCompanion = obligation.VacuityCompanion };
        }
        catch (Z3LibraryNotFoundException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // An exception from an obligation's own code or from Z3 (a sort error in the
            // encoding) is that obligation's failure, reported with its message; the run goes on.
            return new ObligationResult.Error(obligation.Name, obligation.Kind, clock.ElapsedMilliseconds, $"{e.GetType().Name}: {e.Message}")
                { VacuityCompanion = obligation.VacuityCompanion };
        }
    }

    /// <summary>
    /// Z3 answered unknown: the obligation's second search may still find a confirmed
    /// counterexample. Whatever it answers, the obligation is never proved by it.
    /// </summary>
    private static ObligationResult SecondSearch(ProofObligation obligation, RunnerOptions options, ObligationResult.Unknown unknown, Stopwatch clock, CancellationToken cancellation)
    {
        // A fresh context: how far the timed-out first check got must not shape the second
        // search's model (with the first context, the reported counterexample varied run to run).
        using var context = new Context();
        using var guard = new CheckGuard(context, cancellation);
        SolverOutcome Check(Solver solver)
        {
            solver.Timeout = options.Timeout;
            guard.BeginCheck(options.EffectiveGuard);
            try
            {
                return solver.Check();
            }
            finally
            {
                guard.EndCheck();
            }
        }

        switch (obligation.SearchAfterUnknown(context, Check))
        {
            case null:
                return unknown;
            case SecondSearchResult.Found found when !obligation.ExpectSat:
                return new ObligationResult.Counterexample(obligation.Name, obligation.Kind, clock.ElapsedMilliseconds, found.Trace, TraceText.Render(found.Trace));
            case SecondSearchResult.Satisfied satisfied when obligation.ExpectSat:
                return new ObligationResult.Proved(obligation.Name, obligation.Kind, clock.ElapsedMilliseconds, satisfied.Text);
            case SecondSearchResult.Found or SecondSearchResult.Satisfied:
                return new ObligationResult.Error(obligation.Name, obligation.Kind, clock.ElapsedMilliseconds,
                    $"the second search answered {(obligation.ExpectSat ? "a counterexample for an obligation that expects a model" : "a model for an obligation that expects UNSAT")}");
            case SecondSearchResult.Inconclusive inconclusive:
                return unknown with { Milliseconds = clock.ElapsedMilliseconds, Reason = $"{unknown.Reason}; {inconclusive.Reason}" };
            default:
                throw new InvalidOperationException("SecondSearchResult gained a case; handle it here.");
        }
    }

    private enum Stop
    {
        None,
        Guard,
        Canceled,
    }

    /// <summary>Z3 lists a core in no stable order; reports list it in assertion order, so runs compare.</summary>
    private static SolverOutcome InAssertionOrder(SolverOutcome outcome, IReadOnlyList<string> tracked)
    {
        if (outcome is not SolverOutcome.Unsat unsat)
        {
            return outcome;
        }

        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tracked.Count; i++)
        {
            position.TryAdd(tracked[i], i);
        }

        return new SolverOutcome.Unsat(unsat.Core.OrderBy(n => position.GetValueOrDefault(n, int.MaxValue)).ThenBy(n => n, StringComparer.Ordinal).ToList());
    }

    private static ObligationResult Interpret(Context context, ProofObligation obligation, SolverOutcome outcome, Stop stop, RunnerOptions options, Stopwatch clock)
    {
        var name = obligation.Name;
        var kind = obligation.Kind;
        switch (outcome)
        {
            case SolverOutcome.Unknown unknown:
                // Z3 4.8 implements its time limit by canceling itself, so "canceled" that neither
                // the guard nor the caller caused is the solver's own time-out.
                var reason = stop switch
                {
                    Stop.Guard => $"interrupted by the wall-clock guard after {Ms(options.EffectiveGuard)} ms (Z3 said: {unknown.Reason})",
                    Stop.Canceled => "canceled while running",
                    _ when unknown.Reason is "timeout" or "canceled" => $"timeout: no answer within {Ms(obligation.FirstCheckLimit(options.Timeout))} ms",
                    _ => unknown.Reason,
                };
                return new ObligationResult.Unknown(name, kind, clock.ElapsedMilliseconds, reason);

            case SolverOutcome.Unsat unsat when !obligation.ExpectSat:
                return obligation.RejectUnsatCore(unsat.Core) is { } rejection
                    ? new ObligationResult.Error(name, kind, clock.ElapsedMilliseconds, $"UNSAT, but the proof is rejected: {rejection}")
                    : new ObligationResult.Proved(name, kind, clock.ElapsedMilliseconds);

            case SolverOutcome.Sat sat when obligation.ExpectSat:
                using (sat.Model)
                {
                    return obligation.JudgeWitness(context, sat.Model) switch
                    {
                        WitnessVerdict.Accepted accepted => new ObligationResult.Proved(name, kind, clock.ElapsedMilliseconds, accepted.Text),
                        WitnessVerdict.Rejected rejected => new ObligationResult.Unknown(name, kind, clock.ElapsedMilliseconds, $"model not confirmed: {rejected.Reason}"),
                        _ => throw new InvalidOperationException("WitnessVerdict gained a case; handle it here."),
                    };
                }

            case SolverOutcome.Sat sat:
                using (sat.Model)
                {
                    var trace = obligation.DecodeCounterexample(context, sat.Model) ?? RawModelTrace(obligation, sat.Model);
                    return new ObligationResult.Counterexample(name, kind, clock.ElapsedMilliseconds, trace, TraceText.Render(trace));
                }

            case SolverOutcome.Unsat unsat:
                var unsatTrace = obligation.DecodeUnsat(context, unsat.Core);
                return new ObligationResult.Counterexample(name, kind, clock.ElapsedMilliseconds, unsatTrace, TraceText.Render(unsatTrace));

            default:
                throw new InvalidOperationException($"Unhandled solver outcome {outcome.GetType().Name}: SolverOutcome gained a case; handle it here.");
        }
    }

    private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>When an obligation cannot decode its model, the report still shows Z3's model.</summary>
    private static TraceDocument RawModelTrace(ProofObligation obligation, Model model) =>
        new(TraceProducers.Prove,
            new Verified.Trace.TraceSource("obligation", obligation.Name),
            null,
            [],
            new TraceViolation(obligation.Name, null, $"Z3 found a model where none was expected:\n{model}"));
}
