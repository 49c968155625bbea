using System.Runtime.InteropServices;

namespace Verified.Smt.Native;

/// <summary>Arrays (select/store/constant arrays) and quantifiers with patterns.</summary>
internal static partial class Z3Native
{
    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_select(nint context, nint array, nint index);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_store(nint context, nint array, nint index, nint value);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_const_array(nint context, nint domain, nint value);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_pattern(nint context, uint numPatterns, [In] nint[] terms);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_forall_const(
        nint context, uint weight, uint numBound, [In] nint[] bound, uint numPatterns, [In] nint[] patterns, nint body);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_exists_const(
        nint context, uint weight, uint numBound, [In] nint[] bound, uint numPatterns, [In] nint[] patterns, nint body);
}
