using System.Runtime.InteropServices;

namespace Verified.Smt.Native;

/// <summary>Sorts: construction and inspection.</summary>
internal static partial class Z3Native
{
    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_bool_sort(nint context);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_bv_sort(nint context, uint size);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_array_sort(nint context, nint domain, nint range);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_uninterpreted_sort(nint context, nint symbol);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_enumeration_sort(
        nint context, nint name, uint n, [In] nint[] enumNames, [Out] nint[] enumConsts, [Out] nint[] enumTesters);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_tuple_sort(
        nint context, nint name, uint numFields, [In] nint[] fieldNames, [In] nint[] fieldSorts, out nint mkTupleDecl, [Out] nint[] projDecls);

    [LibraryImport(LibraryName)]
    public static partial int Z3_get_sort_kind(nint context, nint sort);

    [LibraryImport(LibraryName)]
    public static partial uint Z3_get_bv_sort_size(nint context, nint sort);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_array_sort_domain(nint context, nint sort);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_array_sort_range(nint context, nint sort);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_sort_name(nint context, nint sort);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_sort_to_string(nint context, nint sort);

    [LibraryImport(LibraryName)]
    public static partial uint Z3_get_datatype_sort_num_constructors(nint context, nint sort);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_datatype_sort_constructor(nint context, nint sort, uint index);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_tuple_sort_mk_decl(nint context, nint sort);

    [LibraryImport(LibraryName)]
    public static partial uint Z3_get_tuple_sort_num_fields(nint context, nint sort);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_get_tuple_sort_field_decl(nint context, nint sort, uint index);
}
