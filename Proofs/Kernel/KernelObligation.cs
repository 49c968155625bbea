using Verified.Smt;
using Verified.Spec;
using Verified.Trace;

namespace Verified.Proofs.Kernel;

/// <summary>
/// A kernel proof obligation: a <see cref="KernelQuery"/> built on first use (terms are
/// immutable, so the same query serves every encoding), translated to Z3 with every premise
/// tracked by name and the negated goal tracked as "goal". A vacuity companion asserts the
/// premises only and expects SAT.
/// </summary>
public sealed class KernelObligation(string name, ObligationKind kind, string description, Func<KernelQuery> build, bool premisesOnly = false)
    : ProofObligation
{
    private readonly Lazy<KernelQuery> query = new(build, LazyThreadSafetyMode.ExecutionAndPublication);

    public override string Name { get; } = name;

    public override ObligationKind Kind { get; } = kind;

    public override string Description { get; } = description;

    public KernelQuery Query => query.Value;

    public override void Encode(Context context, Solver solver)
    {
        // Proofs of UNSAT go by E-matching on the premises' patterns; model-based instantiation only
        // helps find models, which is what a vacuity companion needs.
        // (left at Z3 defaults)
        var tr = new Z3Translator(context);
        var q = Query;
        foreach (var p in q.Premises) solver.AssertAndTrack(tr.ToZ3(p.Body), p.Name);
        if (premisesOnly) return;
        if (q.Goals.Length == 0) throw new InvalidOperationException($"Obligation {Name}: no goal clause");
        solver.AssertAndTrack(tr.ToZ3(T.Not(T.And(q.Goals.Select(g => g.Body)))), "goal");
    }

    public override TraceDocument? DecodeCounterexample(Context context, Model model) =>
        premisesOnly ? null : CounterexampleDecoder.Decode(this, context, model);

    public override string? DescribeWitness(Context context, Model model) =>
        premisesOnly ? "premises satisfiable" : null;
}
