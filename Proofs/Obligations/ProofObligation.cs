using Verified.Smt;
using Verified.Trace;

namespace Verified.Proofs;

/// <summary>
/// One named, separate query (PROOFS_API.md). Proved when the asserted clauses are UNSAT (the
/// negated goal together with the premises has no model) — or, when <see cref="ExpectSat"/>
/// (a vacuity companion, a manifest's boot order), when they are SAT. Clauses are asserted with
/// names (<see cref="Solver.AssertAndTrack"/>) so an unsat core or a failing model can say which
/// clause matters.
/// </summary>
public abstract class ProofObligation
{
    /// <summary>Unique in a catalogue, dotted and slashed, e.g. "cap.mint/preserves/inv.no_rights_amplification".</summary>
    public abstract string Name { get; }

    public abstract ObligationKind Kind { get; }

    /// <summary>True when a model is the success (premises satisfiable, an order exists).</summary>
    public virtual bool ExpectSat => Kind is ObligationKind.Vacuity;

    /// <summary>One line for humans.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Builds the query in <paramref name="solver"/>, a fresh solver of <paramref name="context"/>
    /// (one context per worker thread; never keep either beyond this call).
    /// </summary>
    public abstract void Encode(Context context, Solver solver);

    /// <summary>
    /// On failure of an UNSAT-expected obligation (Z3 found a model), turns the model into a
    /// counterexample trace naming the broken clause; null lets the runner report the raw model.
    /// </summary>
    public abstract TraceDocument? DecodeCounterexample(Context context, Model model);

    /// <summary>
    /// On success of an <see cref="ExpectSat"/> obligation, what the model shows (e.g. the boot
    /// order), for the report; null for nothing to add.
    /// </summary>
    public virtual string? DescribeWitness(Context context, Model model) => null;

    /// <summary>
    /// On success of an <see cref="ExpectSat"/> obligation: whether the model is accepted as the
    /// witness. The default accepts it with <see cref="DescribeWitness"/>; an obligation whose
    /// query is an approximation (a bounded search) re-checks the model here and may reject it.
    /// </summary>
    public virtual WitnessVerdict JudgeWitness(Context context, Model model) => new WitnessVerdict.Accepted(DescribeWitness(context, model));

    /// <summary>
    /// When Z3 answered unknown on the query: a second search (e.g. the same query at narrow
    /// widths, its model confirmed at full width), in a fresh <paramref name="context"/>, run with
    /// <paramref name="check"/> (which applies the run's time limit and guard). Null: no second
    /// search. For an UNSAT-expected obligation it can only find a confirmed counterexample,
    /// never prove it; for an ExpectSat obligation it may find a confirmed model.
    /// </summary>
    public virtual SecondSearchResult? SearchAfterUnknown(Context context, Func<Solver, SolverOutcome> check) => null;

    /// <summary>
    /// The time limit of the first check given the run's limit; an obligation with a second
    /// search may ask for a shorter first attempt (a vacuity companion tries the unbounded
    /// premises briefly before the bounded search).
    /// </summary>
    public virtual TimeSpan FirstCheckLimit(TimeSpan runLimit) => runLimit;

    /// <summary>
    /// The vacuity companion that shows this obligation's premises satisfiable (its name in the
    /// same catalogue), or null when the obligation has none (it is a companion, a self-check, a
    /// manifest). Reports show the companion's result next to the obligation.
    /// </summary>
    public virtual string? VacuityCompanion => null;

    /// <summary>
    /// For an UNSAT-expected obligation that came back UNSAT: a reason to distrust the proof
    /// given its core (e.g. a solver self-check that knows the exact core), or null to accept it.
    /// A rejection is reported as an error.
    /// </summary>
    public virtual string? RejectUnsatCore(IReadOnlyList<string> core) => null;

    /// <summary>
    /// On failure of an <see cref="ExpectSat"/> obligation (UNSAT: a vacuous premise, a cyclic
    /// manifest), the counterexample built from the unsat core's clause names. The default names
    /// the core as Z3 gave it; an override may minimise it with further checks in
    /// <paramref name="context"/> (e.g. down to exactly one dependency cycle).
    /// </summary>
    public virtual TraceDocument DecodeUnsat(Context context, IReadOnlyList<string> core)
    {
        ArgumentNullException.ThrowIfNull(core);
        var clauses = core.Count == 0 ? "(no tracked clause in the core)" : string.Join(", ", core);
        return new TraceDocument(
            TraceProducers.Prove,
            new TraceSource("obligation", Name),
            null,
            [],
            new TraceViolation(Name, core.Count == 0 ? null : string.Join(", ", core),
                $"expected satisfiable premises, but they are contradictory; unsat core: {clauses}"));
    }

    public override string ToString() => Name;
}

/// <summary>The producer names this project writes in traces from proofs.</summary>
public static class TraceProducers
{
    public const string Prove = "verified prove";
}
