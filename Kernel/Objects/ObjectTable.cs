using Verified.Kernel.Abi;

namespace Verified.Kernel.Objects;

/// <summary>
/// Every kernel object by index. An index is reused only after its object is released, and each
/// reuse continues the index's generation count, so an old <see cref="ObjectRef"/> never verifies
/// again (spec: object.generation).
/// </summary>
public sealed class ObjectTable
{
    private List<KernelObject?> objects = [];
    private List<uint> generations = [];
    private Stack<int> free = new();

    /// <summary>The kernel whose table this is (null: a snapshot's copy), whose touch log records every object written.</summary>
    internal Kernel? Owner { get; set; }

    /// <summary>Records in the owner's touch log that the object at <paramref name="id"/> was written, replaced or removed.</summary>
    internal void Touched(int id) => Owner?.Touched?.Object(id);

    /// <summary>Number of indexes ever used.</summary>
    public int Capacity => objects.Count;

    /// <summary>The object at an index (live or zombie) or null.</summary>
    public KernelObject? this[int id] => id >= 0 && id < objects.Count ? objects[id] : null;

    /// <summary>All objects present (live and zombie), in index order.</summary>
    public IEnumerable<KernelObject> All => objects.Where(o => o is not null)!;

    /// <summary>The live object a reference names, or null when stale or absent.</summary>
    public KernelObject? Resolve(ObjectRef r)
    {
        var o = this[r.Id];
        return o is not null && o.IsLive && o.Generation == r.Generation ? o : null;
    }

    /// <summary>As <see cref="Resolve"/> but of one type.</summary>
    public T? Resolve<T>(ObjectRef r)
        where T : KernelObject => Resolve(r) as T;

    /// <summary>The generation an index has now (a live object's, or the next one a reuse of a freed index gets); 0 for an index never used.</summary>
    public uint GenerationAt(int id) => id >= 0 && id < generations.Count ? generations[id] : 0;

    /// <summary>Adds an object under a free index with that index's next generation.</summary>
    internal void Add(KernelObject o)
    {
        int id;
        if (free.Count > 0)
        {
            id = free.Pop();
        }
        else
        {
            id = objects.Count;
            objects.Add(null);
            generations.Add(0);
        }

        o.Table = this;
        o.Id = id;
        o.Generation = generations[id];
        o.IsLive = true;
        objects[id] = o;
        Touched(id);
    }

    /// <summary>Marks an object dead: its generation moves on, so every reference to it is stale.</summary>
    internal void Kill(KernelObject o)
    {
        o.IsLive = false;
        generations[o.Id] = o.Generation + 1;
        o.Generation++;
        Touched(o.Id);
    }

    /// <summary>Frees the index of a dead object for reuse.</summary>
    internal void Remove(KernelObject o)
    {
        if (o.IsLive)
        {
            throw new InvalidOperationException($"object {o.Id} ({o.Type}) is removed while live; kill it first.");
        }

        objects[o.Id] = null;
        free.Push(o.Id);
        Touched(o.Id);
    }

    /// <summary>A deep copy, owned by no kernel (a snapshot's; a restore gives its own copy to the kernel).</summary>
    public ObjectTable Clone()
    {
        var copy = new ObjectTable
        {
            objects = [.. objects.Select(o => o?.Clone())],
            generations = [.. generations],
            free = new Stack<int>(free.Reverse()),
        };
        foreach (var o in copy.objects)
            if (o is not null) o.Table = copy;
        return copy;
    }

    internal void Fingerprint(ref Fingerprinter f)
    {
        for (var i = 0; i < objects.Count; i++)
        {
            f.Add(generations[i]);
            objects[i]?.Fingerprint(ref f);
        }

        foreach (var id in free)
        {
            f.Add((ulong)id);
        }
    }

    /// <summary>Counts of live objects by type (diagnostics).</summary>
    public IReadOnlyDictionary<ObjectType, int> CountLive() =>
        objects.Where(o => o is { IsLive: true }).GroupBy(o => o!.Type).ToDictionary(g => g.Key, g => g.Count());
}
