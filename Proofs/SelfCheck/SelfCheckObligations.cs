using Verified.Smt;

namespace Verified.Proofs;

/// <summary>
/// Known facts with known answers, run first (kind <see cref="ObligationKind.SelfCheck"/>): each
/// theory the specification uses (bit-vectors, arrays, enumerations, tuples), tracked cores and
/// model reading, end to end through the binding. If libz3 or the binding misbehaves, these fail
/// before any kernel obligation is believed. (Taken over from the Smt issue's interim check.)
/// </summary>
public static class SelfCheckObligations
{
    public static IReadOnlyList<ProofObligation> All { get; } =
    [
        new ValiditySelfCheck("smt.selfcheck.bv-add-commutes", "x + y = y + x over 64 bits", BvAddCommutes),
        new ValiditySelfCheck("smt.selfcheck.bv-xor-swap", "three xors swap two 64-bit values", XorSwap),
        new ValiditySelfCheck("smt.selfcheck.array-read-over-write", "store(m, i, v)[j] = (i = j ? v : m[j])", ReadOverWrite),
        new ValiditySelfCheck("smt.selfcheck.enum-exhaustive", "an enumeration value is one of its constants", EnumExhaustive),
        new ValiditySelfCheck("smt.selfcheck.tuple-update-keeps-fields", "rebuilding a tuple with one new field keeps the other", TupleUpdateKeepsFields),
        new UnsatCoreSelfCheck(),
        new ModelSelfCheck(),
    ];

    private static Term BvAddCommutes(Context ctx)
    {
        var x = ctx.BitVecConst("x", 64);
        var y = ctx.BitVecConst("y", 64);
        return ctx.Eq(ctx.BvAdd(x, y), ctx.BvAdd(y, x));
    }

    private static Term XorSwap(Context ctx)
    {
        var a = ctx.BitVecConst("a", 64);
        var b = ctx.BitVecConst("b", 64);
        var a1 = ctx.BvXor(a, b);
        var b1 = ctx.BvXor(a1, b);
        var a2 = ctx.BvXor(a1, b1);
        return ctx.And(ctx.Eq(a2, b), ctx.Eq(b1, a));
    }

    private static Term ReadOverWrite(Context ctx)
    {
        var bv64 = ctx.BitVecSort(64);
        var memory = ctx.ArraySort(bv64, bv64);
        var m = ctx.Const("m", memory);
        var i = ctx.BitVecConst("i", 64);
        var j = ctx.BitVecConst("j", 64);
        var v = ctx.BitVecConst("v", 64);
        var read = ctx.Select(ctx.Store(m, i, v), j);
        return ctx.Eq(read, ctx.Ite(ctx.Eq(i, j), v, ctx.Select(m, j)));
    }

    private static Term EnumExhaustive(Context ctx)
    {
        var state = ctx.EnumSort("TaskState", "Running", "Blocked", "Dead");
        var s = ctx.Const("s", state);
        return ctx.Or(state.Names.Select(n => ctx.Eq(s, state.Constant(n))).ToArray());
    }

    private static Term TupleUpdateKeepsFields(Context ctx)
    {
        var bv64 = ctx.BitVecSort(64);
        var cap = ctx.TupleSort("Cap", ("object", bv64), ("rights", bv64));
        var c = ctx.Const("c", cap);
        var r = ctx.BitVecConst("r", 64);
        var updated = cap.Make(cap.Field(c, "object"), r);
        return ctx.And(ctx.Eq(cap.Field(updated, "object"), cap.Field(c, "object")), ctx.Eq(cap.Field(updated, "rights"), r));
    }
}
