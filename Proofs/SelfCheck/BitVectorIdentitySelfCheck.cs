using Verified.Smt;
using Verified.Trace;

namespace Verified.Proofs;

/// <summary>
/// A valid bit-vector law (x + y) − y = x at 64 bits, asserted negated: UNSAT is the expected
/// answer. A SAT here means the solver or the binding is wrong.
/// </summary>
public sealed class BitVectorIdentitySelfCheck : ProofObligation
{
    public override string Name => "selfcheck.bv.add-sub-cancel";

    public override ObligationKind Kind => ObligationKind.SelfCheck;

    public override string Description => "(x + y) - y = x for all 64-bit x, y";

    public override void Encode(Context context, Solver solver)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(solver);
        var x = context.BitVecConst("x", 64);
        var y = context.BitVecConst("y", 64);
        solver.AssertAndTrack(context.Not(context.Eq(context.BvSub(context.BvAdd(x, y), y), x)), "goal:add-sub-cancel");
    }

    public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;
}
