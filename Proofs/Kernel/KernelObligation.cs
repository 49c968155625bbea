using Verified.Smt;
using Verified.Spec;
using Verified.Spec.Kernel;
using Verified.Trace;

namespace Verified.Proofs.Kernel;

/// <summary>
/// A kernel proof obligation: a <see cref="KernelQuery"/> built from a spec on first use (terms
/// are immutable, so the same query serves every encoding), translated to Z3 with every premise
/// tracked by name and the negated goal tracked as "goal". When Z3 answers unknown, a
/// <see cref="BoundedSearch"/> looks for a counterexample at narrow widths and reports it only if
/// it holds at full width. A vacuity companion (<paramref name="premisesOnly"/>) asserts the
/// premises of the bounded query and is satisfied only by a model whose lift to full width makes
/// every premise true (Z3's model finding on the unbounded premises does not terminate in time;
/// see docs/PROVE.md).
/// </summary>
public sealed class KernelObligation : ProofObligation
{
    private readonly Lazy<KernelQuery> query;
    private readonly bool premisesOnly;

    public KernelObligation(string name, ObligationKind kind, string description, KernelSpec spec, Func<KernelSpec, KernelQuery> build,
        string? vacuityCompanion = null, bool premisesOnly = false)
    {
        Name = name;
        Kind = kind;
        Description = description;
        VacuityCompanion = vacuityCompanion;
        this.premisesOnly = premisesOnly;
        query = new(() => build(spec), LazyThreadSafetyMode.ExecutionAndPublication);
        Bounded = new BoundedSearch(spec, build, name);
    }

    public override string Name { get; }

    public override ObligationKind Kind { get; }

    public override string Description { get; }

    public override string? VacuityCompanion { get; }

    public KernelQuery Query => query.Value;

    /// <summary>The same query at narrow widths, for the second search and for vacuity companions.</summary>
    public BoundedSearch Bounded { get; }

    public override void Encode(Context context, Solver solver)
    {
        if (premisesOnly)
        {
            Bounded.Encode(context, solver, premisesOnly: true);
            return;
        }
        var tr = new Z3Translator(context);
        var q = Query;
        foreach (var p in q.Premises) solver.AssertAndTrack(tr.ToZ3(p.Body), p.Name);
        if (q.Goals.Length == 0) throw new InvalidOperationException($"Obligation {Name}: no goal clause");
        solver.AssertAndTrack(tr.ToZ3(T.Not(T.And(q.Goals.Select(g => g.Body)))), "goal");
    }

    public override TraceDocument? DecodeCounterexample(Context context, Model model) =>
        premisesOnly ? null : CounterexampleDecoder.Decode(this, context, model);

    public override WitnessVerdict JudgeWitness(Context context, Model model) =>
        premisesOnly ? Bounded.JudgePremises(context, model) : new WitnessVerdict.Rejected("not a vacuity companion");

    /// <summary>A companion's bounded query is UNSAT: no model at narrow widths, which shows nothing about full widths either way.</summary>
    public override TraceDocument DecodeUnsat(Context context, IReadOnlyList<string> core) => premisesOnly
        ? new TraceDocument(TraceProducers.Prove, new TraceSource("obligation", Name), null, [],
            new TraceViolation(Name, core.Count == 0 ? null : string.Join(", ", core),
                $"no model of the premises at narrow widths ({Bounded.Widths}); unsat core: {string.Join(", ", core)} — satisfiability not shown"))
        : base.DecodeUnsat(context, core);

    public override SecondSearchResult? SearchAfterUnknown(Context context, Func<Solver, SolverOutcome> check) =>
        premisesOnly ? null : Bounded.Search(context, check);
}
