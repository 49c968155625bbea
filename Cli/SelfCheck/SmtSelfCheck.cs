using Verified.Smt;

namespace Verified.Cli.SelfCheck;

/// <summary>
/// The obligations `verified prove` discharges until the kernel's own catalogue (Proofs/)
/// replaces them: small, real facts that exercise the Z3 binding end to end.
/// </summary>
internal static class SmtSelfCheck
{
    public static IReadOnlyList<Obligation> Obligations { get; } =
    [
        new("smt.selfcheck.bv-add-commutes", BvAddCommutes),
        new("smt.selfcheck.bv-xor-swap", XorSwap),
        new("smt.selfcheck.array-read-over-write", ReadOverWrite),
        new("smt.selfcheck.enum-exhaustive", EnumExhaustive),
        new("smt.selfcheck.tuple-update-keeps-fields", TupleUpdateKeepsFields),
        new("smt.selfcheck.unsat-core", UnsatCore),
    ];

    private static Verdict BvAddCommutes(Context ctx)
    {
        var x = ctx.BitVecConst("x", 64);
        var y = ctx.BitVecConst("y", 64);
        return Obligation.Prove(ctx, ctx.Eq(ctx.BvAdd(x, y), ctx.BvAdd(y, x)));
    }

    // Swapping with three xors exchanges the values.
    private static Verdict XorSwap(Context ctx)
    {
        var a = ctx.BitVecConst("a", 64);
        var b = ctx.BitVecConst("b", 64);
        var a1 = ctx.BvXor(a, b);
        var b1 = ctx.BvXor(a1, b);
        var a2 = ctx.BvXor(a1, b1);
        return Obligation.Prove(ctx, ctx.And(ctx.Eq(a2, b), ctx.Eq(b1, a)));
    }

    private static Verdict ReadOverWrite(Context ctx)
    {
        using var bv64 = ctx.BitVecSort(64);
        using var memory = ctx.ArraySort(bv64, bv64);
        var m = ctx.Const("m", memory);
        var i = ctx.BitVecConst("i", 64);
        var j = ctx.BitVecConst("j", 64);
        var v = ctx.BitVecConst("v", 64);
        var read = ctx.Select(ctx.Store(m, i, v), j);
        return Obligation.Prove(ctx, ctx.Eq(read, ctx.Ite(ctx.Eq(i, j), v, ctx.Select(m, j))));
    }

    private static Verdict EnumExhaustive(Context ctx)
    {
        using var state = ctx.EnumSort("TaskState", "Running", "Blocked", "Dead");
        var s = ctx.Const("s", state);
        return Obligation.Prove(ctx, ctx.Or(state.Names.Select(n => ctx.Eq(s, state.Constant(n))).ToArray()));
    }

    private static Verdict TupleUpdateKeepsFields(Context ctx)
    {
        using var bv64 = ctx.BitVecSort(64);
        using var cap = ctx.TupleSort("Cap", ("object", bv64), ("rights", bv64));
        var c = ctx.Const("c", cap);
        var r = ctx.BitVecConst("r", 64);
        var updated = cap.Make(cap.Field(c, "object"), r);
        return Obligation.Prove(ctx, ctx.And(ctx.Eq(cap.Field(updated, "object"), cap.Field(c, "object")), ctx.Eq(cap.Field(updated, "rights"), r)));
    }

    private static Verdict UnsatCore(Context ctx)
    {
        var x = ctx.BitVecConst("x", 8);
        return Obligation.ProveCore(
            ctx,
            [
                ("x-below-4", ctx.BvULt(x, ctx.BitVec(4ul, 8))),
                ("x-is-even", ctx.Eq(ctx.Extract(0, 0, x), ctx.BitVec(0ul, 1))),
                ("x-above-9", ctx.BvUGt(x, ctx.BitVec(9ul, 8))),
            ],
            ["x-below-4", "x-above-9"]);
    }
}
