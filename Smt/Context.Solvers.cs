using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>Solvers, parameter sets, and SMT-LIB2 text read back.</summary>
public sealed partial class Context
{
    /// <summary>A general-purpose solver (Z3's default combination).</summary>
    public Solver Solver() => new(this, Checked(Z3Native.Z3_mk_solver(Native)));

    /// <summary>A solver specialised for an SMT-LIB logic, e.g. "QF_BV" or "QF_AUFBV".</summary>
    public Solver Solver(string logic) => new(this, Checked(Z3Native.Z3_mk_solver_for_logic(Native, Symbol(logic))));

    /// <summary>An empty parameter set.</summary>
    public Params Params() => new(this, Checked(Z3Native.Z3_mk_params(Native)));

    /// <summary>The assertions of an SMT-LIB2 text (declarations and asserts), as terms of this context.</summary>
    public IReadOnlyList<Term> ParseSmtLib2(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var vector = new NativeVector(this, Checked(Z3Native.Z3_parse_smtlib2_string(Native, text, 0, null, null, 0, null, null)));
        return vector.ToTerms();
    }

    /// <summary>
    /// Runs an SMT-LIB2 script as the z3 binary would (its own commands, check-sat included) in
    /// this context and returns what it prints, e.g. "unsat\n".
    /// </summary>
    public string RunSmtLib2(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return ReadString(Z3Native.Z3_eval_smtlib2_string(Native, script));
    }
}
