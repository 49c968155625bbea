using Verified.Smt;
using Verified.Trace;

namespace Verified.Proofs;

/// <summary>
/// A satisfiable query whose model is checked by hand: x * x = 49 with x &lt; 16 (8-bit) has
/// the single solution x = 7. Proved (ExpectSat) when SAT; the witness is the value read back,
/// and a model giving anything else turns the result into an error.
/// </summary>
public sealed class ModelSelfCheck : ProofObligation
{
    public override string Name => "smt.selfcheck.model-square-root";

    public override ObligationKind Kind => ObligationKind.SelfCheck;

    public override bool ExpectSat => true;

    public override string Description => "x * x = 49 and x < 16 over 8 bits has the model x = 7";

    public override void Encode(Context context, Solver solver)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(solver);
        var x = context.BitVecConst("x", 8);
        solver.AssertAndTrack(context.Eq(context.BvMul(x, x), context.BitVec(49, 8)), "premise:x*x=49");
        solver.AssertAndTrack(context.BvULt(x, context.BitVec(16, 8)), "premise:x<16");
    }

    public override string? DescribeWitness(Context context, Model model)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        var value = model.EvalUInt64(context.BitVecConst("x", 8));
        return value == 7
            ? "model x = 7"
            : throw new InvalidOperationException($"the model gives x = {value}, but 7 is the only solution: the solver or the binding is wrong");
    }

    public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;
}
