using Verified.Smt;
using Verified.Trace;

namespace Verified.Proofs;

/// <summary>
/// Contradictory tracked clauses beside an irrelevant one: proved only when Z3 says UNSAT and
/// its core names exactly the contradictory pair (a wrong core is a failure, not a pass) —
/// every counterexample of the kernel obligations relies on these names.
/// </summary>
public sealed class UnsatCoreSelfCheck : ProofObligation
{
    private static readonly string[] Expected = ["x-below-4", "x-above-9"];

    public override string Name => "smt.selfcheck.unsat-core";

    public override ObligationKind Kind => ObligationKind.SelfCheck;

    public override string Description => "x < 4, x even, x > 9 (8-bit): unsat with the core {x-below-4, x-above-9}";

    public override void Encode(Context context, Solver solver)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(solver);
        var x = context.BitVecConst("x", 8);
        solver.AssertAndTrack(context.BvULt(x, context.BitVec(4ul, 8)), "x-below-4");
        solver.AssertAndTrack(context.Eq(context.Extract(0, 0, x), context.BitVec(0ul, 1)), "x-is-even");
        solver.AssertAndTrack(context.BvUGt(x, context.BitVec(9ul, 8)), "x-above-9");
    }

    public override string? RejectUnsatCore(IReadOnlyList<string> core)
    {
        ArgumentNullException.ThrowIfNull(core);
        return core.ToHashSet(StringComparer.Ordinal).SetEquals(Expected)
            ? null
            : $"the unsat core was {{{string.Join(", ", core)}}}, expected {{{string.Join(", ", Expected)}}}";
    }

    public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;
}
