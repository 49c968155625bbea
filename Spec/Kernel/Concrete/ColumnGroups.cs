namespace Verified.Spec.Kernel;

/// <summary>
/// The columns of a map of Boolean maps F, for the map object <see cref="Map"/>: per inner key t,
/// the keys k among F's entries with F[k][t] true (the "descendants" of t when F is the ancestry).
/// Keys whose row's default is not false hold an unbounded column and are kept apart
/// (<see cref="Odd"/>: a reader tests them one by one). Mutable, moved along from one step's map
/// to the next at the keys where they differ, so a step costs the rows of its changed keys, not the
/// map's size (the touched-only invariant check's nested narrowing, KernelEval.Candidates).
/// A column handed out is valid until the next <see cref="Rebuild"/> or <see cref="Move"/>.
/// </summary>
internal sealed class ColumnGroups
{
    private readonly Dictionary<Value, KeySet> columns = new(ValueKeyComparer.Instance);

    /// <summary>The map whose columns these are (null: none yet).</summary>
    public MapValue? Map { get; private set; }

    /// <summary>The keys among the entries whose row's default is not false.</summary>
    public KeySet Odd { get; } = new();

    /// <summary>The keys k among the entries of <see cref="Map"/> with Map[k][t] true, t not at an odd row (null: none).</summary>
    public KeySet? Column(Value t) => columns.GetValueOrDefault(t);

    /// <summary>The columns of every entry of <paramref name="map"/>.</summary>
    public void Rebuild(MapValue map)
    {
        columns.Clear();
        Odd.Clear();
        foreach (var (k, row) in map.Entries) Add(k, (MapValue)row);
        Map = map;
    }

    /// <summary>
    /// From <see cref="Map"/> to <paramref name="after"/>, which differs from it at most at
    /// <paramref name="differ"/>: each such key leaves the columns of its old row and joins those of
    /// its new one. <paramref name="skip"/>: planted fault, the keys are not moved.
    /// </summary>
    public void Move(MapValue after, HashSet<Value> differ, bool skip)
    {
        var before = Map ?? throw new InvalidOperationException("ColumnGroups: Move before Rebuild");
        if (!skip)
        {
            foreach (var k in differ)
            {
                if (before.Entries.TryGetValue(k, out var old)) Remove(k, (MapValue)old);
                if (after.Entries.TryGetValue(k, out var now)) Add(k, (MapValue)now);
            }
        }

        Map = after;
    }

    private void Add(Value k, MapValue row)
    {
        if (row.Default is not BoolValue { Value: false }) Odd.Add(k);
        foreach (var (t, b) in row.Entries)
        {
            if (b is not BoolValue { Value: true }) continue;
            if (!columns.TryGetValue(t, out var keys)) columns[t] = keys = new KeySet();
            keys.Add(k);
        }
    }

    private void Remove(Value k, MapValue row)
    {
        if (row.Default is not BoolValue { Value: false }) Odd.Remove(k);
        foreach (var (t, b) in row.Entries)
        {
            if (b is not BoolValue { Value: true } || !columns.TryGetValue(t, out var keys)) continue;
            keys.Remove(k);
            if (keys.Count == 0) columns.Remove(t);
        }
    }
}
