using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// A concrete abstract state: one <see cref="Value"/> per <see cref="KernelState"/> field. What the
/// refinement checker's abstraction function produces and what Eval steps. Equality is structural
/// (field by field; map values compare extensionally).
/// </summary>
/// <remarks>
/// The values are held in an array in <see cref="KernelState.Fields"/> order: Eval reads a field
/// for every state variable of every run and the checker builds a state per spec step, and an
/// immutable dictionary keyed by name made both a tree walk with string hashing.
/// <see cref="Values"/> is built on first use for callers that want the dictionary.
/// </remarks>
public sealed class ConcreteState : IEquatable<ConcreteState>
{
    private static readonly FrozenDictionary<string, int> Index =
        KernelState.Fields.Select((f, i) => KeyValuePair.Create(f.Name, i)).ToFrozenDictionary(StringComparer.Ordinal);

    private readonly Value[] fields;
    private ImmutableDictionary<string, Value>? values;

    public ConcreteState(ImmutableDictionary<string, Value> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var array = new Value[KernelState.Fields.Length];
        for (var i = 0; i < array.Length; i++)
        {
            var name = KernelState.Fields[i].Name;
            array[i] = values.TryGetValue(name, out var v) ? v ?? throw new ArgumentException($"ConcreteState: field {name} is null", nameof(values))
                : throw new ArgumentException($"ConcreteState: field {name} is missing", nameof(values));
        }

        if (values.Count != KernelState.Fields.Length)
            throw new ArgumentException($"ConcreteState: unknown fields {string.Join(", ", values.Keys.Except(KernelState.Fields.Select(f => f.Name)))}", nameof(values));
        fields = array;
        this.values = values;
    }

    // Takes ownership of the array (callers pass a fresh copy).
    private ConcreteState(Value[] fields) => this.fields = fields;

    /// <summary>The number of fields (<see cref="KernelState.Fields"/>' length).</summary>
    public static int FieldCount => KernelState.Fields.Length;

    /// <summary>The position of <paramref name="field"/> in <see cref="KernelState.Fields"/>.</summary>
    public static int IndexOf(string field) => Index.TryGetValue(field, out var i) ? i
        : throw new ArgumentException($"ConcreteState: no field '{field}'", nameof(field));

    public ImmutableDictionary<string, Value> Values =>
        values ??= KernelState.Fields.Select((f, i) => KeyValuePair.Create(f.Name, fields[i])).ToImmutableDictionary(StringComparer.Ordinal);

    public Value this[string field] => fields[IndexOf(field)];

    /// <summary>The field at position <paramref name="index"/> of <see cref="KernelState.Fields"/>.</summary>
    public Value this[int index] => fields[index];

    public MapValue Map(string field) => (MapValue)this[field];

    public MapValue Map(int index) => (MapValue)fields[index];

    public ConcreteState With(string field, Value value) => With(IndexOf(field), value);

    public ConcreteState With(int index, Value value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var old = fields[index];
        if (!old.Sort.Equals(value.Sort)) throw new ArgumentException($"ConcreteState: field {KernelState.Fields[index].Name} has sort {old.Sort}, got {value.Sort}", nameof(value));
        var copy = (Value[])fields.Clone();
        copy[index] = value;
        return new ConcreteState(copy);
    }

    /// <summary>This state with the fields at the given positions replaced (later pairs win).</summary>
    public ConcreteState With(ReadOnlySpan<(int Index, Value Value)> changes)
    {
        foreach (var (i, v) in changes)
        {
            ArgumentNullException.ThrowIfNull(v);
            if (!fields[i].Sort.Equals(v.Sort)) throw new ArgumentException($"ConcreteState: field {KernelState.Fields[i].Name} has sort {fields[i].Sort}, got {v.Sort}", nameof(changes));
        }

        return WithUnchecked(changes);
    }

    /// <summary>
    /// This state with the fields at the given positions replaced (later pairs win). The values
    /// must have the fields' sorts: for Eval's results, whose terms are sort-checked when built.
    /// </summary>
    internal ConcreteState WithUnchecked(ReadOnlySpan<(int Index, Value Value)> changes)
    {
        var copy = (Value[])fields.Clone();
        foreach (var (i, v) in changes) copy[i] = v;
        return new ConcreteState(copy);
    }

    /// <summary>
    /// This state with the field at <paramref name="indexes"/>[i] replaced by <paramref name="values"/>[i]
    /// (Eval's results, of the fields' sorts: the post terms of a step).
    /// </summary>
    internal ConcreteState WithUnchecked(ReadOnlySpan<int> indexes, ReadOnlySpan<Value> values)
    {
        var copy = (Value[])fields.Clone();
        for (var i = 0; i < indexes.Length; i++) copy[indexes[i]] = values[i];
        return new ConcreteState(copy);
    }

    /// <summary>Binds the variables of <see cref="KernelState.Symbolic"/>(k, prefix) to this state.</summary>
    public Assignment Bind(Assignment into, string prefix)
    {
        for (var i = 0; i < fields.Length; i++) into = into.With(prefix + KernelState.Fields[i].Name, fields[i]);
        return into;
    }

    /// <summary>Evaluates every field of a (transition's) state under an assignment.</summary>
    public static ConcreteState Evaluate(KernelState state, Assignment assignment) =>
        new([.. KernelState.Fields.Select(f => Eval.Evaluate(f.Get(state), assignment))]);

    public bool Equals(ConcreteState? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null) return false;
        for (var i = 0; i < fields.Length; i++)
            if (!ReferenceEquals(fields[i], other.fields[i]) && !fields[i].Equals(other.fields[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => obj is ConcreteState s && Equals(s);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var v in fields) h.Add(v);
        return h.ToHashCode();
    }

    /// <summary>The fields that differ from <paramref name="other"/> (for messages, and the divergence rules that allow some fields to differ).</summary>
    public IEnumerable<string> DifferingFields(ConcreteState other)
    {
        ArgumentNullException.ThrowIfNull(other);
        // By position, a field that is the same object in both skipped without comparing.
        for (var i = 0; i < fields.Length; i++)
            if (!ReferenceEquals(fields[i], other.fields[i]) && !fields[i].Equals(other.fields[i])) yield return KernelState.Fields[i].Name;
    }
}
