namespace Verified.Smt;

/// <summary>
/// The result of <see cref="Solver.Check()"/>: a closed set of cases, matched exhaustively.
/// Unknown (time-out, interruption, incompleteness) is its own case and never reads as either
/// of the others, so a caller cannot mistake "Z3 gave up" for a proof or a counterexample.
/// </summary>
public abstract record SolverOutcome
{
    private SolverOutcome()
    {
    }

    /// <summary>
    /// The assertions are unsatisfiable (what "proved" means for a negated goal). <see cref="Core"/>
    /// names the tracked assertions (and assumptions) Z3 used; empty when none were tracked.
    /// </summary>
    public sealed record Unsat(IReadOnlyList<string> Core) : SolverOutcome
    {
        public bool Equals(Unsat? other) => other is not null && Core.SequenceEqual(other.Core);

        public override int GetHashCode() => Core.Aggregate(17, (hash, name) => HashCode.Combine(hash, name));

        public override string ToString() => Core.Count == 0 ? "unsat" : $"unsat (core: {string.Join(", ", Core)})";
    }

    /// <summary>The assertions are satisfiable; <see cref="Model"/> is a witness (owned by the solver's context).</summary>
    public sealed record Sat(Model Model) : SolverOutcome
    {
        public override string ToString() => "sat";
    }

    /// <summary>Z3 could not decide; <see cref="Reason"/> is Z3's reason ("timeout", "canceled", "incomplete quantifiers", ...).</summary>
    public sealed record Unknown(string Reason) : SolverOutcome
    {
        public override string ToString() => $"unknown ({Reason})";
    }
}
