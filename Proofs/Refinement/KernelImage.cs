using System.Runtime.InteropServices;
using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Objects;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The raw kernel data the abstraction reads, as words: every object-table entry (liveness, type,
/// generation, place, parent untyped, the untyped watermark, the task's state, fault endpoint and
/// grant table, the grant table's owner, whether it resolves, and every entry) with the table's generation at its
/// index, and every derivation-list slot in order (address, depth, capability). Two equal images
/// abstract to the same state (with the same capability identities): <see cref="Abstraction.Collect"/>
/// reads nothing else. Comparing words is far cheaper than building and comparing the abstract
/// maps, so <see cref="AbstractionCache"/> returns its last state when the image is unchanged —
/// the common case for the pre-state, which the last post-state already read. Exact equality,
/// not a hash: a change the abstraction could see always changes the image. Grant entries and
/// capabilities are kept whole (record structs compared field by field), so a field added to
/// them later is covered without a change here.
/// </summary>
internal sealed class KernelImage
{
    private readonly List<ulong> words = [];
    private readonly List<GrantEntry> grants = [];
    private readonly List<Capability> caps = [];
    private readonly List<int> objectStart = []; // per table index: where its words start (one more: where the slots start)
    private readonly List<int> grantStart = []; // per table index: where its grant entries start (one more: the end)

    /// <summary>Test-only: leave the capabilities' contents out (a wrong image for the cross-check tests to catch).</summary>
    public bool PlantMissCapabilities { get; set; }

    public void Capture(KernelImpl kernel, IReadOnlyList<SlotAddress> occupied, long idsVersion)
    {
        words.Clear();
        grants.Clear();
        caps.Clear();
        objectStart.Clear();
        grantStart.Clear();
        words.Add((ulong)idsVersion);
        var table = kernel.Objects;
        words.Add((ulong)table.Capacity);
        for (var id = 0; id < table.Capacity; id++)
        {
            objectStart.Add(words.Count);
            grantStart.Add(grants.Count);
            words.Add(table.GenerationAt(id));
            if (table[id] is not { } o)
            {
                words.Add(0);
                continue;
            }

            words.Add(o.IsLive ? 3UL : 1UL);
            words.Add((ulong)o.Type);
            words.Add(o.Generation);
            words.Add(o.Paddr);
            words.Add((ulong)o.SizeBits);
            words.Add((ulong)o.ParentUntyped);
            switch (o)
            {
                case UntypedObject u:
                    words.Add(u.Watermark);
                    break;
                case TaskObject t:
                    words.Add((ulong)t.State);
                    Add(t.FaultEndpoint);
                    Add(t.GrantTable);
                    break;
                case GrantTableObject g:
                    Add(g.Owner);
                    // Whether the owner resolves (a live task of that generation): the grants' keys
                    // name it, so the table's words alone decide its grant entries.
                    words.Add(table.Resolve<TaskObject>(g.Owner) is null ? 0UL : 1UL);
                    words.Add((ulong)g.View.Length);
                    foreach (var e in g.View) grants.Add(e);

                    break;
                default:
                    break;
            }
        }

        objectStart.Add(words.Count);
        grantStart.Add(grants.Count);
        words.Add((ulong)occupied.Count);
        foreach (var a in occupied)
        {
            words.Add(((ulong)(uint)a.Object << 32) | (uint)a.Index);
            if (PlantMissCapabilities) continue;
            var s = kernel.SlotAt(a);
            words.Add((ulong)s.Depth);
            caps.Add(s.Cap);
        }
    }

    /// <summary>Records the identities' version after the abstraction read (it may have named new slots).</summary>
    public void SetIdsVersion(long idsVersion)
    {
        if (words.Count > 0) words[0] = (ulong)idsVersion;
    }

    public bool SameAs(KernelImage other) =>
        CollectionsMarshal.AsSpan(words).SequenceEqual(CollectionsMarshal.AsSpan(other.words))
        && CollectionsMarshal.AsSpan(grants).SequenceEqual(CollectionsMarshal.AsSpan(other.grants))
        && CollectionsMarshal.AsSpan(caps).SequenceEqual(CollectionsMarshal.AsSpan(other.caps));

    /// <summary>A copy (kept while this image is refilled).</summary>
    public KernelImage Clone()
    {
        var c = new KernelImage();
        c.words.AddRange(words);
        c.grants.AddRange(grants);
        c.caps.AddRange(caps);
        c.objectStart.AddRange(objectStart);
        c.grantStart.AddRange(grantStart);
        return c;
    }

    /// <summary>The number of object-table indices captured.</summary>
    public int Capacity => objectStart.Count - 1;

    /// <summary>
    /// Adds to <paramref name="into"/> every table index whose captured words or grant entries
    /// differ from <paramref name="before"/>'s (an index only one of them has counts as differing):
    /// the indices whose object-keyed abstract entries may differ.
    /// </summary>
    public void ChangedObjects(KernelImage before, List<int> into)
    {
        var w = CollectionsMarshal.AsSpan(words);
        var bw = CollectionsMarshal.AsSpan(before.words);
        var g = CollectionsMarshal.AsSpan(grants);
        var bg = CollectionsMarshal.AsSpan(before.grants);
        for (var id = 0; id < Math.Max(Capacity, before.Capacity); id++)
        {
            if (id >= Capacity || id >= before.Capacity
                || !w[objectStart[id]..objectStart[id + 1]].SequenceEqual(bw[before.objectStart[id]..before.objectStart[id + 1]])
                || !g[grantStart[id]..grantStart[id + 1]].SequenceEqual(bg[before.grantStart[id]..before.grantStart[id + 1]]))
            {
                into.Add(id);
            }
        }
    }

    /// <summary>The type of the object captured at <paramref name="id"/>, or null when the index was empty or beyond the table.</summary>
    public ObjectType? TypeAt(int id) => id < Capacity && words[objectStart[id] + 1] != 0 ? (ObjectType)words[objectStart[id] + 2] : null;

    private void Add(ObjectRef r) => words.Add(((ulong)(uint)r.Id << 32) | r.Generation);
}
