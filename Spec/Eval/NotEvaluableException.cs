namespace Verified.Spec;

/// <summary>Eval met a term it cannot decide by computation (it never guesses); the message names the construct.</summary>
public class NotEvaluableException : InvalidOperationException
{
    public NotEvaluableException(string message, Term term) : base(message) => Term = term;

    public Term Term { get; }
}

/// <summary>An unbounded quantifier over a sort too large to enumerate (see docs/SPEC_LANGUAGE.md).</summary>
public sealed class UnboundedQuantifierException(QuantTerm quantifier, VarTerm variable)
    : NotEvaluableException(
        $"Eval cannot decide the unbounded {quantifier.Kind} over '{variable.Name}' of sort {variable.Sort}: " +
        $"the sort has more than {EvalCompiler.EnumerationLimit} values. Use a bounded quantifier " +
        $"(ForAllIn / ForAllInRange) in terms meant for run-time checking. Quantifier: {Shorten(quantifier)}",
        quantifier)
{
    public QuantTerm Quantifier { get; } = quantifier;

    public VarTerm Variable { get; } = variable;

    private static string Shorten(Term t)
    {
        string s = t.ToString();
        return s.Length <= 200 ? s : s[..200] + "...";
    }
}
