namespace Verified.Spec.Kernel;

/// <summary>
/// A set of keys that is also a list (for the touched-only check's candidate loops), with O(1)
/// add and remove: a removed key's place is taken by the last one, so the order is arbitrary —
/// its readers test every member, and the order in which they do so changes no result.
/// Most sets are groups of one key (a capability's slot, a slot's capability), a few of several
/// (an object's copies), so the storage grows with the set: one key is held inline (no list), up
/// to <see cref="SmallLimit"/> keys in a list found by scanning, and past that the list gets a
/// position index (kept while the set shrinks again: a large group stays large, mostly). A list and
/// a dictionary per group were most of the inverses' allocation.
/// </summary>
internal sealed class KeySet : IReadOnlyList<Value>
{
    /// <summary>The most keys a set holds without a position index.</summary>
    public const int SmallLimit = 8;

    // The only key while there is no list (null: none).
    private Value? single;
    private List<Value>? items;
    private Dictionary<Value, int>? at;

    public int Count => items?.Count ?? (single is null ? 0 : 1);

    public Value this[int index] => items is not null ? items[index]
        : index == 0 && single is not null ? single : throw new ArgumentOutOfRangeException(nameof(index), $"KeySet: index {index} of {Count} keys");

    public bool Contains(Value key) => IndexOf(key) >= 0;

    public void Add(Value key)
    {
        if (items is null)
        {
            if (single is null)
            {
                single = key;
                return;
            }

            if (ValueKeyComparer.Instance.Equals(single, key)) return;
            items = [single, key];
            single = null;
            return;
        }

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
        if (items is null)
        {
            if (single is not null && ValueKeyComparer.Instance.Equals(single, key)) single = null;
            return;
        }

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
        single = null;
        items?.Clear();
        at?.Clear();
    }

    private int IndexOf(Value key)
    {
        if (items is null) return single is not null && ValueKeyComparer.Instance.Equals(single, key) ? 0 : -1;
        if (at is not null) return at.TryGetValue(key, out var i) ? i : -1;
        for (var i = 0; i < items.Count; i++)
            if (ValueKeyComparer.Instance.Equals(items[i], key)) return i;
        return -1;
    }

    /// <summary>The keys in list order (no allocation; the set must not change meanwhile).</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Value> IEnumerable<Value>.GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => ((IEnumerable<Value>)this).GetEnumerator();

    public struct Enumerator(KeySet set)
    {
        private int next;

        public Value Current { get; private set; } = null!;

        public bool MoveNext()
        {
            if (next >= set.Count) return false;
            Current = set[next++];
            return true;
        }
    }
}
