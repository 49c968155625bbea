using System.Runtime.InteropServices;

namespace Verified.Smt.Native;

/// <summary>Solvers.</summary>
internal static partial class Z3Native
{
    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_solver(nint context);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_mk_solver_for_logic(nint context, nint logic);

    [LibraryImport(LibraryName)]
    public static partial void Z3_solver_inc_ref(nint context, nint solver);

    [LibraryImport(LibraryName)]
    public static partial void Z3_solver_dec_ref(nint context, nint solver);

    [LibraryImport(LibraryName)]
    public static partial void Z3_solver_set_params(nint context, nint solver, nint parameters);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_solver_get_param_descrs(nint context, nint solver);

    [LibraryImport(LibraryName)]
    public static partial void Z3_solver_push(nint context, nint solver);

    [LibraryImport(LibraryName)]
    public static partial void Z3_solver_pop(nint context, nint solver, uint n);

    [LibraryImport(LibraryName)]
    public static partial uint Z3_solver_get_num_scopes(nint context, nint solver);

    [LibraryImport(LibraryName)]
    public static partial void Z3_solver_reset(nint context, nint solver);

    [LibraryImport(LibraryName)]
    public static partial void Z3_solver_assert(nint context, nint solver, nint a);

    [LibraryImport(LibraryName)]
    public static partial void Z3_solver_assert_and_track(nint context, nint solver, nint a, nint tracker);

    [LibraryImport(LibraryName)]
    public static partial int Z3_solver_check(nint context, nint solver);

    [LibraryImport(LibraryName)]
    public static partial int Z3_solver_check_assumptions(nint context, nint solver, uint numAssumptions, [In] nint[] assumptions);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_solver_get_model(nint context, nint solver);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_solver_get_unsat_core(nint context, nint solver);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_solver_get_reason_unknown(nint context, nint solver);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_solver_get_statistics(nint context, nint solver);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_solver_get_assertions(nint context, nint solver);

    [LibraryImport(LibraryName)]
    public static partial nint Z3_solver_to_string(nint context, nint solver);

    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void Z3_solver_from_string(nint context, nint solver, string text);
}
