using System.Runtime.InteropServices;

namespace Verified.Smt.Native;

/// <summary>Parameter sets, statistics and AST vectors (each reference-counted on its own).</summary>
internal static partial class Z3Native
{
    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_params(nint context);

    [LibraryImport(LibraryName)]
    public static partial void Z3_params_inc_ref(nint context, nint parameters);

    [LibraryImport(LibraryName)]
    public static partial void Z3_params_dec_ref(nint context, nint parameters);

    [LibraryImport(LibraryName)]
    public static partial void Z3_params_set_bool(nint context, nint parameters, nint key, [MarshalAs(UnmanagedType.U1)] bool value);

    [LibraryImport(LibraryName)]
    public static partial void Z3_params_set_uint(nint context, nint parameters, nint key, uint value);

    [LibraryImport(LibraryName)]
    public static partial void Z3_params_set_double(nint context, nint parameters, nint key, double value);

    [LibraryImport(LibraryName)]
    public static partial void Z3_params_set_symbol(nint context, nint parameters, nint key, nint value);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_params_to_string(nint context, nint parameters);

    [LibraryImport(LibraryName)]
    public static partial void Z3_params_validate(nint context, nint parameters, nint descriptions);

    [LibraryImport(LibraryName)]
    public static partial void Z3_param_descrs_inc_ref(nint context, nint descriptions);

    [LibraryImport(LibraryName)]
    public static partial void Z3_param_descrs_dec_ref(nint context, nint descriptions);

    [LibraryImport(LibraryName)]
    public static partial void Z3_stats_inc_ref(nint context, nint stats);

    [LibraryImport(LibraryName)]
    public static partial void Z3_stats_dec_ref(nint context, nint stats);

    [LibraryImport(LibraryName)]
    public static partial uint Z3_stats_size(nint context, nint stats);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_stats_get_key(nint context, nint stats, uint index);

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool Z3_stats_is_uint(nint context, nint stats, uint index);

    [LibraryImport(LibraryName)]
    public static partial uint Z3_stats_get_uint_value(nint context, nint stats, uint index);

    [LibraryImport(LibraryName)]
    public static partial double Z3_stats_get_double_value(nint context, nint stats, uint index);

    [LibraryImport(LibraryName)]
    public static partial void Z3_ast_vector_inc_ref(nint context, nint vector);

    [LibraryImport(LibraryName)]
    public static partial void Z3_ast_vector_dec_ref(nint context, nint vector);

    [LibraryImport(LibraryName)]
    public static partial uint Z3_ast_vector_size(nint context, nint vector);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_ast_vector_get(nint context, nint vector, uint index);
}
