using Verified.Smt;
using Verified.Trace;

namespace Verified.Proofs;

/// <summary>
/// Contradictory tracked premises: x &lt; 3 and x &gt; 5 (8-bit, unsigned) have no model, with an
/// irrelevant satisfiable premise beside them. UNSAT is the expected answer; it exercises
/// assert-and-track the way every kernel obligation uses it.
/// </summary>
public sealed class TrackedCoreSelfCheck : ProofObligation
{
    public override string Name => "selfcheck.unsat.contradictory-premises";

    public override ObligationKind Kind => ObligationKind.SelfCheck;

    public override string Description => "x < 3 and x > 5 (tracked, beside an irrelevant y > 1) have no model";

    public override void Encode(Context context, Solver solver)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(solver);
        var x = context.BitVecConst("x", 8);
        var y = context.BitVecConst("y", 8);
        solver.AssertAndTrack(context.BvULt(x, context.BitVec(3, 8)), "premise:x<3");
        solver.AssertAndTrack(context.BvUGt(y, context.BitVec(1, 8)), "premise:y>1");
        solver.AssertAndTrack(context.BvUGt(x, context.BitVec(5, 8)), "premise:x>5");
    }

    public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;
}
