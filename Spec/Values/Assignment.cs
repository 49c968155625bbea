using System.Collections.Immutable;

namespace Verified.Spec;

/// <summary>An immutable binding of free variable names to values, the environment of Eval.</summary>
public sealed class Assignment
{
    public static readonly Assignment Empty = new(ImmutableDictionary<string, Value>.Empty.WithComparers(StringComparer.Ordinal));

    private Assignment(ImmutableDictionary<string, Value> values) => Values = values;

    public ImmutableDictionary<string, Value> Values { get; }

    public Assignment With(string name, Value value)
    {
        SpecNames.Check(name, "variable name");
        ArgumentNullException.ThrowIfNull(value);
        return new Assignment(Values.SetItem(name, value));
    }

    public Assignment With(VarTerm var, Value value)
    {
        ArgumentNullException.ThrowIfNull(var);
        ArgumentNullException.ThrowIfNull(value);
        if (!var.Sort.Equals(value.Sort))
            throw new SortMismatchException($"Assignment: variable '{var.Name}' has sort {var.Sort}, got a value of sort {value.Sort}");
        return With(var.Name, value);
    }

    public static Assignment Of(params (VarTerm Var, Value Value)[] bindings)
    {
        var a = Empty;
        foreach (var (v, x) in bindings) a = a.With(v, x);
        return a;
    }

    public bool TryGet(string name, out Value value) => Values.TryGetValue(name, out value!);

    public override string ToString() =>
        string.Join(", ", Values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} = {kv.Value}"));
}
