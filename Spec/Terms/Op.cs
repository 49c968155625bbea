namespace Verified.Spec;

/// <summary>The operators of <see cref="AppTerm"/>. Semantics are SMT-LIB's (QF_ABV) throughout.</summary>
public enum Op
{
    // Boolean
    Not, And, Or, Xor, Implies, Iff, Ite, Eq, Distinct,

    // Bit-vector arithmetic and bitwise (operands of one sort). Division by zero as in SMT-LIB:
    // bvudiv x 0 = all ones, bvurem x 0 = x.
    BvAdd, BvSub, BvMul, BvUdiv, BvUrem, BvAnd, BvOr, BvXor, BvNot, BvNeg,

    // Shifts: a shift amount at or above the width gives 0 (or all sign bits for BvAshr).
    BvShl, BvLshr, BvAshr,

    // Comparisons (Bool result)
    BvUlt, BvUle, BvUgt, BvUge, BvSlt, BvSle, BvSgt, BvSge,

    // Width changes: Concat (first operand high), Extract(P0 = hi, P1 = lo), ZeroExtend/SignExtend(P0 = extra bits)
    Concat, Extract, ZeroExtend, SignExtend,

    // Maps: Select(m, k), Store(m, k, v), ConstMap(default) with the map sort as the term's sort
    Select, Store, ConstMap,

    // Records: MkRecord(fields...) with the record sort as the term's sort, Field(r) and With(r, v) with P0 = field index
    MkRecord, Field, With,
}
