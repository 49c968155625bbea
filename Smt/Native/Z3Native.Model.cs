using System.Runtime.InteropServices;

namespace Verified.Smt.Native;

/// <summary>Models.</summary>
internal static partial class Z3Native
{
    [LibraryImport(LibraryName)]
    public static partial void Z3_model_inc_ref(nint context, nint model);

    [LibraryImport(LibraryName)]
    public static partial void Z3_model_dec_ref(nint context, nint model);

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool Z3_model_eval(nint context, nint model, nint term, [MarshalAs(UnmanagedType.U1)] bool modelCompletion, out nint value);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_model_to_string(nint context, nint model);

    [LibraryImport(LibraryName)]
    public static partial uint Z3_model_get_num_consts(nint context, nint model);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_model_get_const_decl(nint context, nint model, uint index);
}
