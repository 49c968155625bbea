namespace Verified.Spec.Kernel;

/// <summary>
/// A set of keys that is also a list (for the touched-only check's candidate loops), with O(1)
/// add and remove: a removed key's place is taken by the last one, so the order is arbitrary —
/// its readers test every member, and the order in which they do so changes no result.
/// </summary>
internal sealed class KeySet : IReadOnlyList<Value>
{
    private readonly List<Value> items = [];
    private readonly Dictionary<Value, int> at = [];

    public int Count => items.Count;

    public Value this[int index] => items[index];

    public bool Contains(Value key) => at.ContainsKey(key);

    public void Add(Value key)
    {
        if (!at.TryAdd(key, items.Count)) return;
        items.Add(key);
    }

    public void Remove(Value key)
    {
        if (!at.Remove(key, out var i)) return;
        var last = items.Count - 1;
        if (i != last)
        {
            items[i] = items[last];
            at[items[i]] = i;
        }

        items.RemoveAt(last);
    }

    public void Clear()
    {
        items.Clear();
        at.Clear();
    }

    public List<Value>.Enumerator GetEnumerator() => items.GetEnumerator();

    IEnumerator<Value> IEnumerable<Value>.GetEnumerator() => items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => items.GetEnumerator();
}
