namespace Verified.Spec.Kernel;

/// <summary>
/// The keys of one map's entries grouped by a function of the key and its value (a map's inverse:
/// by value; a computed read's index: by the computed key), for the map object <see cref="Map"/>.
/// Mutable, moved along from one step's map to the next at the keys where they differ, so a step
/// costs its changed keys, not the map's size (the touched-only invariant check,
/// <see cref="KernelEval.BrokenClausesTouched(ConcreteState, ConcreteState, TouchedCounts)"/>).
/// A group handed out is valid until the next <see cref="Rebuild"/> or <see cref="Move"/>; a key
/// leaves its group in O(1) (<see cref="KeySet"/>: a group, e.g. the copies of one capability, may be large).
/// </summary>
internal sealed class KeyGroups
{
    /// <summary>The map whose entries these are (null: none yet).</summary>
    public MapValue? Map { get; private set; }

    public Dictionary<Value, KeySet> Groups { get; } = new(ValueKeyComparer.Instance);

    /// <summary>The groups of every entry of <paramref name="map"/>.</summary>
    public void Rebuild(MapValue map, Func<Value, Value, Value> groupOf)
    {
        Groups.Clear();
        foreach (var (k, v) in map.Entries) Add(groupOf(k, v), k);
        Map = map;
    }

    /// <summary>
    /// From <see cref="Map"/> to <paramref name="after"/>, which differs from it at most at
    /// <paramref name="differ"/>: each such key leaves its old group and joins its new one.
    /// <paramref name="skip"/>: planted fault, the keys are not moved (the groups stay the old map's).
    /// </summary>
    public void Move(MapValue after, HashSet<Value> differ, Func<Value, Value, Value> groupOf, bool skip)
    {
        var before = Map ?? throw new InvalidOperationException("KeyGroups: Move before Rebuild");
        if (!skip)
        {
            foreach (var k in differ)
            {
                if (before.Entries.TryGetValue(k, out var old) && groupOf(k, old) is var was && Groups.TryGetValue(was, out var had))
                {
                    had.Remove(k);
                    if (had.Count == 0) Groups.Remove(was);
                }

                if (after.Entries.TryGetValue(k, out var now)) Add(groupOf(k, now), k);
            }
        }

        Map = after;
    }

    private void Add(Value group, Value key)
    {
        if (!Groups.TryGetValue(group, out var keys)) Groups[group] = keys = new KeySet();
        keys.Add(key);
    }
}
