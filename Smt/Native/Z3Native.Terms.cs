using System.Runtime.InteropServices;

namespace Verified.Smt.Native;

/// <summary>Core terms: constants, applications, Boolean connectives, equality, inspection.</summary>
internal static partial class Z3Native
{
    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_const(nint context, nint symbol, nint sort);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Z3_mk_fresh_const(nint context, string prefix, nint sort);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_func_decl(nint context, nint symbol, uint domainSize, [In] nint[] domain, nint range);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint Z3_mk_fresh_func_decl(nint context, string prefix, uint domainSize, [In] nint[] domain, nint range);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_app(nint context, nint decl, uint numArgs, [In] nint[] args);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_true(nint context);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_false(nint context);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_eq(nint context, nint left, nint right);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_distinct(nint context, uint numArgs, [In] nint[] args);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_not(nint context, nint a);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_ite(nint context, nint condition, nint then, nint otherwise);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_iff(nint context, nint t1, nint t2);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_implies(nint context, nint t1, nint t2);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_xor(nint context, nint t1, nint t2);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_and(nint context, uint numArgs, [In] nint[] args);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_or(nint context, uint numArgs, [In] nint[] args);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_simplify(nint context, nint a);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_sort(nint context, nint a);

    [LibraryImport(LibraryName)]
    public static partial int Z3_get_ast_kind(nint context, nint a);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_ast_to_string(nint context, nint a);

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool Z3_is_app(nint context, nint a);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_app_decl(nint context, nint app);

    [LibraryImport(LibraryName)]
    public static partial uint Z3_get_app_num_args(nint context, nint app);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_app_arg(nint context, nint app, uint index);

    [LibraryImport(LibraryName)]
    public static partial int Z3_get_bool_value(nint context, nint a);

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool Z3_is_numeral_ast(nint context, nint a);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_numeral_string(nint context, nint a);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_decl_name(nint context, nint decl);

    [LibraryImport(LibraryName)]
    public static partial int Z3_get_decl_kind(nint context, nint decl);

    [LibraryImport(LibraryName)]
    public static partial uint Z3_get_domain_size(nint context, nint decl);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_domain(nint context, nint decl, uint index);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_range(nint context, nint decl);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_func_decl_to_string(nint context, nint decl);
}
