namespace Verified.Spec.Kernel;

/// <summary>
/// A set of keys that is also a list (for the touched-only check's candidate loops), with O(1)
/// add and remove: a removed key's place is taken by the last one, so the order is arbitrary —
/// its readers test every member, and the order in which they do so changes no result.
/// Most sets are groups of one or two keys (a capability's slot, an object's capabilities), so a
/// set of at most <see cref="SmallLimit"/> keys has no position index and finds a key by scanning
/// the list (a dictionary per group was most of the inverses' allocation); the index is built
/// when the set grows past that, and kept (a large group stays large, mostly).
/// </summary>
internal sealed class KeySet : IReadOnlyList<Value>
{
    /// <summary>The most keys a set holds without a position index.</summary>
    public const int SmallLimit = 8;

    private readonly List<Value> items = [];
    private Dictionary<Value, int>? at;


    public int Count => items.Count;

    public Value this[int index] => items[index];

    public bool Contains(Value key) => IndexOf(key) >= 0;

    public void Add(Value key)
    {
        if (at is not null)
        {
            if (!at.TryAdd(key, items.Count)) return;
            items.Add(key);
            return;
        }

        if (IndexOf(key) >= 0) return;
        items.Add(key);
        if (items.Count <= SmallLimit) return;
        at = new Dictionary<Value, int>(items.Count * 2, ValueKeyComparer.Instance);
        for (var i = 0; i < items.Count; i++) at.Add(items[i], i);
    }

    public void Remove(Value key)
    {
        int i;
        if (at is not null)
        {
            if (!at.Remove(key, out i)) return;
        }
        else if ((i = IndexOf(key)) < 0)
        {
            return;
        }

        var last = items.Count - 1;
        if (i != last)
        {
            items[i] = items[last];
            if (at is not null) at[items[i]] = i;
        }

        items.RemoveAt(last);
    }

    public void Clear()
    {
        items.Clear();
        at?.Clear();
    }

    private int IndexOf(Value key)
    {
        if (at is not null) return at.TryGetValue(key, out var i) ? i : -1;
        for (var i = 0; i < items.Count; i++)
            if (ValueKeyComparer.Instance.Equals(items[i], key)) return i;
        return -1;
    }

    public List<Value>.Enumerator GetEnumerator() => items.GetEnumerator();

    IEnumerator<Value> IEnumerable<Value>.GetEnumerator() => items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => items.GetEnumerator();
}
