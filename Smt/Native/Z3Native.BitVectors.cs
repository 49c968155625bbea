using System.Runtime.InteropServices;

namespace Verified.Smt.Native;

/// <summary>Bit-vector numerals and operations (all take and return <c>Z3_ast</c>).</summary>
internal static partial class Z3Native
{
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Z3_mk_numeral(nint context, string numeral, nint sort);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_unsigned_int64(nint context, ulong value, nint sort);

    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvnot(nint context, nint t1);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvneg(nint context, nint t1);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvredand(nint context, nint t1);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvredor(nint context, nint t1);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvand(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvor(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvxor(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvadd(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvsub(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvmul(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvudiv(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvsdiv(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvurem(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvsrem(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvsmod(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvshl(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvlshr(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvashr(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvult(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvule(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvugt(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvuge(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvslt(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvsle(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvsgt(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_bvsge(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_concat(nint context, nint t1, nint t2);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_extract(nint context, uint high, uint low, nint t1);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_zero_ext(nint context, uint extra, nint t1);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_sign_ext(nint context, uint extra, nint t1);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_rotate_left(nint context, uint count, nint t1);
    [LibraryImport(LibraryName)] public static partial nint Z3_mk_rotate_right(nint context, uint count, nint t1);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_bvadd_no_overflow(nint context, nint t1, nint t2, [MarshalAs(UnmanagedType.U1)] bool isSigned);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_bvmul_no_overflow(nint context, nint t1, nint t2, [MarshalAs(UnmanagedType.U1)] bool isSigned);
}
