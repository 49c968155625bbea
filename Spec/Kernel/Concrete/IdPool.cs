namespace Verified.Spec.Kernel;

/// <summary>
/// The ids of one role in the order they were found, shared by the <see cref="RoleDomains"/> of a
/// chain of states: a state's domain is a prefix of the pool (its length), and the next state's is
/// the same pool with the new ids appended — in place when nothing was appended past the prefix
/// yet, else in a copy of the prefix (<see cref="ForAppend"/>). Entries are never changed or
/// removed, so every prefix handed out stays what it was. Not thread-safe (neither is
/// <see cref="KernelEval"/>, whose domains these are).
/// </summary>
internal sealed class IdPool
{
    private readonly List<ulong> ids = [];
    private readonly Dictionary<ulong, int> at = [];
    private readonly List<Value> boxed = [];

    public int Count => ids.Count;

    public ulong this[int index] => ids[index];

    /// <summary>The smallest two ids absent from the prefix of length Length, as last computed (null: never).</summary>
    public (int Length, ulong[] Fresh)? LastFresh { get; set; }

    /// <summary>The domain map (index → id, prefix then fresh ids) last built, for the prefix of length Length.</summary>
    public (int Length, ulong[] Fresh, MapValue Map)? LastMap { get; set; }

    /// <summary>Whether <paramref name="id"/> is among the first <paramref name="length"/> ids.</summary>
    public bool Contains(ulong id, int length) => at.TryGetValue(id, out var p) && p < length;

    /// <summary>A pool whose first <paramref name="length"/> ids are this one's and which has no more yet: this one, or a copy of that prefix.</summary>
    public IdPool ForAppend(int length)
    {
        if (length == ids.Count) return this;
        var copy = new IdPool();
        for (var i = 0; i < length; i++) copy.Add(ids[i]);
        for (var i = 0; i < length && i < boxed.Count; i++) copy.boxed.Add(boxed[i]);
        // What was derived from a prefix of the copied one holds of the copy (the same ids).
        if (LastFresh is { } f && f.Length <= length) copy.LastFresh = f;
        if (LastMap is { } m && m.Length <= length) copy.LastMap = m;
        return copy;
    }

    /// <summary>Appends an id not in the pool (callers check with <see cref="Contains"/> at the pool's whole length).</summary>
    public void Add(ulong id)
    {
        at.Add(id, ids.Count);
        ids.Add(id);
    }

    /// <summary>The first <paramref name="length"/> ids as values of <paramref name="width"/> bits (boxed once per pool).</summary>
    public List<Value> Boxed(int length, int width)
    {
        while (boxed.Count < length) boxed.Add(new BitVecValue(width, ids[boxed.Count]));
        return boxed;
    }
}

/// <summary>A domain as a list: the first <c>length</c> values of a pool's boxed ids, then the fresh ids.</summary>
internal sealed class DomainList(List<Value> prefix, int length, Value[] fresh) : IReadOnlyList<Value>
{
    public int Count => length + fresh.Length;

    public Value this[int index] => index < length ? prefix[index] : fresh[index - length];

    public IEnumerator<Value> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
