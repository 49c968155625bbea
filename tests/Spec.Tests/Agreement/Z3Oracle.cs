using Verified.Spec;
using Smt = Verified.Smt;

namespace Verified.Spec.Tests.Agreement;

/// <summary>What Z3 says about "term = value" under an assignment.</summary>
internal abstract record Verdict
{
    public sealed record Agree : Verdict;

    public sealed record Disagree(string Z3Value) : Verdict;

    /// <summary>Z3 could not decide (unknown or time-out): a failure, never a pass.</summary>
    public sealed record Undecided(string Reason) : Verdict;
}

/// <summary>
/// Z3's own evaluation of a term, for comparison with Eval. One per thread (it owns a Z3 context).
/// The ground term (free variables replaced by their values) is compared with Eval's value: first by
/// Z3's simplifier, which decides most ground terms outright; otherwise the solver must show
/// that the two differ is unsatisfiable.
/// </summary>
internal sealed class Z3Oracle : IDisposable
{
    private readonly Smt.Context _context = new();
    private readonly Z3Translator _translator;

    public Z3Oracle() => _translator = new Z3Translator(_context);

    public int SolverCalls { get; private set; }

    public Verdict Check(Term term, Assignment assignment, Value evalValue)
    {
        using var ground = _translator.ToZ3(term, assignment);
        using var expected = _translator.ToZ3(evalValue);
        using var eq = _translator.Equal(ground, expected, term.Sort); // pointwise on small maps, as ToZ3's Eq
        using var simplified = eq.Simplify();
        switch (simplified.BoolValue)
        {
            case true:
                return new Verdict.Agree();
            case false:
                return new Verdict.Disagree(Z3ValueOf(ground, term.Sort));
        }
        SolverCalls++;
        // A fresh solver per query: an incremental one carries state from earlier cases and can give up.
        using var solver = _context.Solver();
        using var differ = _context.Not(eq);
        solver.Assert(differ);
        return solver.Check(TimeSpan.FromSeconds(20)) switch
        {
            Smt.SolverOutcome.Unsat => new Verdict.Agree(),
            Smt.SolverOutcome.Sat sat => new Verdict.Disagree(ModelValue(_translator, sat.Model, ground, term.Sort)),
            Smt.SolverOutcome.Unknown u => new Verdict.Undecided(u.Reason),
            var other => new Verdict.Undecided($"unexpected outcome {other}"),
        };
    }

    private static string Z3ValueOf(Smt.Term ground, Sort sort)
    {
        using var s = ground.Simplify();
        try
        {
            return Z3Values.FromZ3(s, sort).ToString();
        }
        catch (InvalidOperationException)
        {
            return s.ToString(); // not in value form: show Z3's own text
        }
    }

    private static string ModelValue(Z3Translator translator, Smt.Model model, Smt.Term ground, Sort sort)
    {
        try
        {
            return Z3Values.FromModel(translator, model, ground, sort).ToString();
        }
        catch (InvalidOperationException)
        {
            using var v = model.Eval(ground);
            return v.ToString();
        }
    }

    public void Dispose() => _context.Dispose();
}
