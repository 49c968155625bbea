using System.Globalization;
using System.Numerics;
using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>Bit-vector numerals and operations (Z3 checks that widths agree).</summary>
public sealed partial class Context
{
    /// <summary>The <paramref name="width"/>-bit numeral <paramref name="value"/> mod 2^width.</summary>
    public Term BitVec(ulong value, uint width) => new(this, Checked(Z3Native.Z3_mk_unsigned_int64(Native, value, CachedBitVecSort(width))));

    /// <summary>The <paramref name="width"/>-bit numeral <paramref name="value"/> mod 2^width (any width; negative values wrap).</summary>
    public Term BitVec(BigInteger value, uint width)
    {
        ArgumentOutOfRangeException.ThrowIfZero(width);
        var modulus = BigInteger.One << (int)width;
        var wrapped = ((value % modulus) + modulus) % modulus;
        return new(this, Checked(Z3Native.Z3_mk_numeral(Native, wrapped.ToString(CultureInfo.InvariantCulture), CachedBitVecSort(width))));
    }

    public Term BvNot(Term a) => Unary(Z3Native.Z3_mk_bvnot, a);

    public Term BvNeg(Term a) => Unary(Z3Native.Z3_mk_bvneg, a);

    /// <summary>The 1-bit AND of all bits.</summary>
    public Term BvRedAnd(Term a) => Unary(Z3Native.Z3_mk_bvredand, a);

    /// <summary>The 1-bit OR of all bits.</summary>
    public Term BvRedOr(Term a) => Unary(Z3Native.Z3_mk_bvredor, a);

    public Term BvAnd(Term a, Term b) => Binary(Z3Native.Z3_mk_bvand, a, b);

    public Term BvOr(Term a, Term b) => Binary(Z3Native.Z3_mk_bvor, a, b);

    public Term BvXor(Term a, Term b) => Binary(Z3Native.Z3_mk_bvxor, a, b);

    public Term BvAdd(Term a, Term b) => Binary(Z3Native.Z3_mk_bvadd, a, b);

    public Term BvSub(Term a, Term b) => Binary(Z3Native.Z3_mk_bvsub, a, b);

    public Term BvMul(Term a, Term b) => Binary(Z3Native.Z3_mk_bvmul, a, b);

    /// <summary>Unsigned division; division by zero yields all ones (SMT-LIB semantics).</summary>
    public Term BvUDiv(Term a, Term b) => Binary(Z3Native.Z3_mk_bvudiv, a, b);

    public Term BvSDiv(Term a, Term b) => Binary(Z3Native.Z3_mk_bvsdiv, a, b);

    /// <summary>Unsigned remainder; remainder by zero yields the dividend (SMT-LIB semantics).</summary>
    public Term BvURem(Term a, Term b) => Binary(Z3Native.Z3_mk_bvurem, a, b);

    public Term BvSRem(Term a, Term b) => Binary(Z3Native.Z3_mk_bvsrem, a, b);

    public Term BvSMod(Term a, Term b) => Binary(Z3Native.Z3_mk_bvsmod, a, b);

    public Term BvShl(Term a, Term b) => Binary(Z3Native.Z3_mk_bvshl, a, b);

    public Term BvLShr(Term a, Term b) => Binary(Z3Native.Z3_mk_bvlshr, a, b);

    public Term BvAShr(Term a, Term b) => Binary(Z3Native.Z3_mk_bvashr, a, b);

    public Term BvULt(Term a, Term b) => Binary(Z3Native.Z3_mk_bvult, a, b);

    public Term BvULe(Term a, Term b) => Binary(Z3Native.Z3_mk_bvule, a, b);

    public Term BvUGt(Term a, Term b) => Binary(Z3Native.Z3_mk_bvugt, a, b);

    public Term BvUGe(Term a, Term b) => Binary(Z3Native.Z3_mk_bvuge, a, b);

    public Term BvSLt(Term a, Term b) => Binary(Z3Native.Z3_mk_bvslt, a, b);

    public Term BvSLe(Term a, Term b) => Binary(Z3Native.Z3_mk_bvsle, a, b);

    public Term BvSGt(Term a, Term b) => Binary(Z3Native.Z3_mk_bvsgt, a, b);

    public Term BvSGe(Term a, Term b) => Binary(Z3Native.Z3_mk_bvsge, a, b);

    /// <summary>The Boolean "a + b does not overflow" (signed or unsigned).</summary>
    public Term BvAddNoOverflow(Term a, Term b, bool isSigned) =>
        new(this, Checked(Z3Native.Z3_mk_bvadd_no_overflow(Native, Own(a, nameof(a)), Own(b, nameof(b)), isSigned)));

    /// <summary>The Boolean "a * b does not overflow" (signed or unsigned).</summary>
    public Term BvMulNoOverflow(Term a, Term b, bool isSigned) =>
        new(this, Checked(Z3Native.Z3_mk_bvmul_no_overflow(Native, Own(a, nameof(a)), Own(b, nameof(b)), isSigned)));

    /// <summary><paramref name="high"/> followed by <paramref name="low"/> (widths add).</summary>
    public Term Concat(Term high, Term low) => Binary(Z3Native.Z3_mk_concat, high, low);

    /// <summary>Bits <paramref name="high"/> down to <paramref name="low"/> inclusive.</summary>
    public Term Extract(uint high, uint low, Term a) => new(this, Checked(Z3Native.Z3_mk_extract(Native, high, low, Own(a, nameof(a)))));

    /// <summary>Adds <paramref name="extraBits"/> zero bits on the left.</summary>
    public Term ZeroExtend(uint extraBits, Term a) => new(this, Checked(Z3Native.Z3_mk_zero_ext(Native, extraBits, Own(a, nameof(a)))));

    /// <summary>Adds <paramref name="extraBits"/> copies of the sign bit on the left.</summary>
    public Term SignExtend(uint extraBits, Term a) => new(this, Checked(Z3Native.Z3_mk_sign_ext(Native, extraBits, Own(a, nameof(a)))));

    public Term RotateLeft(uint count, Term a) => new(this, Checked(Z3Native.Z3_mk_rotate_left(Native, count, Own(a, nameof(a)))));

    public Term RotateRight(uint count, Term a) => new(this, Checked(Z3Native.Z3_mk_rotate_right(Native, count, Own(a, nameof(a)))));

    private Term Unary(Func<nint, nint, nint> make, Term a) => new(this, Checked(make(Native, Own(a, nameof(a)))));

    private Term Binary(Func<nint, nint, nint, nint> make, Term a, Term b) =>
        new(this, Checked(make(Native, Own(a, nameof(a)), Own(b, nameof(b)))));
}
