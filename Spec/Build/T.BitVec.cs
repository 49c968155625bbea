namespace Verified.Spec;

public static partial class T
{
    public static Term BvAdd(Term a, Term b) => BvBin(Op.BvAdd, a, b);
    public static Term BvSub(Term a, Term b) => BvBin(Op.BvSub, a, b);
    public static Term BvMul(Term a, Term b) => BvBin(Op.BvMul, a, b);

    /// <summary>Unsigned division; <c>x / 0</c> is all ones (SMT-LIB).</summary>
    public static Term BvUdiv(Term a, Term b) => BvBin(Op.BvUdiv, a, b);

    /// <summary>Unsigned remainder; <c>x % 0</c> is x (SMT-LIB).</summary>
    public static Term BvUrem(Term a, Term b) => BvBin(Op.BvUrem, a, b);

    public static Term BvAnd(Term a, Term b) => BvBin(Op.BvAnd, a, b);
    public static Term BvOr(Term a, Term b) => BvBin(Op.BvOr, a, b);
    public static Term BvXor(Term a, Term b) => BvBin(Op.BvXor, a, b);
    public static Term BvShl(Term a, Term b) => BvBin(Op.BvShl, a, b);
    public static Term BvLshr(Term a, Term b) => BvBin(Op.BvLshr, a, b);
    public static Term BvAshr(Term a, Term b) => BvBin(Op.BvAshr, a, b);

    public static Term BvNot(Term a) => App(Op.BvNot, Bv("BvNot", a), a);
    public static Term BvNeg(Term a) => App(Op.BvNeg, Bv("BvNeg", a), a);

    public static Term BvUlt(Term a, Term b) => BvCmp(Op.BvUlt, a, b);
    public static Term BvUle(Term a, Term b) => BvCmp(Op.BvUle, a, b);
    public static Term BvUgt(Term a, Term b) => BvCmp(Op.BvUgt, a, b);
    public static Term BvUge(Term a, Term b) => BvCmp(Op.BvUge, a, b);
    public static Term BvSlt(Term a, Term b) => BvCmp(Op.BvSlt, a, b);
    public static Term BvSle(Term a, Term b) => BvCmp(Op.BvSle, a, b);
    public static Term BvSgt(Term a, Term b) => BvCmp(Op.BvSgt, a, b);
    public static Term BvSge(Term a, Term b) => BvCmp(Op.BvSge, a, b);

    /// <summary><paramref name="high"/> ++ <paramref name="low"/>; the total width must be at most 64.</summary>
    public static Term Concat(Term high, Term low)
    {
        var h = Bv("Concat", high);
        var l = Bv("Concat", low, 2);
        if (h.Width + l.Width > BitVecSort.MaxWidth)
            throw new SortMismatchException($"Concat: result width {h.Width + l.Width} of {h} and {l} exceeds {BitVecSort.MaxWidth}");
        return App(Op.Concat, new BitVecSort(h.Width + l.Width), high, low);
    }

    /// <summary>Bits <paramref name="hi"/> down to <paramref name="lo"/> (inclusive) of <paramref name="a"/>.</summary>
    public static Term Extract(int hi, int lo, Term a)
    {
        var s = Bv("Extract", a);
        if (lo < 0 || hi < lo || hi >= s.Width)
            throw new ArgumentOutOfRangeException(nameof(hi), $"Extract: need 0 <= lo <= hi < width, got hi={hi}, lo={lo} on {s}");
        return AppP(Op.Extract, new BitVecSort(hi - lo + 1), hi, lo, a);
    }

    public static Term ZeroExtend(int extraBits, Term a) => Extend(Op.ZeroExtend, "ZeroExtend", extraBits, a);

    public static Term SignExtend(int extraBits, Term a) => Extend(Op.SignExtend, "SignExtend", extraBits, a);

    private static Term Extend(Op op, string name, int extra, Term a)
    {
        var s = Bv(name, a);
        if (extra < 0 || s.Width + extra > BitVecSort.MaxWidth)
            throw new ArgumentOutOfRangeException(nameof(extra), $"{name}: {extra} extra bits on {s} must be >= 0 and give at most {BitVecSort.MaxWidth} bits");
        return extra == 0 ? a : AppP(op, new BitVecSort(s.Width + extra), extra, 0, a);
    }

    private static Term BvBin(Op op, Term a, Term b)
    {
        var s = Bv(op.ToString(), a);
        Bv(op.ToString(), b, 2);
        SameSort(op.ToString(), "operands", a, b);
        return App(op, s, a, b);
    }

    private static Term BvCmp(Op op, Term a, Term b)
    {
        Bv(op.ToString(), a);
        Bv(op.ToString(), b, 2);
        SameSort(op.ToString(), "operands", a, b);
        return App(op, BoolSort.Instance, a, b);
    }

    private static BitVecSort Bv(string op, Term a, int position = 1)
    {
        ArgumentNullException.ThrowIfNull(a, $"{op} operand {position}");
        return a.Sort as BitVecSort
            ?? throw new SortMismatchException($"{op}: operand {position} must be a BitVec, got {a.Sort}");
    }
}
