using Verified.Kernel.Caps;
using Verified.Kernel.Checking;
using Verified.Kernel.Objects;
using Verified.Spec;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The derivation list as the abstraction last read it, kept up to date from the kernel's touch
/// log, so that a step costs what it changed rather than the length of the list. It holds a node
/// per listed slot: its list neighbours and an order label (increasing along the list), the
/// entries written for it (<see cref="Abstraction.CapRecord"/>), its frame (the walk's stack after
/// it: id, depth, ancestor set, the parent's frame), and per object the listed capabilities that
/// name it (for ObjRoot).
/// <para>
/// Soundness: the result is the full walk's (<see cref="Abstraction.WalkCaps"/>), given that every
/// write to a slot since the last read is in the log (the kernel changes a slot only through
/// Kernel.Slot, which logs the address; a CNode's or task's slots are replaced only with the
/// object itself, a new instance at its table index, which the object log records (the caller
/// passes such indices as replaced) and which makes every listed slot of it count as touched). Then a listed slot not logged holds what it held: the same capability, depth and
/// next slot. So from any such slot the new list follows the old list up to the next logged slot
/// (a run); logged and newly listed slots are read from the kernel one by one. A slot met twice,
/// or a run end reached twice, is a cycle; runs out of their old order could reorder equal-depth
/// ObjRoot candidates: both give up (<see cref="TryRead"/> returns false) and the caller reads in
/// full. The old slots between runs that were not met are the ones that left the list. A slot's
/// entries depend only on its own contents, its id and the stack before it (its predecessor's
/// frame): they are recomputed for the logged and new slots and the first slot of each run, and
/// onwards in a run while the frame changed (a frame object is kept when equal, so an unchanged
/// frame after which nothing was logged means unchanged entries up to the next logged slot). Ids
/// change only for slots entering or leaving the list (<see cref="CapIdentities.UpdateChanged"/>).
/// ObjRoot is recomputed for every object named by a capability that was re-read, entered or
/// left, and every object whose table entry changed (resolution); among equal depths the order
/// labels decide as the list order does. The cross-check compares with the abstraction rebuilt
/// from scratch; the planted <see cref="ShortcutFaults.SlotLogLost"/> is caught by it.
/// </para>
/// </summary>
internal sealed class CapMirror
{
    private const long Spacing = 1L << 24;
    private const ulong NoRoot = ulong.MaxValue;

    private readonly Dictionary<SlotAddress, Node> nodes = [];
    private Node? head, tail;
    private int[] holders = []; // per object index: listed slots inside it
    private List<Node>?[] targets = []; // per object index: listed capabilities naming it
    private ulong[] roots = []; // ObjRoot as last written, per object index (NoRoot: the default)
    private readonly HashSet<SlotAddress> staleIds = []; // named slots that left the list since the identities' last update
    private int stamp;

    private readonly HashSet<SlotAddress> touched = [];
    private readonly List<Node> touchedOld = [];
    private readonly List<(Node First, Node Last, bool Single)> segs = [];
    private readonly List<Node> removed = [];
    private readonly List<SlotAddress> added = [];
    private readonly List<Abstraction.CapRecord> clears = [];
    private readonly List<Abstraction.CapRecord> emits = [];
    private readonly HashSet<int> affected = [];

    public CapMirror() => occupiedNow = s => nodes.TryGetValue(s, out var n) && (n.Visited == stamp || (n.InList && n.Gone != stamp));

    // Whether a slot is in the list the read under way found (one delegate for the mirror's life).
    private readonly Func<SlotAddress, bool> occupiedNow;

    /// <summary>True when the mirror holds the list of the last read (false: a full read must rebuild it).</summary>
    public bool Valid { get; private set; }

    /// <summary>Forgets the list (the next read is a full one).</summary>
    public void Invalidate() => Valid = false;

    /// <summary>
    /// Rebuilds the mirror from a full read: <paramref name="records"/> are the records the full walk
    /// wrote the state's entries from, in list order (every slot named). A list the walk cut short
    /// (cyclic: its last slot has a next one) is not kept.
    /// </summary>
    public void Rebuild(KernelImpl kernel, CapIdentities ids, IReadOnlyList<Abstraction.CapRecord> records)
    {
        nodes.Clear();
        head = tail = null;
        Array.Clear(holders);
        Array.Clear(targets);
        Array.Fill(roots, NoRoot);
        staleIds.Clear();
        Valid = false;
        if (records.Count > 0 && kernel.SlotAt(records[^1].Slot).Next.IsSome) return;
        Frame? pred = null;
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            var n = new Node(r.Slot) { Label = i * Spacing, InList = true, Prev = tail, Record = r };
            nodes[r.Slot] = n;
            if (tail is null) head = n;
            else tail.Next = n;
            tail = n;
            Hold(r.Slot.Object, 1);
            // The walk's ancestor set objects are kept: the first child's is its parent frame's.
            var f = Pop(pred, r.Depth);
            if (f is not null) f.OfferChildAnc(r.Anc!);
            n.Frame = new Frame(r.Id, r.Depth, r.Anc, f);
            File(n);
            pred = n.Frame;
        }

        for (var o = 0; o < targets.Length; o++)
            if (targets[o] is { Count: > 0 }) roots[o] = Best(o, kernel)?.Record.Id ?? NoRoot;

        foreach (var slot in ids.Named)
            if (!nodes.ContainsKey(slot)) staleIds.Add(slot);
        Valid = true;
    }

    /// <summary>The records in list order and ObjRoot per object index (null: none), for the full walk to go on from.</summary>
    public (List<Abstraction.CapRecord> Records, ulong?[] Roots) Export()
    {
        var records = new List<Abstraction.CapRecord>(nodes.Count);
        for (var n = head; n is not null; n = n.Next) records.Add(n.Record);
        return (records, [.. roots.Select(r => r == NoRoot ? (ulong?)null : r)]);
    }

    /// <summary>
    /// True when a read with nothing logged, no object-table entry changed and the same list head
    /// would change nothing, the identities included: every listed slot holds what it held, and
    /// after a step no slot left the list since the identities' last update and nothing moved.
    /// </summary>
    public bool Quiet(KernelImpl kernel, bool post, SlotAddress? movedFrom) =>
        Valid && (head?.Slot ?? SlotAddress.None) == kernel.MdbHead && (!post || (staleIds.Count == 0 && movedFrom is null));

    /// <summary>
    /// Reads the list again given the slots logged since the last read (<paramref name="logged"/>)
    /// and the object-table indices whose entries changed (<paramref name="replaced"/>: whether the
    /// object there is another instance), writing into <paramref name="pending"/> the entries that
    /// differ. With <paramref name="post"/> the identities are updated as <see cref="CapIdentities.Update"/>
    /// would after a step (the move from <paramref name="movedFrom"/> to <paramref name="movedTo"/>);
    /// otherwise, as the pre-state's walk, newly listed slots are named. False (nothing written,
    /// the identities untouched, the mirror invalid) when a full read is needed.
    /// </summary>
    public bool TryRead(KernelImpl kernel, CapIdentities ids, TouchLog? logged, List<int> changedObjects, List<int> replaced,
        bool post, SlotAddress? movedFrom, SlotAddress? movedTo, Abstraction.Builder pending)
    {
        if (!Valid) return false;
        stamp++;
        if (!FindSegments(kernel, logged, replaced))
        {
            Valid = false;
            return false;
        }

        FindRemoved();
        UpdateIds(ids, post, movedFrom, movedTo);
        Relink();
        Recompute(kernel, ids);
        foreach (var r in clears) Abstraction.ClearCap(r, pending);
        foreach (var r in emits) Abstraction.EmitCap(r, pending);
        foreach (var id in changedObjects) affected.Add(id);
        foreach (var o in affected) WriteRoot(o, kernel, pending);
        return true;
    }

    /// <summary>
    /// The read when <see cref="Quiet"/> holds, no slot was logged and no object replaced, but
    /// objects were written (an IPC step moving tasks between ready and blocked, a watermark):
    /// <see cref="TryRead"/> would find the whole list one run from the same head, unchanged from
    /// its first slot on, and no id to update, so only ObjRoot of the written objects (whose
    /// resolution may have changed) can differ.
    /// </summary>
    public void ReadRoots(KernelImpl kernel, List<int> changedObjects, Abstraction.Builder pending)
    {
        foreach (var id in changedObjects) WriteRoot(id, kernel, pending);
    }

    // The new list as runs of the old one and single slots read from the kernel (see the class comment).
    private bool FindSegments(KernelImpl kernel, TouchLog? logged, List<int> replaced)
    {
        touched.Clear();
        logged?.CopySlotsTo(touched);
        foreach (var id in replaced)
        {
            // A replaced CNode or task has new slots: every listed slot of it counts as touched (rare: the list holds none of a dead object's slots).
            if (id >= holders.Length || holders[id] == 0) continue;
            foreach (var n in nodes.Values)
                if (n.InList && n.Slot.Object == id) touched.Add(n.Slot);
        }

        touchedOld.Clear();
        foreach (var a in touched)
            if (nodes.TryGetValue(a, out var n) && n.InList) touchedOld.Add(n);
        touchedOld.Sort(static (x, y) => x.Label.CompareTo(y.Label));

        segs.Clear();
        Node? lastRunEnd = null;
        var tailUsed = false;
        for (var a = kernel.MdbHead; a.IsSome;)
        {
            if (nodes.TryGetValue(a, out var n) && n.InList && !touched.Contains(a))
            {
                // Untouched: the old list from here to just before the next touched slot.
                if (lastRunEnd is not null && n.Label <= lastRunEnd.Label) return false; // out of the old order
                var end = FirstTouchedAfter(n.Label);
                Node last;
                if (end is null)
                {
                    if (tailUsed) return false; // cyclic
                    tailUsed = true;
                    last = tail!;
                }
                else
                {
                    if (end.RunEnd == stamp) return false; // cyclic
                    end.RunEnd = stamp;
                    last = end.Prev!;
                }

                segs.Add((n, last, false));
                lastRunEnd = last;
                a = end?.Slot ?? SlotAddress.None;
            }
            else
            {
                if (n is null) nodes[a] = n = new Node(a);
                if (n.Visited == stamp) return false; // cyclic
                n.Visited = stamp;
                n.Read = kernel.SlotAt(a);
                segs.Add((n, n, true));
                a = n.Read.Next;
            }
        }

        return true;
    }

    private Node? FirstTouchedAfter(long label)
    {
        int lo = 0, hi = touchedOld.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (touchedOld[mid].Label > label) hi = mid;
            else lo = mid + 1;
        }

        return lo < touchedOld.Count ? touchedOld[lo] : null;
    }

    // The old nodes between runs (in old order: the runs are in it) not met again left the list.
    private void FindRemoved()
    {
        removed.Clear();
        var cursor = head;
        foreach (var (first, last, single) in segs)
        {
            if (single) continue;
            for (var g = cursor; g is not null && !ReferenceEquals(g, first); g = g.Next) Gap(g);
            cursor = last.Next;
        }

        for (var g = cursor; g is not null; g = g.Next) Gap(g);
    }

    private void Gap(Node g)
    {
        if (g.Visited != stamp) removed.Add(g);
    }

    private void UpdateIds(CapIdentities ids, bool post, SlotAddress? movedFrom, SlotAddress? movedTo)
    {
        added.Clear();
        foreach (var (n, _, single) in segs)
            if (single && !n.InList) added.Add(n.Slot);
        foreach (var r in removed)
        {
            r.Gone = stamp;
            staleIds.Add(r.Slot);
        }

        if (post)
        {
            ids.UpdateChanged(staleIds, occupiedNow, movedFrom, movedTo, added);
            staleIds.Clear();
        }
        else
        {
            foreach (var slot in added)
            {
                staleIds.Remove(slot);
                ids.IdOf(slot);
            }
        }
    }

    // Links the segments in their new order, labels the single slots between their runs, and drops the removed nodes.
    private void Relink()
    {
        clears.Clear();
        emits.Clear();
        affected.Clear();
        foreach (var r in removed)
        {
            clears.Add(r.Record);
            Unfile(r);
            Hold(r.Slot.Object, -1);
            affected.Add(r.Record.Cap.Object.Id);
            nodes.Remove(r.Slot);
        }

        var relabel = false;
        for (var i = 0; i < segs.Count;)
        {
            if (!segs[i].Single)
            {
                i++;
                continue;
            }

            var j = i;
            while (j < segs.Count && segs[j].Single) j++;
            var lo = i > 0 ? segs[i - 1].Last.Label : -(1L << 61);
            var hi = j < segs.Count ? segs[j].First.Label : 1L << 61;
            var step = (hi - lo) / (j - i + 1);
            if (step < 1) relabel = true;
            for (var k = i; k < j; k++) segs[k].First.Label = lo + (step * (k - i + 1));
            i = j;
        }

        Node? prev = null;
        head = null;
        foreach (var (first, last, single) in segs)
        {
            if (single && !first.InList)
            {
                first.InList = true;
                Hold(first.Slot.Object, 1);
            }

            first.Prev = prev;
            if (prev is null) head = first;
            else prev.Next = first;
            prev = last;
        }

        if (prev is not null) prev.Next = null;
        tail = prev;
        if (!relabel) return;
        var label = 0L;
        for (var n = head; n is not null; n = n.Next, label += Spacing) n.Label = label;
    }

    // Entries of the single slots and of each run while the stack before it changed.
    private void Recompute(KernelImpl kernel, CapIdentities ids)
    {
        Frame? pred = null;
        foreach (var (first, last, single) in segs)
        {
            if (single)
            {
                RecomputeSingle(kernel, ids, first, pred);
                pred = first.Frame;
                continue;
            }

            for (var n = first; ; n = n.Next!)
            {
                var changed = RecomputeInRun(n, pred);
                pred = n.Frame;
                if (!changed || ReferenceEquals(n, last)) break;
            }

            pred = last.Frame;
        }
    }

    private void RecomputeSingle(KernelImpl kernel, CapIdentities ids, Node n, Frame? pred)
    {
        var id = ids.IdOf(n.Slot);
        var depth = n.Read.Depth;
        var f = Pop(pred, depth);
        var old = n.Frame;
        if (old is null || !ReferenceEquals(old.Parent, f) || old.Id != id || old.Depth != depth) n.Frame = new Frame(id, depth, f?.ChildAnc, f);
        var r = new Abstraction.CapRecord(n.Slot, InFlight.SlotKey(kernel, n.Slot), id, n.Read.Cap, depth, f?.Id ?? Abstraction.CapRecord.NoParent, f?.ChildAnc, f?.Anc);
        if (old is not null)
        {
            affected.Add(n.Record.Cap.Object.Id); // its depth or place among the capabilities to the object may have changed
            if (r.Same(n.Record))
            {
                n.Record = r;
                return;
            }

            clears.Add(n.Record);
        }

        emits.Add(r);
        n.Record = r;
        File(n);
        affected.Add(r.Cap.Object.Id);
    }

    // A slot inside a run: its contents and id are unchanged; only the stack before it may differ.
    private bool RecomputeInRun(Node n, Frame? pred)
    {
        var old = n.Frame!;
        var f = Pop(pred, old.Depth);
        if (ReferenceEquals(old.Parent, f)) return false;
        n.Frame = new Frame(old.Id, old.Depth, f?.ChildAnc, f);
        var r = n.Record with { Parent = f?.Id ?? Abstraction.CapRecord.NoParent, Anc = f?.ChildAnc, ParentAnc = f?.Anc };
        if (!r.Same(n.Record))
        {
            clears.Add(n.Record);
            emits.Add(r);
        }

        n.Record = r;
        return true;
    }

    private static Frame? Pop(Frame? f, int depth)
    {
        while (f is not null && f.Depth >= depth) f = f.Parent;
        return f;
    }

    private void WriteRoot(int obj, KernelImpl kernel, Abstraction.Builder pending)
    {
        if (obj < 0) return;
        EnsureObjects(obj + 1);
        var best = Best(obj, kernel);
        var now = best?.Record.Id ?? NoRoot;
        if (roots[obj] == now) return;
        roots[obj] = now;
        Abstraction.SetRoot(obj, best?.Record.Id, pending);
    }

    // ObjRoot of obj: the shallowest listed capability resolving to it, the first in list order among equals.
    private Node? Best(int obj, KernelImpl kernel)
    {
        if (obj >= targets.Length || targets[obj] is not { } list) return null;
        Node? best = null;
        foreach (var n in list)
        {
            if (kernel.Objects.Resolve(n.Record.Cap.Object) is null) continue;
            if (best is null || n.Record.Depth < best.Record.Depth || (n.Record.Depth == best.Record.Depth && n.Label < best.Label)) best = n;
        }

        return best;
    }

    private void File(Node n)
    {
        var t = n.Record.Cap.Object.Id;
        if (n.Target == t) return;
        Unfile(n);
        if (t < 0) return;
        EnsureObjects(t + 1);
        (targets[t] ??= []).Add(n);
        n.Target = t;
    }

    private void Unfile(Node n)
    {
        if (n.Target < 0) return;
        targets[n.Target]!.Remove(n);
        n.Target = -1;
    }

    private void Hold(int obj, int delta)
    {
        if (obj < 0) return;
        EnsureObjects(obj + 1);
        holders[obj] += delta;
    }

    private void EnsureObjects(int count)
    {
        if (count <= roots.Length) return;
        var size = Math.Max(count, 2 * roots.Length);
        var old = roots.Length;
        Array.Resize(ref holders, size);
        Array.Resize(ref targets, size);
        Array.Resize(ref roots, size);
        Array.Fill(roots, NoRoot, old, size - old);
    }

    /// <summary>The walk's stack after a slot: its id and depth, its ancestor set, and the frame of its parent.</summary>
    private sealed class Frame(ulong id, int depth, MapValue? anc, Frame? parent)
    {
        private MapValue? childAnc;

        public ulong Id { get; } = id;

        public int Depth { get; } = depth;

        public MapValue? Anc { get; } = anc;

        public Frame? Parent { get; } = parent;

        /// <summary>The ancestor set of a child of this slot (one object shared by all its children).</summary>
        public MapValue ChildAnc => childAnc ??= Abstraction.AncestorsOf(Id, Anc);

        /// <summary>Takes a child's ancestor set as computed by the full walk (equal to <see cref="ChildAnc"/>'s), when none is there yet.</summary>
        public void OfferChildAnc(MapValue anc) => childAnc ??= anc;
    }

    /// <summary>A slot the mirror knows: listed, or met by the read under way.</summary>
    private sealed class Node(SlotAddress slot)
    {
        public SlotAddress Slot { get; } = slot;

        public Node? Prev { get; set; }

        public Node? Next { get; set; }

        public long Label { get; set; }

        public bool InList { get; set; }

        public Abstraction.CapRecord Record { get; set; }

        public Frame? Frame { get; set; }

        public int Target { get; set; } = -1;

        // Stamps of the read under way: met as a single slot, a run's end, removed.
        public int Visited { get; set; }

        public int RunEnd { get; set; }

        public int Gone { get; set; }

        /// <summary>The kernel's slot as this read met it (single slots).</summary>
        public CapSlot Read { get; set; }
    }
}
