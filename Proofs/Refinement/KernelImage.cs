using System.Runtime.InteropServices;
using Verified.Kernel.Caps;
using Verified.Kernel.Objects;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The raw kernel data the abstraction reads, as words: every object-table entry (liveness, type,
/// generation, place, parent untyped, the untyped watermark, the task's state, fault endpoint and
/// grant table, the grant table's owner and every entry) with the table's generation at its
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

    /// <summary>Test-only: leave the capabilities' contents out (a wrong image for the cross-check tests to catch).</summary>
    public bool PlantMissCapabilities { get; set; }

    public void Capture(KernelImpl kernel, IReadOnlyList<SlotAddress> occupied, long idsVersion)
    {
        words.Clear();
        grants.Clear();
        caps.Clear();
        words.Add((ulong)idsVersion);
        var table = kernel.Objects;
        words.Add((ulong)table.Capacity);
        for (var id = 0; id < table.Capacity; id++)
        {
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
                    words.Add((ulong)g.View.Length);
                    foreach (var e in g.View) grants.Add(e);

                    break;
                default:
                    break;
            }
        }

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

    private void Add(ObjectRef r) => words.Add(((ulong)(uint)r.Id << 32) | r.Generation);
}
