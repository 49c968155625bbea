using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// A concrete abstract state: one <see cref="Value"/> per <see cref="KernelState"/> field. What the
/// refinement checker's abstraction function produces and what Eval steps. Equality is structural
/// (field by field; map values compare extensionally).
/// </summary>
public sealed class ConcreteState : IEquatable<ConcreteState>
{
    public ConcreteState(ImmutableDictionary<string, Value> values)
    {
        foreach (var f in KernelState.Fields)
            if (!values.ContainsKey(f.Name)) throw new ArgumentException($"ConcreteState: field {f.Name} is missing", nameof(values));
        if (values.Count != KernelState.Fields.Length)
            throw new ArgumentException($"ConcreteState: unknown fields {string.Join(", ", values.Keys.Except(KernelState.Fields.Select(f => f.Name)))}", nameof(values));
        Values = values;
    }

    public ImmutableDictionary<string, Value> Values { get; }

    public Value this[string field] => Values.TryGetValue(field, out var v) ? v
        : throw new ArgumentException($"ConcreteState: no field '{field}'", nameof(field));

    public MapValue Map(string field) => (MapValue)this[field];

    public ConcreteState With(string field, Value value)
    {
        if (!Values.TryGetValue(field, out var old)) throw new ArgumentException($"ConcreteState: no field '{field}'", nameof(field));
        if (!old.Sort.Equals(value.Sort)) throw new ArgumentException($"ConcreteState: field {field} has sort {old.Sort}, got {value.Sort}", nameof(value));
        return new ConcreteState(Values.SetItem(field, value));
    }

    /// <summary>Binds the variables of <see cref="KernelState.Symbolic"/>(k, prefix) to this state.</summary>
    public Assignment Bind(Assignment into, string prefix)
    {
        foreach (var (name, v) in Values) into = into.With(prefix + name, v);
        return into;
    }

    /// <summary>Evaluates every field of a (transition's) state under an assignment.</summary>
    public static ConcreteState Evaluate(KernelState state, Assignment assignment) =>
        new(KernelState.Fields.ToImmutableDictionary(f => f.Name, f => Eval.Evaluate(f.Get(state), assignment), StringComparer.Ordinal));

    public bool Equals(ConcreteState? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null) return false;
        foreach (var (k, v) in Values)
            if (!other.Values.TryGetValue(k, out var o) || !v.Equals(o)) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is ConcreteState s && Equals(s);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var f in KernelState.Fields) h.Add(Values[f.Name]);
        return h.ToHashCode();
    }

    /// <summary>The fields that differ from <paramref name="other"/>, for messages.</summary>
    public IEnumerable<string> DifferingFields(ConcreteState other) =>
        KernelState.Fields.Select(f => f.Name).Where(n => !this[n].Equals(other[n]));
}
