using Verified.Smt;
using Verified.Trace;

namespace Verified.Proofs;

/// <summary>
/// A fact that must hold, built by <paramref name="goal"/> and asserted negated (tracked as
/// `goal`): UNSAT proves it. A model means the solver or the binding is wrong; the report then
/// shows Z3's model.
/// </summary>
public sealed class ValiditySelfCheck(string name, string description, Func<Context, Term> goal) : ProofObligation
{
    public override string Name => name;

    public override ObligationKind Kind => ObligationKind.SelfCheck;

    public override string Description => description;

    public override void Encode(Context context, Solver solver)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(solver);
        solver.AssertAndTrack(context.Not(goal(context)), "goal");
    }

    public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;
}
