namespace Verified.Spec.Kernel;

/// <summary>
/// Where a state may differ from a base state it was computed from, per field (in
/// <see cref="KernelState.Fields"/> order): a field not touched is the same value as in the base;
/// a keyed field is a map with the same default as in the base, equal to it at every key outside
/// its set; a whole field may differ anywhere. A superset of the true differences is allowed (a
/// key written with the value it had). This lets the refinement checker normalise and compare a
/// spec step's result at the keys the step wrote instead of at every entry of every changed map.
/// It is a builder: a spec step fills one, normalisation adds the keys it resets. The keys of a
/// field are a short list (a step writes one or two per field; a set per field cost more than the
/// rest of the bookkeeping), which may hold a key twice.
/// </summary>
public sealed class StateChanges
{
    private const int DeduplicateUpTo = 16;
    private readonly List<Value>?[] keys = new List<Value>?[ConcreteState.FieldCount];
    private bool[]? whole; // made at the first field changed as a whole (few steps have one)

    /// <summary>The field may differ from the base in any way (its default, or unknown keys).</summary>
    public bool IsWhole(int field) => whole is not null && whole[field];

    /// <summary>The keys at which a keyed field may differ (null when the field is untouched or whole; not to be changed by the caller).</summary>
    public List<Value>? Keys(int field) => IsWhole(field) ? null : keys[field];

    public bool Touched(int field) => IsWhole(field) || keys[field] is not null;

    /// <summary>Marks <paramref name="field"/> keyed (touched) even with no key yet.</summary>
    public void Touch(int field) => keys[field] ??= new List<Value>(1); // most fields get one key

    public void Add(int field, Value key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var list = keys[field] ??= new List<Value>(1);
        if (list.Count > DeduplicateUpTo || !list.Contains(key)) list.Add(key);
    }

    public void MarkWhole(int field) => (whole ??= new bool[ConcreteState.FieldCount])[field] = true;

    /// <summary>The keyed changes by field name (the form <see cref="RoleDomains.Plus"/> takes); null when some field is whole.</summary>
    public IReadOnlyDictionary<string, HashSet<Value>>? ByName()
    {
        var d = new Dictionary<string, HashSet<Value>>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++)
        {
            if (IsWhole(i)) return null;
            if (keys[i] is { } k) d[KernelState.Fields[i].Name] = [.. k];
        }

        return d;
    }

    /// <summary>
    /// The exact changes of field <paramref name="field"/> from <paramref name="before"/> to
    /// <paramref name="after"/>, found by reading every entry of both (for a field whose written
    /// keys are not known): keyed when both are maps with equal defaults, else whole.
    /// </summary>
    public void AddDifferences(int field, Value before, Value after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (ReferenceEquals(before, after)) return;
        if (before is not MapValue b || after is not MapValue a || !b.Default.Equals(a.Default))
        {
            if (!before.Equals(after)) MarkWhole(field);
            return;
        }

        Touch(field);
        foreach (var (k, v) in a.Entries)
            if (!b.Entries.TryGetValue(k, out var old) || !old.Equals(v)) Add(field, k);
        foreach (var k in b.Entries.Keys)
            if (!a.Entries.ContainsKey(k)) Add(field, k);
    }

    /// <summary>
    /// Whether these changes describe <paramref name="state"/> against <paramref name="baseState"/>
    /// (every difference is covered); null when they do, else the first field and key that is not.
    /// For the cross-check of the checker's shortcut: reads every entry of every field.
    /// </summary>
    public string? Uncovered(ConcreteState baseState, ConcreteState state)
    {
        ArgumentNullException.ThrowIfNull(baseState);
        ArgumentNullException.ThrowIfNull(state);
        for (var i = 0; i < keys.Length; i++)
        {
            if (IsWhole(i)) continue;
            var exact = new StateChanges();
            exact.AddDifferences(i, baseState[i], state[i]);
            var name = KernelState.Fields[i].Name;
            if (exact.IsWhole(i)) return $"{name} (its default or whole value changed)";
            if (exact.keys[i] is not { Count: > 0 } differ) continue;
            var mine = keys[i];
            if (mine is null) return $"{name} (not listed as changed)";
            foreach (var k in differ)
                if (!mine.Contains(k)) return $"{name} at {k}";
        }

        return null;
    }
}
