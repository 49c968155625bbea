using Verified.Trace;

namespace Verified.Proofs;

/// <summary>
/// The outcome of one obligation. Closed: exactly these four cases, and only <see cref="Proved"/>
/// is a pass — a time-out or an "unknown" from Z3 is a failure, as is an error.
/// </summary>
public abstract record ObligationResult
{
    private ObligationResult(string name, ObligationKind kind, long milliseconds)
    {
        Name = name;
        Kind = kind;
        Milliseconds = milliseconds;
    }

    public string Name { get; init; }

    public ObligationKind Kind { get; init; }

    /// <summary>Wall time of encoding and solving this one obligation.</summary>
    public long Milliseconds { get; init; }

    public bool IsProved => this is Proved;

    /// <summary>
    /// The vacuity companion that shows this obligation's premises satisfiable (its obligation
    /// name), or null when it has none; reports look up the companion's own result.
    /// </summary>
    public string? VacuityCompanion { get; init; }

    /// <summary>The status word of the JSON report: proved, counterexample, unknown or error.</summary>
    public abstract string Status { get; }

    /// <summary>What a person reads about this result (one line for a pass, more for a failure).</summary>
    public abstract string Describe();

    /// <summary>
    /// Proved. <paramref name="Witness"/> is what a satisfiable (ExpectSat) obligation found,
    /// e.g. the boot order of a manifest; null for an UNSAT proof.
    /// </summary>
    public sealed record Proved(string Name, ObligationKind Kind, long Milliseconds, string? Witness = null)
        : ObligationResult(Name, Kind, Milliseconds)
    {
        public override string Status => "proved";

        public override string Describe() => Witness ?? "proved";
    }

    /// <summary>
    /// Refuted: Z3 found a model where UNSAT was expected (the trace is decoded from it), or for
    /// an ExpectSat obligation, the premises are UNSAT (the trace names the unsat core's clauses).
    /// </summary>
    public sealed record Counterexample(string Name, ObligationKind Kind, long Milliseconds, TraceDocument Trace, string Text)
        : ObligationResult(Name, Kind, Milliseconds)
    {
        public override string Status => "counterexample";

        public override string Describe() => Text;
    }

    /// <summary>Z3 answered unknown (time-out, incompleteness, interruption): a failure.</summary>
    public sealed record Unknown(string Name, ObligationKind Kind, long Milliseconds, string Reason)
        : ObligationResult(Name, Kind, Milliseconds)
    {
        public override string Status => "unknown";

        public override string Describe() => $"unknown: {Reason}";
    }

    /// <summary>Encoding or solving threw (a Z3 error, a bug in the obligation): a failure.</summary>
    public sealed record Error(string Name, ObligationKind Kind, long Milliseconds, string Message)
        : ObligationResult(Name, Kind, Milliseconds)
    {
        public override string Status => "error";

        public override string Describe() => $"error: {Message}";
    }
}
