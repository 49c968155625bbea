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

    // Changes made: an enumerator that sees it move throws (a removal swaps the last key into the
    // removed one's place, so enumerating across a change would skip or repeat keys silently).
    private int version;

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
                version++;
                return;
            }

            if (ValueKeyComparer.Instance.Equals(single, key)) return;
            items = [single, key];
            single = null;
            version++;
            return;
        }

        if (at is not null)
        {
            if (!at.TryAdd(key, items.Count)) return;
            items.Add(key);
            version++;
            return;
        }

        if (IndexOf(key) >= 0) return;
        items.Add(key);
        version++;
        if (items.Count <= SmallLimit) return;
        at = new Dictionary<Value, int>(items.Count * 2, ValueKeyComparer.Instance);
        for (var i = 0; i < items.Count; i++) at.Add(items[i], i);
    }

    public void Remove(Value key)
    {
        if (items is null)
        {
            if (single is not null && ValueKeyComparer.Instance.Equals(single, key))
            {
                single = null;
                version++;
            }

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
        version++;
    }

    public void Clear()
    {
        single = null;
        items?.Clear();
        at?.Clear();
        version++;
    }

    private int IndexOf(Value key)
    {
        if (items is null) return single is not null && ValueKeyComparer.Instance.Equals(single, key) ? 0 : -1;
        if (at is not null) return at.TryGetValue(key, out var i) ? i : -1;
        for (var i = 0; i < items.Count; i++)
            if (ValueKeyComparer.Instance.Equals(items[i], key)) return i;
        return -1;
    }

    /// <summary>The keys in list order (no allocation; a change to the set meanwhile throws).</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Value> IEnumerable<Value>.GetEnumerator()
    {
        var e = GetEnumerator();
        while (e.MoveNext()) yield return e.Current;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => ((IEnumerable<Value>)this).GetEnumerator();

    public struct Enumerator(KeySet set)
    {
        private readonly int version = set.version;
        private int next;

        public Value Current { get; private set; } = null!;

        public bool MoveNext()
        {
            if (version != set.version) throw new InvalidOperationException("KeySet changed while enumerated: collect the keys to change first, then change the set");
            if (next >= set.Count) return false;
            Current = set[next++];
            return true;
        }
    }
}
