using System.Runtime.InteropServices;
using Verified.Kernel.Objects;
using Verified.Spec;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The incremental abstraction's walk of the derivation list: the capability entries of each slot
/// (<see cref="Abstraction.CapRecord"/>) and ObjRoot, compared with the last walk's so that only the
/// slots whose record changed, was emptied or was filled are written. It computes every record in
/// full each time, as <see cref="Abstraction.WalkCaps"/> does (a second implementation: the
/// cross-check compares the two); what it saves is the bookkeeping. The last walk's records are a
/// list in list order, and a slot's old record is found by position — the next one after the last
/// match, which is right unless a slot was inserted or removed before it — falling back to a lookup
/// built only when a step moved slots; ObjRoot is an array by object id. The dictionaries this
/// replaced (records and roots by key, ancestor sets by capability) cost more than the walk itself.
/// </summary>
internal sealed class CapWalk
{
    private List<Abstraction.CapRecord> records = [];
    private List<Abstraction.CapRecord> spare = [];
    private Roots roots = new();
    private Roots spareRoots = new();
    private bool[] matched = [];
    private readonly List<(ulong Id, int Depth, MapValue? Anc)> stack = [];
    private readonly List<Abstraction.CapRecord> filled = [];
    private readonly Dictionary<SlotAddress, int> bySlot = [];
    private readonly Dictionary<ulong, int> byId = [];
    private bool bySlotBuilt, byIdBuilt;

    /// <summary>The last walk's records, in list order.</summary>
    public IReadOnlyList<Abstraction.CapRecord> Records => records;

    /// <summary>A walk that goes on from <paramref name="records"/> (in list order) and ObjRoot per object index (null: none), as the touch log's reading left them.</summary>
    public static CapWalk From(List<Abstraction.CapRecord> records, ulong?[] roots)
    {
        var walk = new CapWalk { records = records };
        walk.roots.Set(roots);
        return walk;
    }

    /// <summary>A copy that walks on from the same last walk (the seed of a fresh checker).</summary>
    public CapWalk Clone() => new() { records = [.. records], spare = new(records.Count), roots = roots.Clone() };

    /// <summary>
    /// Walks <paramref name="occupied"/> (the derivation list in preorder with depths) and writes into
    /// <paramref name="pending"/> the defaults of every last-walk record whose slot is now empty or
    /// holds another record, then the entries of every new or changed record (all clears before any
    /// write, so an identity moved to another slot ends with the new slot's entries), and ObjRoot
    /// where it changed. <paramref name="plantIgnoreContents"/> (test-only, a wrong shortcut for the
    /// cross-check tests to catch) compares records by slot and identity alone.
    /// </summary>
    public void Read(KernelImpl kernel, CapIdentities ids, IReadOnlyList<SlotAddress> occupied, Abstraction.Builder pending, bool plantIgnoreContents)
    {
        var before = records;
        var now = spare;
        now.Clear();
        filled.Clear();
        stack.Clear();
        bySlotBuilt = byIdBuilt = false;
        if (matched.Length < before.Count) matched = new bool[Math.Max(before.Count, 2 * matched.Length)];
        Array.Clear(matched, 0, before.Count);
        var rootsNow = spareRoots;
        rootsNow.Reset(kernel.Objects.Capacity);

        var next = 0; // where the last walk's record of the next slot is expected
        foreach (var slot in occupied)
        {
            var s = kernel.SlotAt(slot);
            var capId = ids.IdOf(slot);
            var o = next < before.Count && before[next].Slot == slot ? next : OldIndexOfSlot(before, slot);
            if (o >= 0) next = o + 1;

            while (stack.Count > 0 && stack[^1].Depth >= s.Depth) stack.RemoveAt(stack.Count - 1);
            MapValue? anc = null, parentAnc = null;
            var parentId = Abstraction.CapRecord.NoParent;
            if (stack.Count > 0)
            {
                // The ancestors are the parent's ancestors and the parent: the last walk's set
                // object when this capability had the same parent with the same set object then.
                (parentId, _, parentAnc) = stack[^1];
                anc = OldAncestors(before, o, capId, parentId, parentAnc) ?? Abstraction.AncestorsOf(parentId, parentAnc);
            }

            var r = new Abstraction.CapRecord(slot, InFlight.SlotKey(kernel, slot), capId, s.Cap, s.Depth, parentId, anc, parentAnc);
            now.Add(r);
            if (o >= 0 && Same(r, CollectionsMarshal.AsSpan(before)[o], plantIgnoreContents)) matched[o] = true;
            else filled.Add(r);
            if (kernel.Objects.Resolve(s.Cap.Object) is { } target) rootsNow.Offer(target.Id, capId, s.Depth);
            stack.Add((capId, s.Depth, anc));
        }

        for (var i = 0; i < before.Count; i++)
            if (!matched[i]) Abstraction.ClearCap(before[i], pending);
        foreach (var r in filled) Abstraction.EmitCap(r, pending);
        rootsNow.WriteChanges(roots, pending);
        (records, spare) = (now, before);
        (roots, spareRoots) = (rootsNow, roots);
    }

    private static bool Same(in Abstraction.CapRecord now, in Abstraction.CapRecord old, bool plantIgnoreContents) =>
        plantIgnoreContents ? now.Slot == old.Slot && now.Id == old.Id : now.Same(old);

    private int OldIndexOfSlot(List<Abstraction.CapRecord> before, SlotAddress slot)
    {
        if (!bySlotBuilt)
        {
            bySlot.Clear();
            for (var i = 0; i < before.Count; i++) bySlot[before[i].Slot] = i;
            bySlotBuilt = true;
        }

        return bySlot.TryGetValue(slot, out var o) ? o : -1;
    }

    // The last walk's ancestor set of capability capId when it had the same parent and the parent
    // the same set object (then the set is the same); looked up by identity when the capability
    // moved to another slot.
    private MapValue? OldAncestors(List<Abstraction.CapRecord> before, int atSlot, ulong capId, ulong parent, MapValue? parentAnc)
    {
        var o = atSlot >= 0 && before[atSlot].Id == capId ? atSlot : OldIndexOfId(before, capId);
        if (o < 0) return null;
        var r = before[o];
        return r.Parent == parent && ReferenceEquals(r.ParentAnc, parentAnc) ? r.Anc : null;
    }

    private int OldIndexOfId(List<Abstraction.CapRecord> before, ulong capId)
    {
        if (!byIdBuilt)
        {
            byId.Clear();
            for (var i = 0; i < before.Count; i++) byId[before[i].Id] = i;
            byIdBuilt = true;
        }

        return byId.TryGetValue(capId, out var o) ? o : -1;
    }

    /// <summary>ObjRoot (ghost) by object id: the shallowest current capability to each object, first in list order.</summary>
    private sealed class Roots
    {
        private const ulong None = ulong.MaxValue;
        private ulong[] ids = [];
        private int[] depths = [];
        private int count;

        public Roots Clone() => new() { ids = (ulong[])ids.Clone(), depths = (int[])depths.Clone(), count = count };

        public void Set(ulong?[] byObject)
        {
            Reset(byObject.Length);
            for (var obj = 0; obj < byObject.Length; obj++)
                if (byObject[obj] is { } id) ids[obj] = id;
        }

        public void Reset(int capacity)
        {
            if (ids.Length < capacity)
            {
                ids = new ulong[Math.Max(capacity, 2 * ids.Length)];
                depths = new int[ids.Length];
            }

            count = capacity;
            Array.Fill(ids, None, 0, capacity);
        }

        public void Offer(int obj, ulong capId, int depth)
        {
            if ((uint)obj >= (uint)count) throw new InvalidOperationException($"CapWalk: object {obj} resolved beyond the object table's {count} entries");
            if (ids[obj] == None || depth < depths[obj]) (ids[obj], depths[obj]) = (capId, depth);
        }

        private ulong At(int obj) => obj < count ? ids[obj] : None;

        /// <summary>ObjRoot entries where this walk's roots differ from <paramref name="last"/>'s.</summary>
        public void WriteChanges(Roots last, Abstraction.Builder pending)
        {
            for (var obj = 0; obj < Math.Max(count, last.count); obj++)
            {
                var now = At(obj);
                if (now == last.At(obj)) continue;
                Abstraction.SetRoot(obj, now == None ? null : now, pending);
            }
        }
    }
}
