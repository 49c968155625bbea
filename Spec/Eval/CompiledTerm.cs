using System.Collections.Immutable;

namespace Verified.Spec;

/// <summary>A term compiled for repeated evaluation. Thread-safe: each call uses its own frame.</summary>
public sealed class CompiledTerm
{
    private readonly ImmutableArray<(VarTerm Var, Binding Binding)> _free;
    private readonly OCode _code;
    private readonly int _scalars;
    private readonly int _objects;
    private readonly Sort?[] _sortChecked; // per free variable, the last value sort instance found equal to the variable's
    private readonly int[] _slots; // per free variable, its slot (in S when scalar, else in O)
    private readonly bool[] _scalar;
    private Frame? _spare; // one frame kept for the next evaluation: most callers evaluate from one thread at a time

    internal CompiledTerm(Term term, ImmutableArray<(VarTerm, Binding)> free, OCode code, Scope scope)
    {
        Term = term;
        _free = free;
        _code = code;
        _scalars = scope.Scalars;
        _objects = scope.Objects;
        FreeVariables = [.. free.Select(f => f.Item1)];
        _sortChecked = new Sort?[free.Length];
        _slots = [.. free.Select(f => f.Item2.Slot)];
        _scalar = [.. free.Select(f => f.Item2.Scalar)];
    }

    public Term Term { get; }

    public ImmutableArray<VarTerm> FreeVariables { get; }

    /// <summary>
    /// The value of the term under <paramref name="assignment"/>, which must give every free variable
    /// a value of its sort. Throws <see cref="NotEvaluableException"/> for what Eval cannot decide.
    /// </summary>
    public Value Evaluate(Assignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var f = new Frame(_scalars, _objects);
        foreach (var (v, b) in _free)
        {
            if (!assignment.TryGet(v.Name, out var x))
                throw new ArgumentException($"Eval: free variable '{v.Name}' ({v.Sort}) has no value in the assignment", nameof(assignment));
            if (!x.Sort.Equals(v.Sort))
                throw new SortMismatchException($"Eval: variable '{v.Name}' has sort {v.Sort}, the assignment gives a value of sort {x.Sort}");
            if (b.Scalar) f.S[b.Slot] = Boxing.Unbox(x);
            else f.O[b.Slot].V = x;
        }
        return _code(f);
    }

    /// <summary>
    /// The value of the term with <paramref name="values"/> given positionally, in the order of
    /// <see cref="FreeVariables"/>: skips the name lookups of <see cref="Evaluate(Assignment)"/> on hot paths.
    /// </summary>
    public Value Evaluate(ReadOnlySpan<Value> values)
    {
        if (values.Length != _free.Length)
            throw new ArgumentException($"Eval: the term has {_free.Length} free variables ({string.Join(", ", FreeVariables.Select(v => v.Name))}), got {values.Length} values", nameof(values));
        var f = Interlocked.Exchange(ref _spare, null) ?? new Frame(_scalars, _objects);
        var checkedSorts = _sortChecked;
        var slots = _slots;
        var scalar = _scalar;
        for (int i = 0; i < values.Length; i++)
        {
            var x = values[i] ?? throw new ArgumentNullException(nameof(values), $"Eval: no value for '{_free[i].Var.Name}'");
            // Sorts compare structurally (a map sort recursively); the same sort instance as last
            // time needs no second comparison. A race only repeats a comparison.
            var s = x.Sort;
            if (!ReferenceEquals(s, checkedSorts[i]))
            {
                var v = _free[i].Var;
                if (!s.Equals(v.Sort))
                    throw new SortMismatchException($"Eval: variable '{v.Name}' has sort {v.Sort}, got a value of sort {x.Sort}");
                checkedSorts[i] = s;
            }
            if (scalar[i]) f.S[slots[i]] = Boxing.Unbox(x);
            else f.O[slots[i]].V = x;
        }
        var result = _code(f);
        // Every slot is written before it is read (scoping is fixed at compile time), so a used
        // frame serves the next evaluation; its objects are dropped so that it retains no state.
        Array.Clear(f.O);
        _spare = f;
        return result;
    }

    /// <summary>Evaluates a Bool term.</summary>
    public bool EvaluateBool(Assignment assignment)
    {
        if (Term.Sort is not BoolSort)
            throw new InvalidOperationException($"EvaluateBool: the term has sort {Term.Sort}, not Bool");
        return ((BoolValue)Evaluate(assignment)).Value;
    }
}
