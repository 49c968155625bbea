using System.Runtime.CompilerServices;

namespace Verified.Spec;

/// <summary>The concrete interpretation of terms. Compiled programs are cached per term instance.</summary>
public static class Eval
{
    private static readonly ConditionalWeakTable<Term, CompiledTerm> Cache = [];

    /// <summary>Compiles <paramref name="term"/> once (cached) and evaluates it.</summary>
    public static Value Evaluate(Term term, Assignment assignment) => Compile(term).Evaluate(assignment);

    public static bool EvaluateBool(Term term, Assignment assignment) => Compile(term).EvaluateBool(assignment);

    public static CompiledTerm Compile(Term term)
    {
        ArgumentNullException.ThrowIfNull(term);
        return Cache.GetValue(term, EvalCompiler.Default.Compile);
    }
}
