using System.Collections.Immutable;
using Verified.Spec;
using Verified.Spec.Kernel;
using Verified.Kernel.Objects;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The abstraction function computed incrementally. Each call reads the whole kernel (so nothing
/// the kernel changed can be missed, whoever changed it: a syscall, the run loop, a test poking
/// an object) but builds values only for what differs from the previous call: a field whose
/// entries are all equal keeps its previous map object, a changed field is the previous map with
/// the differing keys stored, and when nothing differs the previous state object itself is
/// returned — so "the kernel did not change" is a reference comparison for the checker. Before
/// building anything it compares the raw words the abstraction reads (<see cref="KernelImage"/>)
/// with those of the last read, and returns the previous state at once when they are equal. The
/// result equals <see cref="Abstraction.Abstract"/> (the cross-check mode compares them).
/// </summary>
public sealed class AbstractionCache
{
    private readonly ValueMemo memo = new();
    private Abstraction.Builder? lastEntries;
    private Abstraction.Builder? spare; // the builder before last, cleared and refilled (its dictionaries keep their capacity)
    private KernelImage? lastImage; // what the last full read read
    private KernelImage spareImage = new();
    private ConcreteState? last;

    /// <summary>Test-only: the next call returns the previous state without reading the kernel (a wrong shortcut for the cross-check tests to catch).</summary>
    internal bool PlantStaleOnce { get; set; }

    /// <summary>Test-only: the next call reports no changed keys (a wrong shortcut for the cross-check tests to catch: as a cache that forgot what it rebuilt).</summary>
    internal bool PlantLostChangesOnce { get; set; }

    /// <summary>Test-only: the kernel image leaves out the capabilities' contents (a wrong shortcut for the cross-check tests to catch).</summary>
    internal bool PlantImageMissesCapabilities { get; set; }

    /// <summary>The result of the last call.</summary>
    public ConcreteState? Last => last;

    /// <summary>The result of the call before the last one (null before two calls).</summary>
    public ConcreteState? Previous { get; private set; }

    /// <summary>
    /// What differs between <see cref="Previous"/> and the last result: the fields (every other
    /// field is the same object in both) and, per field, the keys (the defaults never change: every
    /// map has its sort's canonical default). Null when unknown (the first call).
    /// </summary>
    public IReadOnlyDictionary<string, HashSet<Value>>? LastChanges { get; private set; }

    public ConcreteState Abstract(KernelImpl kernel, CapIdentities ids) => Abstract(kernel, ids, Abstraction.OccupiedSlots(kernel));

    /// <summary>As <see cref="Abstract(KernelImpl, CapIdentities)"/> given the kernel's <see cref="Abstraction.OccupiedSlots"/> as it is now.</summary>
    public ConcreteState Abstract(KernelImpl kernel, CapIdentities ids, IReadOnlyList<SlotAddress> occupied)
    {
        Previous = last;
        LastChanges = null;
        if (PlantStaleOnce && last is not null)
        {
            PlantStaleOnce = false;
            LastChanges = new Dictionary<string, HashSet<Value>>();
            return last;
        }

        // First the raw words the abstraction reads: unchanged since the last read, the state is
        // unchanged too (KernelImage) — no abstract value is built or compared.
        var image = spareImage;
        image.PlantMissCapabilities = PlantImageMissesCapabilities;
        image.Capture(kernel, occupied, ids.Version);
        if (last is not null && lastImage is not null && image.SameAs(lastImage))
        {
            LastChanges = new Dictionary<string, HashSet<Value>>();
            return last;
        }

        var b = spare ?? new Abstraction.Builder();
        spare = null;
        b.Clear();
        Abstraction.Collect(kernel, ids, b, memo, occupied);
        memo.Flip();
        image.SetIdsVersion(ids.Version);
        spareImage = lastImage ?? new KernelImage();
        lastImage = image;
        if (last is null)
        {
            last = b.Build();
            lastEntries = b;
            return last;
        }

        ImmutableDictionary<string, Value>.Builder? changed = null;
        var changes = new Dictionary<string, HashSet<Value>>(StringComparer.Ordinal);
        for (var i = 0; i < KernelState.Fields.Length; i++)
        {
            var f = KernelState.Fields[i];
            var now = b.EntriesOf(i);
            var before = lastEntries!.EntriesOf(i);
            if (SameEntries(now, before)) continue;
            var m = (MapValue)last[f.Name];
            var def = Junk.DefaultOf(m.MapSort.Value);
            var keys = new HashSet<Value>();
            if (before is not null)
                foreach (var k in before.Keys)
                    if (now is null || !now.ContainsKey(k))
                    {
                        m = m.Store(k, def);
                        keys.Add(k);
                    }

            if (now is not null)
                foreach (var (k, v) in now)
                    if (before is null || !before.TryGetValue(k, out var old) || !old.Equals(v))
                    {
                        m = m.Store(k, v);
                        keys.Add(k);
                    }

            if (ReferenceEquals(m, last[f.Name])) continue; // equal entries after all (e.g. only reordered)
            changes[f.Name] = keys;
            changed ??= last.Values.ToBuilder();
            changed[f.Name] = m;
        }

        LastChanges = changes;
        if (PlantLostChangesOnce)
        {
            PlantLostChangesOnce = false;
            LastChanges = new Dictionary<string, HashSet<Value>>();
        }

        spare = lastEntries;
        lastEntries = b;
        if (changed is not null) last = new ConcreteState(changed.ToImmutable());
        return last;
    }

    private static bool SameEntries(Dictionary<Value, Value>? a, Dictionary<Value, Value>? b)
    {
        if (a is null || b is null) return (a?.Count ?? 0) == (b?.Count ?? 0);
        if (a.Count != b.Count) return false;
        foreach (var (k, v) in a)
            if (!b.TryGetValue(k, out var o) || !(ReferenceEquals(v, o) || v.Equals(o))) return false;
        return true;
    }
}

/// <summary>
/// Values the abstraction builds again and again, shared between calls: a capability's ancestor
/// set is its parent's set plus the parent (reused when the parent and its set object are the same
/// as last time), and a grant key's revoked-generation set depends only on the generation.
/// </summary>
internal sealed class ValueMemo
{
    private Dictionary<ulong, (ulong Parent, MapValue? ParentAnc, MapValue Anc)> ancestors = [];
    private Dictionary<ulong, (ulong Parent, MapValue? ParentAnc, MapValue Anc)> nextAncestors = [];
    private readonly Dictionary<uint, MapValue> revoked = [];

    public MapValue Ancestors(ulong cap, ulong parent, MapValue? parentAnc)
    {
        if (!ancestors.TryGetValue(cap, out var e) || e.Parent != parent || !ReferenceEquals(e.ParentAnc, parentAnc))
            e = (parent, parentAnc, Abstraction.AncestorsOf(parent, parentAnc));
        nextAncestors[cap] = e;
        return e.Anc;
    }

    /// <summary>Ends one abstraction: forgets capabilities not seen in it.</summary>
    public void Flip()
    {
        (ancestors, nextAncestors) = (nextAncestors, ancestors);
        nextAncestors.Clear();
    }

    public MapValue Revoked(uint generation)
    {
        if (!revoked.TryGetValue(generation, out var m)) revoked[generation] = m = Abstraction.RevokedBefore(generation);
        return m;
    }
}
