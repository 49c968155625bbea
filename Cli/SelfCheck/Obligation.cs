using Verified.Smt;

namespace Verified.Cli.SelfCheck;

/// <summary>A named proof obligation, discharged in a fresh context of its own.</summary>
internal sealed record Obligation(string Name, Func<Context, Verdict> Discharge)
{
    /// <summary>Time limit of each check.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(10);

    /// <summary>Proves <paramref name="goal"/> valid: its negation must be unsat.</summary>
    public static Verdict Prove(Context ctx, Term goal, TimeSpan? limit = null)
    {
        using var solver = ctx.Solver();
        solver.Assert(ctx.Not(goal));
        return solver.Check(limit ?? TimeLimit) switch
        {
            SolverOutcome.Unsat => new Verdict.Proved(),
            SolverOutcome.Sat sat => new Verdict.Failed($"counterexample: {OneLine(sat.Model.ToString())}"),
            SolverOutcome.Unknown unknown => new Verdict.Unknown(unknown.Reason),
            _ => throw new InvalidOperationException("unexpected solver outcome"),
        };
    }

    /// <summary>
    /// Proves the tracked assertions contradictory and that the unsat core names exactly
    /// <paramref name="expectedCore"/> (so a wrong core is a failure, not a pass).
    /// </summary>
    public static Verdict ProveCore(Context ctx, IReadOnlyList<(string Name, Term Formula)> tracked, IReadOnlyCollection<string> expectedCore)
    {
        ArgumentNullException.ThrowIfNull(tracked);
        using var solver = ctx.Solver();
        foreach (var (name, formula) in tracked)
        {
            solver.AssertAndTrack(formula, name);
        }

        return solver.Check(TimeLimit) switch
        {
            SolverOutcome.Unsat unsat when unsat.Core.ToHashSet(StringComparer.Ordinal).SetEquals(expectedCore) => new Verdict.Proved(),
            SolverOutcome.Unsat unsat => new Verdict.Failed($"core was {{{string.Join(", ", unsat.Core)}}}, expected {{{string.Join(", ", expectedCore)}}}"),
            SolverOutcome.Sat => new Verdict.Failed("the tracked assertions are satisfiable"),
            SolverOutcome.Unknown unknown => new Verdict.Unknown(unknown.Reason),
            _ => throw new InvalidOperationException("unexpected solver outcome"),
        };
    }

    private static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
