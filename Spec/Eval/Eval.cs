using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Verified.Spec;

/// <summary>
/// The concrete interpretation of terms. Compiled programs are cached per term instance and, with a
/// bounded cache, per structurally equal term: callers that rebuild the same term for every step
/// (e.g. quantifier domains taken from the current state) then compile it once.
/// </summary>
public static class Eval
{
    private const int StructuralCacheLimit = 4096;

    private static readonly ConditionalWeakTable<Term, CompiledTerm> ByInstance = [];
    private static readonly ConcurrentDictionary<Term, CompiledTerm> ByStructure = new();

    /// <summary>Compiles <paramref name="term"/> once (cached) and evaluates it.</summary>
    public static Value Evaluate(Term term, Assignment assignment) => Compile(term).Evaluate(assignment);

    public static bool EvaluateBool(Term term, Assignment assignment) => Compile(term).EvaluateBool(assignment);

    public static CompiledTerm Compile(Term term)
    {
        ArgumentNullException.ThrowIfNull(term);
        return ByInstance.GetValue(term, static t =>
        {
            if (ByStructure.TryGetValue(t, out var c)) return c;
            c = EvalCompiler.Default.Compile(t);
            if (ByStructure.Count >= StructuralCacheLimit) ByStructure.Clear(); // crude bound; a miss only costs a compile
            ByStructure.TryAdd(t, c);
            return c;
        });
    }
}
