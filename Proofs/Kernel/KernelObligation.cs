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
/// it holds at full width. A vacuity companion (premisesOnly) asserts the premises: a Z3 model
/// of them proves it; when Z3 gives none within <see cref="UnboundedModelLimit"/>, the bounded
/// search's model proves it only if its lift to full width makes every premise true.
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

    /// <summary>How long a vacuity companion tries the unbounded premises before the bounded search.</summary>
    public static TimeSpan UnboundedModelLimit { get; } = TimeSpan.FromMilliseconds(250);

    public override TimeSpan FirstCheckLimit(TimeSpan runLimit) =>
        premisesOnly && runLimit > UnboundedModelLimit ? UnboundedModelLimit : runLimit;

    public override void Encode(Context context, Solver solver)
    {
        var tr = new Z3Translator(context);
        var q = Query;
        foreach (var p in q.Premises) solver.AssertAndTrack(tr.ToZ3(p.Body), p.Name);
        if (premisesOnly) return;
        if (q.Goals.Length == 0) throw new InvalidOperationException($"Obligation {Name}: no goal clause");
        solver.AssertAndTrack(tr.ToZ3(T.Not(T.And(q.Goals.Select(g => g.Body)))), "goal");
    }

    public override TraceDocument? DecodeCounterexample(Context context, Model model) =>
        premisesOnly ? null : CounterexampleDecoder.Decode(this, context, model);

    /// <summary>A model of the unbounded premises: Z3 checked it against the quantified formulas themselves.</summary>
    public override string? DescribeWitness(Context context, Model model) =>
        premisesOnly ? $"premises satisfiable: a Z3 model of the unbounded premises (all {Query.Premises.Length})" : null;

    public override SecondSearchResult? SearchAfterUnknown(Context context, Func<Solver, SolverOutcome> check) =>
        premisesOnly ? Bounded.SearchPremises(context, check) : Bounded.Search(context, check);
}
