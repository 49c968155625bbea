using System.Runtime.InteropServices;

namespace Verified.Smt.Native;

/// <summary>Lambda terms and reading array values (as-array) back from models; needed by Spec's ToZ3 and model decoding.</summary>
internal static partial class Z3Native
{
    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_lambda_const(nint context, uint numBound, [In] nint[] bound, nint body);

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool Z3_is_as_array(nint context, nint term);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_as_array_func_decl(nint context, nint term);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_array_default(nint context, nint array);
}
