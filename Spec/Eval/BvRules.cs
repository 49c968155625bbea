namespace Verified.Spec;

/// <summary>The SMT-LIB semantics of the bit-vector operators on bits held in a ulong (high bits zero).</summary>
internal static class BvRules
{
    public static ulong Mask(int width) => width == 64 ? ulong.MaxValue : (1UL << width) - 1;

    public static long Signed(ulong bits, int width) => width == 64 ? (long)bits : (long)(bits << (64 - width)) >> (64 - width);

    public static Func<ulong, ulong, ulong> Binary(Op op, int width)
    {
        ulong m = Mask(width);
        return op switch
        {
            Op.BvAdd => (a, b) => (a + b) & m,
            Op.BvSub => (a, b) => (a - b) & m,
            Op.BvMul => (a, b) => (a * b) & m,
            Op.BvUdiv => (a, b) => b == 0 ? m : a / b,
            Op.BvUrem => (a, b) => b == 0 ? a : a % b,
            Op.BvAnd => (a, b) => a & b,
            Op.BvOr => (a, b) => a | b,
            Op.BvXor => (a, b) => a ^ b,
            Op.BvShl => (a, b) => b >= (ulong)width ? 0 : (a << (int)b) & m,
            Op.BvLshr => (a, b) => b >= (ulong)width ? 0 : a >> (int)b,
            Op.BvAshr => (a, b) => (ulong)(Signed(a, width) >> (int)Math.Min(b, 63UL)) & m,
            Op.BvUlt => (a, b) => a < b ? 1UL : 0UL,
            Op.BvUle => (a, b) => a <= b ? 1UL : 0UL,
            Op.BvUgt => (a, b) => a > b ? 1UL : 0UL,
            Op.BvUge => (a, b) => a >= b ? 1UL : 0UL,
            Op.BvSlt => (a, b) => Signed(a, width) < Signed(b, width) ? 1UL : 0UL,
            Op.BvSle => (a, b) => Signed(a, width) <= Signed(b, width) ? 1UL : 0UL,
            Op.BvSgt => (a, b) => Signed(a, width) > Signed(b, width) ? 1UL : 0UL,
            Op.BvSge => (a, b) => Signed(a, width) >= Signed(b, width) ? 1UL : 0UL,
            _ => throw new ArgumentException($"{op} is not a binary bit-vector operator", nameof(op)),
        };
    }

    /// <summary>Unary operators; <paramref name="width"/> is the operand's width, p0/p1 the operator's parameters.</summary>
    public static Func<ulong, ulong> Unary(Op op, int width, int p0, int p1)
    {
        ulong m = Mask(width);
        return op switch
        {
            Op.BvNot => a => ~a & m,
            Op.BvNeg => a => (0 - a) & m,
            Op.Extract => ExtractRule(p0, p1),
            Op.ZeroExtend => a => a,
            Op.SignExtend => SignExtendRule(width, p0),
            _ => throw new ArgumentException($"{op} is not a unary bit-vector operator", nameof(op)),
        };
    }

    private static Func<ulong, ulong> ExtractRule(int hi, int lo)
    {
        ulong m = Mask(hi - lo + 1);
        return a => (a >> lo) & m;
    }

    private static Func<ulong, ulong> SignExtendRule(int width, int extra)
    {
        ulong m = Mask(width + extra);
        return a => (ulong)Signed(a, width) & m;
    }
}
