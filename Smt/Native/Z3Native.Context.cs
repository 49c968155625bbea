using System.Runtime.InteropServices;

namespace Verified.Smt.Native;

/// <summary>Configuration, contexts, errors, reference counts, symbols and global queries.</summary>
internal static partial class Z3Native
{
    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_config();

    [LibraryImport(LibraryName)]
    public static partial void Z3_del_config(nint config);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void Z3_set_param_value(nint config, string paramId, string paramValue);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_context_rc(nint config);

    [LibraryImport(LibraryName)]
    public static partial void Z3_del_context(nint context);

    [LibraryImport(LibraryName)]
    public static partial void Z3_interrupt(nint context);

    /// <summary>Passing <see cref="nint.Zero"/> as the handler makes Z3 only record the error code.</summary>
    [LibraryImport(LibraryName)]
    public static partial void Z3_set_error_handler(nint context, nint handler);

    [LibraryImport(LibraryName)]
    public static partial int Z3_get_error_code(nint context);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_error_msg(nint context, int errorCode);

    [LibraryImport(LibraryName)]
    public static partial void Z3_set_error(nint context, int errorCode);

    [LibraryImport(LibraryName)]
    public static partial void Z3_inc_ref(nint context, nint ast);

    [LibraryImport(LibraryName)]
    public static partial void Z3_dec_ref(nint context, nint ast);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Z3_mk_string_symbol(nint context, string name);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_symbol_string(nint context, nint symbol);

    [LibraryImport(LibraryName)]
    public static partial int Z3_get_symbol_kind(nint context, nint symbol);

    [LibraryImport(LibraryName)]
    public static partial int Z3_get_symbol_int(nint context, nint symbol);

    [LibraryImport(LibraryName)]
    public static partial void Z3_get_version(out uint major, out uint minor, out uint build, out uint revision);

    [LibraryImport(LibraryName)]
    public static partial ulong Z3_get_estimated_alloc_size();

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Z3_eval_smtlib2_string(nint context, string script);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Z3_parse_smtlib2_string(
        nint context, string text, uint numSorts, nint[]? sortNames, nint[]? sorts, uint numDecls, nint[]? declNames, nint[]? decls);
}
