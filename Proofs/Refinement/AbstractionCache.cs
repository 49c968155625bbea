using System.Runtime.InteropServices;
using Verified.Spec;
using Verified.Spec.Kernel;
using Verified.Kernel.Abi;
using Verified.Kernel.Checking;
using Verified.Kernel.Objects;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The abstraction function computed incrementally. After the first read on a kernel, a read
/// re-reads the derivation list only where the kernel's touch log says slots were written
/// (<see cref="CapMirror"/>, whose comment gives the soundness argument; object-table entries are
/// still compared as words every read). The full read below is the first read, the read after a
/// restore, and the fallback when the log cannot be followed; it reads the whole kernel
/// but builds values only for what differs from the previous call. First it compares
/// the raw words the abstraction reads (<see cref="KernelImage"/>) with those of the last read,
/// and returns the previous state at once when they are equal — so "the kernel did not change" is
/// a reference comparison for the checker. Otherwise it re-reads, section by section, only what
/// the image says may differ: the entries keyed by each table index whose words changed, the
/// capability entries of each slot whose walk record (slot, identity, capability, depth, parent,
/// ancestor set) changed or that was emptied or filled, ObjRoot of each object whose root changed,
/// and the grants when a grant table changed. The re-read entries are stored into the
/// previous maps (a store of an equal value keeps the map object), so a field with no differing
/// entry keeps its previous map object, and the changed keys are exactly those whose value
/// differs. The result equals <see cref="Abstraction.Abstract"/> (the cross-check mode compares them).
/// </summary>
public sealed class AbstractionCache
{
    private static readonly Lazy<ConcreteState> Empty = new(() => new Abstraction.Builder().Build());

    private readonly ValueMemo memo = new();
    private KernelImage? lastImage; // what the last full read read
    private KernelImage spareImage = new();
    private ConcreteState? last;

    // The last read's capability walk and roots, and grant entries (with a spare refilled by the next read).
    private CapWalk caps = new();
    private ObjectValues objectValues = new();
    private Abstraction.Builder grants = new();
    private Abstraction.Builder spareGrants = new();
    private bool grantsShared; // grants is the thread's seed's (see TakeSeed)

    private readonly Abstraction.Builder pending = new(); // the entries re-read by one call, later writes winning
    private readonly List<int> changedObjects = [];

    // Reading by the touch log: the kernel watched, its log for this cache, the list as last read,
    // and the object table read last (another one: a restore replaced every structure).
    private readonly TouchLog log = new("refinement abstraction");
    private readonly CapMirror mirror = new();
    private KernelImpl? watched;
    private ObjectTable? table;
    private bool capsBehind; // the last read was a logged one: the full walk's records are older than the mirror's

    /// <summary>Test-only: the next call returns the previous state without reading the kernel (a wrong shortcut for the cross-check tests to catch).</summary>
    internal bool PlantStaleOnce { get; set; }

    /// <summary>Test-only: the next call reports no changed keys (a wrong shortcut for the cross-check tests to catch: as a cache that forgot what it rebuilt).</summary>
    internal bool PlantLostChangesOnce { get; set; }

    /// <summary>Test-only: the kernel image leaves out the capabilities' contents (a wrong shortcut for the cross-check tests to catch).</summary>
    internal bool PlantImageMissesCapabilities { get; set; }

    /// <summary>Test-only: the per-slot comparison sees only the slot and the capability's identity (a wrong shortcut for the cross-check tests to catch).</summary>
    internal bool PlantSlotDiffIgnoresContents { get; set; }

    /// <summary>Test-only: the next call re-reads no table index (a wrong shortcut for the cross-check tests to catch: as a per-object comparison against the wrong image).</summary>
    internal bool PlantObjectsUnreadOnce { get; set; }

    /// <summary>Test-only: the next call re-reads no grant (a wrong shortcut for the cross-check tests to catch: as a rule missing what grants read).</summary>
    internal bool PlantGrantsUnreadOnce { get; set; }

    /// <summary>Test-only: the values kept per object are never updated after the first read (a wrong shortcut for the cross-check tests to catch).</summary>
    internal bool PlantObjectValuesStale { get; set; }

    // A planted shortcut that makes this read's records or image wrong (not to be handed on as the thread's seed).
    private bool PlantsWrongRecords => PlantObjectValuesStale || PlantSlotDiffIgnoresContents || PlantImageMissesCapabilities;

    /// <summary>Test-only: the reading by the touch log ignores the slots logged (a kernel whose slot writes skip the log, for the cross-check tests to catch).</summary>
    internal bool PlantSlotLogLost { get; set; }

    /// <summary>Test-only: the reading by the touch log ignores the objects logged (a kernel whose object writes skip the log, for the cross-check tests to catch).</summary>
    internal bool PlantObjectLogLost { get; set; }

    /// <summary>Test-only: an object's inputs leave out an untyped's watermark (a wrong memo for the cross-check tests to catch).</summary>
    internal bool PlantObjectInputsMissWatermark { get; set; }

    /// <summary>Test-only: the first call takes the thread's seed state without comparing images (a wrong shortcut for the tests to catch).</summary>
    internal bool PlantSeedIgnoresImage { get; set; }

    /// <summary>Reads done by the touch log (only what the kernel logged re-read).</summary>
    public int LoggedReads { get; private set; }

    /// <summary>Reads by the touch log that found nothing logged and no object changed (the state is the last one).</summary>
    public int QuietReads { get; private set; }

    /// <summary>Reads done in full (the first on a kernel, after a restore, or when the log could not be followed).</summary>
    public int FullReads { get; private set; }

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

    /// <summary>The abstract state of the kernel as it is now (the pre-state, or the state at the end of a run).</summary>
    public ConcreteState Abstract(KernelImpl kernel, CapIdentities ids)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(ids);
        if (TryLogged(kernel, ids, post: false, null, null) is { } state) return state;
        captured = false;
        return AbstractCore(kernel, ids);
    }

    /// <summary>
    /// The post-state of a step: the identities are updated first as <see cref="CapIdentities.Update"/>
    /// does (the move from <paramref name="movedFrom"/> to <paramref name="movedTo"/>, fresh ids for
    /// newly filled slots), then the state is read with them.
    /// </summary>
    public ConcreteState AbstractPost(KernelImpl kernel, CapIdentities ids, SlotAddress? movedFrom, SlotAddress? movedTo)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(ids);
        if (TryLogged(kernel, ids, post: true, movedFrom, movedTo) is { } state) return state;
        var occupied = CaptureWalk(kernel);
        ids.Update(occupied, movedFrom, movedTo);
        return AbstractCaptured(kernel, ids);
    }

    private readonly List<SlotAddress> occupiedScratch = [];

    // Set by CaptureWalk: the spare image holds the kernel as it is now, all but the identities' version.
    private bool captured;

    /// <summary>
    /// The post-state's first half: captures the kernel's raw words, walking the derivation list
    /// once (the identities are updated from that walk before <see cref="AbstractCaptured"/>, which
    /// records their version in the image). The walk, the slot bound and the slot reads were done
    /// twice per post-state before (once for the identities, once for the image). The kernel must
    /// not change between the two calls.
    /// </summary>
    private List<SlotAddress> CaptureWalk(KernelImpl kernel)
    {
        spareImage.PlantMissCapabilities = PlantImageMissesCapabilities;
        spareImage.Capture(kernel, null, occupiedScratch, 0);
        captured = true;
        return occupiedScratch;
    }

    /// <summary>The post-state's second half, after <see cref="CaptureWalk"/> and the identities' update.</summary>
    private ConcreteState AbstractCaptured(KernelImpl kernel, CapIdentities ids)
    {
        if (!captured) throw new InvalidOperationException("AbstractionCache.AbstractCaptured: call CaptureWalk first.");
        return AbstractCore(kernel, ids);
    }

    // The reading by the touch log (CapMirror, and the object log): only the object-table indices
    // the kernel logged are re-read, and the derivation list only where it logged slot writes.
    // Null when a full read is needed: the first read on this kernel, a restore, a planted
    // shortcut of the full read's, or a list the mirror cannot follow (then the full read goes on
    // from the mirror's records).
    //
    // Soundness of the object log: every field the abstraction reads from an object (the words
    // KernelImage captures for it) is written only through a setter that logs the object's table
    // index, or by ObjectTable's Add, Kill and Remove, which log it too (Verified.Kernel.Objects:
    // the backing fields are private to each class, and a grant entry is written only by
    // GrantTableObject.SetEntry — a write that skips the log does not compile). So an index not
    // logged holds the same instance with the same fields as at the last read, and its entries are
    // the same. The one entry that reads another index is a grant table's "owner resolves": its
    // grants are re-read when the owner's index is logged (GrantsMayDifferLogged). A restore
    // replaces the table (a full read), and the full read after logged reads re-reads every index,
    // its last image's object words being older than the last read (imageStale).
    private ConcreteState? TryLogged(KernelImpl kernel, CapIdentities ids, bool post, SlotAddress? movedFrom, SlotAddress? movedTo)
    {
        if (!mirror.Valid || !ReferenceEquals(watched, kernel) || !log.IsOn(kernel) || log.Everything || !ReferenceEquals(kernel.Objects, table)
            || last is null || lastImage is null || PlantStaleOnce || PlantImageMissesCapabilities || PlantSlotDiffIgnoresContents)
        {
            return null;
        }

        LoggedObjects(kernel);
        var logged = PlantSlotLogLost ? null : log;
        if (changedObjects.Count == 0 && (PlantSlotLogLost || log.Slots.Count == 0) && mirror.Quiet(kernel, post, movedFrom))
        {
            // Nothing logged: the state is the last one (the common pre-state).
            Previous = last;
            LoggedReads++;
            QuietReads++;
            LastChanges = NoChanges;
            log.Clear();
            return last;
        }

        pending.Clear();
        if ((PlantSlotLogLost || log.Slots.Count == 0) && replacedObjects.Count == 0 && mirror.Quiet(kernel, post, movedFrom))
        {
            mirror.ReadRoots(kernel, changedObjects, pending); // objects written, the list not
        }
        else if (!mirror.TryRead(kernel, ids, logged, changedObjects, replacedObjects, post, movedFrom, movedTo, pending))
        {
            pending.Clear();
            return null;
        }

        Previous = last;
        LoggedReads++;
        var grantsToo = GrantsMayDifferLogged(kernel);
        ReadObjects(kernel, kernel.Objects.Capacity, ghost: false);
        if (grantsToo) ReadGrants(kernel);
        foreach (var id in changedObjects) RecordInstance(kernel, id);
        objectsRead = kernel.Objects.Capacity; // a table grows only (a restore, which may shrink it, makes a full read)
        imageStale = true;
        capsBehind = true;
        var (state, changes) = Apply(last);
        last = state;
        LastChanges = changes;
        if (PlantLostChangesOnce)
        {
            PlantLostChangesOnce = false;
            LastChanges = NoChanges;
        }

        log.Clear();
        return last;
    }

    // The indices the kernel logged (changedObjects), and among them those holding another
    // instance than at the last read (replacedObjects: their slots were replaced with them).
    private void LoggedObjects(KernelImpl kernel)
    {
        changedObjects.Clear();
        replacedObjects.Clear();
        if (PlantObjectsUnreadOnce)
        {
            PlantObjectsUnreadOnce = false;
            return;
        }

        if (PlantObjectLogLost) return;
        foreach (var id in log.Objects)
        {
            changedObjects.Add(id);
            if (!ReferenceEquals(kernel.Objects[id], InstanceRead(id))) replacedObjects.Add(id);
        }
    }

    // Grant entries read grant tables and whether each one's owner resolves: they may differ when
    // a logged index was or is a grant table, or is the owner index of a grant table (a table
    // whose owner changed is logged itself, so the tables' owners now are those of the last read).
    private bool GrantsMayDifferLogged(KernelImpl kernel)
    {
        if (PlantGrantsUnreadOnce)
        {
            PlantGrantsUnreadOnce = false;
            return false;
        }

        foreach (var id in changedObjects)
            if (kernel.Objects[id] is GrantTableObject || InstanceRead(id) is GrantTableObject) return true;
        foreach (var t in grantTables)
        {
            if (kernel.Objects[t] is not GrantTableObject g) continue;
            foreach (var id in changedObjects)
                if (g.Owner.Id == id) return true;
        }

        return false;
    }

    // The object at each table index as the last read saw it, and the indices holding grant tables then.
    private KernelObject?[] instances = [];
    private readonly HashSet<int> grantTables = [];
    private readonly List<int> replacedObjects = [];
    private bool imageStale; // the last image is older than the last read (a logged one's): it cannot show an unchanged kernel, nor which objects changed

    private int objectsRead; // the table's capacity at the last read

    private KernelObject? InstanceRead(int id) => id < instances.Length ? instances[id] : null;

    private void RecordInstance(KernelImpl kernel, int id)
    {
        if (id >= instances.Length) Array.Resize(ref instances, Math.Max(id + 1, 2 * instances.Length));
        var o = kernel.Objects[id];
        instances[id] = o;
        if (o is GrantTableObject) grantTables.Add(id);
        else grantTables.Remove(id);
    }

    /// <summary>Stops reading by the touch log of the kernel last read (a checker replaced by another): the kernel records for it no more.</summary>
    public void Leave()
    {
        if (watched is not null) TouchLog.Leave(watched, log);
        watched = null;
        mirror.Invalidate();
    }

    // Before a full read: the kernel records slot writes for this cache from now on.
    private void Watch(KernelImpl kernel)
    {
        if (ReferenceEquals(watched, kernel) && log.IsOn(kernel)) return;
        Leave();
        TouchLog.Join(kernel, log);
        watched = kernel;
    }

    // After a full read: the mirror takes the list it read, the instances read are recorded, and the log starts afresh.
    private void Synced(KernelImpl kernel, CapIdentities ids)
    {
        table = kernel.Objects;
        imageStale = false;
        objectsRead = kernel.Objects.Capacity;
        Array.Clear(instances);
        grantTables.Clear();
        for (var id = 0; id < kernel.Objects.Capacity; id++) RecordInstance(kernel, id);
        mirror.Rebuild(kernel, ids, caps.Records);
        log.Clear();
    }

    private ConcreteState AbstractCore(KernelImpl kernel, CapIdentities ids)
    {
        var done = captured;
        captured = false;
        Previous = last;
        LastChanges = null;
        if (PlantStaleOnce && last is not null)
        {
            PlantStaleOnce = false;
            LastChanges = NoChanges;
            return last;
        }

        Watch(kernel);
        FullReads++;
        if (capsBehind)
        {
            // The full read compares with the last read's records: the mirror's, not those of the full read before it.
            var (records, roots) = mirror.Export();
            caps = CapWalk.From(records, roots);
            capsBehind = false;
        }

        // First the raw words the abstraction reads: unchanged since the last read, the state is
        // unchanged too (KernelImage) — no abstract value is built or compared.
        var image = spareImage;
        if (done)
        {
            image.SetIdsVersion(ids.Version);
        }
        else
        {
            image.PlantMissCapabilities = PlantImageMissesCapabilities;
            image.Capture(kernel, null, occupiedScratch, ids.Version);
        }

        var occupied = occupiedScratch;
        if (last is not null && lastImage is not null && !imageStale && image.SameAs(lastImage))
        {
            LastChanges = NoChanges;
            Synced(kernel, ids);
            return last;
        }

        var first = last is null;
        var fresh = first && ids.Version == 0 && ids.NextFresh == 0;
        if (fresh && TakeSeed(ids, occupied, image))
        {
            Synced(kernel, ids);
            capsBehind = true; // the seed's walk is shared: never walked on in place
            return last!;
        }

        var seedImage = fresh ? image.Clone() : null;
        pending.Clear();
        // After logged reads the last image's object words are older than the last read: every index is re-read.
        var allObjects = first || imageStale;
        FindChangedObjects(kernel, image, allObjects);
        ReadObjects(kernel, Math.Max(image.Capacity, objectsRead), ghost: first);
        var grantsToo = allObjects || GrantsMayDiffer(image);
        ReadCaps(kernel, ids, occupied);
        if (grantsToo) ReadGrants(kernel);
        image.SetIdsVersion(ids.Version);
        spareImage = lastImage ?? new KernelImage();
        lastImage = image;
        var (state, changes) = Apply(last ?? Empty.Value);
        last = state;
        // A checker with a planted wrong shortcut leaves no seed: the next fresh checker on this
        // thread would start from its records (ObjectValuesStale keeps none, so a boot object's
        // first change to defaults, as its death, would not be written).
        if (seedImage is not null && !PlantsWrongRecords) seed = new Seed(seedImage, last, caps.Clone(), objectValues.Clone(), grants.Clone());
        LastChanges = first ? null : changes;
        if (PlantLostChangesOnce && !first)
        {
            PlantLostChangesOnce = false;
            LastChanges = NoChanges;
        }

        Synced(kernel, ids);
        return last;
    }

    // A kernel booted like another starts in the same state, and most checkers start on a fresh
    // kernel: the first read of a cache with fresh identities is the thread's last such first read
    // when their images are equal (the identities a fresh map gives are a function of the
    // derivation list, which the image holds). Building the first state from nothing was most of
    // the pre-state's cost.
    private sealed record Seed(KernelImage Image, ConcreteState State, CapWalk Caps, ObjectValues Objects, Abstraction.Builder Grants);

    [ThreadStatic]
    private static Seed? seed;

    private bool TakeSeed(CapIdentities ids, IReadOnlyList<SlotAddress> occupied, KernelImage image)
    {
        if (seed is not { } s || !(PlantSeedIgnoresImage || image.SameAs(s.Image))) return false;
        foreach (var slot in occupied) ids.IdOf(slot); // as the walk would name them
        // The seed's walk and grants are shared, not copied (most checkers never change them in
        // place): the walk serves only the mirror's rebuild (capsBehind, set by the caller, makes a
        // later full read go on from the mirror's records), and the grants are replaced, not
        // refilled, by the next grant read (grantsShared).
        caps = s.Caps;
        objectValues = s.Objects.Clone();
        grants = s.Grants;
        grantsShared = true;
        image.SetIdsVersion(ids.Version);
        spareImage = lastImage ?? new KernelImage();
        lastImage = image;
        last = s.State;
        return true;
    }

    private static readonly IReadOnlyDictionary<string, HashSet<Value>> NoChanges = new Dictionary<string, HashSet<Value>>();

    // The table indices whose captured words differ from the last read's (every one at the first read).
    private void FindChangedObjects(KernelImpl kernel, KernelImage image, bool all)
    {
        changedObjects.Clear();
        if (all)
        {
            // Every index now and at the last read (a restore can give a smaller table: the indices beyond it read as defaults now).
            for (var id = 0; id < Math.Max(kernel.Objects.Capacity, objectsRead); id++) changedObjects.Add(id);
        }
        else if (PlantObjectsUnreadOnce)
        {
            PlantObjectsUnreadOnce = false;
        }
        else if (!image.ObjectsSame(lastImage!))
        {
            image.ChangedObjects(lastImage!, changedObjects);
        }
    }

    // The entries keyed by each changed table index that differ from the last read's (and the ghost CNode's at the first read).
    private void ReadObjects(KernelImpl kernel, int capacity, bool ghost)
    {
        if (ghost) InFlight.AddGhostCNode(pending.Set);
        var fields = Abstraction.ObjectFields;
        var now = objectScratch;
        objectValues.Reserve(capacity);
        Span<ulong> inputs = stackalloc ulong[Abstraction.ObjectInputWidth];
        foreach (var id in changedObjects)
        {
            // Entries built again only when what they are built from differs from the last time
            // (ObjectInputs: equal inputs, equal entries, which the last state holds already).
            Abstraction.ObjectInputs(kernel, id, inputs, PlantObjectInputsMissWatermark);
            if (!objectValues.InputsChanged(id, inputs) && !PlantObjectValuesStale) continue;

            // Only the entries that differ from what this index gave last time (objectValues: what
            // the last state holds there) go into pending; most of a changed object is unchanged.
            Abstraction.ObjectEntries(kernel, id, now);
            var was = objectValues.At(id);
            var key = Abstraction.Obj((ulong)id);
            for (var j = 0; j < fields.Length; j++)
            {
                if (ReferenceEquals(was[j], now[j])) continue;
                pending.Set(fields[j], key, now[j] ?? Abstraction.Builder.DefaultOf(fields[j]));
                if (!PlantObjectValuesStale) was[j] = now[j];
            }
        }
    }

    private readonly Value?[] objectScratch = new Value?[Abstraction.ObjectFields.Length];

    // Grant entries read only grant tables and whether each one's owner resolves, both in the
    // table's words (KernelImage), so only a changed index that was or is a grant table can change them.
    private bool GrantsMayDiffer(KernelImage image)
    {
        if (PlantGrantsUnreadOnce)
        {
            PlantGrantsUnreadOnce = false;
            return false;
        }

        foreach (var id in changedObjects)
        {
            if (image.TypeAt(id) == ObjectType.GrantTable || lastImage!.TypeAt(id) == ObjectType.GrantTable) return true;
        }

        return false;
    }

    // The derivation list walked again (records, no values: CapWalk); entries written only for the
    // slots whose record changed, was emptied or was filled, and ObjRoot where it changed.
    private void ReadCaps(KernelImpl kernel, CapIdentities ids, IReadOnlyList<SlotAddress> occupied) =>
        caps.Read(kernel, ids, occupied, pending, PlantSlotDiffIgnoresContents);

    // Every grant entry read again and compared with the last read's: the keys it no longer has get their defaults.
    private void ReadGrants(KernelImpl kernel)
    {
        var now = spareGrants;
        now.Clear();
        Abstraction.EmitGrants(kernel, now, memo);
        foreach (var f in Abstraction.GrantFields)
        {
            var n = now.EntriesOf(f);
            if (grants.EntriesOf(f) is { } b)
                foreach (var k in b.Keys)
                    if (n is null || !n.ContainsKey(k)) pending.Set(f, k, Abstraction.Builder.DefaultOf(f));
            if (n is not null)
                foreach (var (k, v) in n) pending.Set(f, k, v);
        }

        // A shared seed's grants are not refilled as the spare: a fresh spare instead.
        (grants, spareGrants) = (now, grantsShared ? new Abstraction.Builder() : grants);
        grantsShared = false;
    }

    // The re-read entries stored into the previous state's maps; a field keeps its map object, and
    // the state its object, when no stored value differs. Fields by position (the state's array):
    // going through the state's name-keyed dictionary built an immutable dictionary of every field
    // per step, most of this method's time.
    private (ConcreteState, IReadOnlyDictionary<string, HashSet<Value>>) Apply(ConcreteState from)
    {
        var replaced = replacedScratch;
        replaced.Clear();
        Dictionary<string, HashSet<Value>>? changes = null;
        // The fields with re-read entries bound the changed fields: the dictionary never grows
        // (from 8, most post-states grew it once or twice).
        var fieldsRead = 0;
        for (var i = 0; i < KernelState.Fields.Length; i++)
            if (pending.EntriesOf(i) is { Count: > 0 }) fieldsRead++;
        // Each field's changed keys are a set sized once, from the list StoreMany filled: growing
        // sets was about a quarter of the bytes a post-state read allocated.
        for (var i = 0; i < KernelState.Fields.Length; i++)
        {
            if (pending.EntriesOf(i) is not { Count: > 0 } entries) continue;
            // One new map per field for all its re-read entries (MapValue.StoreMany), not one per entry.
            var keys = changedScratch;
            keys.Clear();
            var m = from.Map(i).StoreMany(entries, keys);
            if (keys.Count == 0) continue;
            var set = new HashSet<Value>(keys.Count); // not from the list itself: HashSet's constructor would box its enumerator
            foreach (var k in keys) set.Add(k);
            (changes ??= new(fieldsRead, StringComparer.Ordinal))[KernelState.Fields[i].Name] = set;
            replaced.Add((i, m));
        }

        return changes is null ? (from, NoChanges) : (from.With(CollectionsMarshal.AsSpan(replaced)), changes);
    }

    private readonly List<(int Index, Value Value)> replacedScratch = [];
    private readonly List<Value> changedScratch = [];
}

/// <summary>
/// What <see cref="Abstraction.ObjectEntries"/> gave each object-table index at the last read (null:
/// the default), which the last state holds at that index: a re-read index writes only where it differs.
/// </summary>
internal sealed class ObjectValues
{
    private static readonly int Width = Abstraction.ObjectFields.Length;
    private const int InputWidth = Abstraction.ObjectInputWidth;
    private Value?[] values = [];
    private ulong[] inputs = []; // per index: the ObjectInputs its values were built from
    private bool[] known = []; // per index: inputs recorded

    /// <summary>
    /// Whether <paramref name="now"/> differs from the inputs the values at <paramref name="id"/>
    /// were last built from (true the first time); records <paramref name="now"/> as those inputs
    /// (the caller then builds the values).
    /// </summary>
    public bool InputsChanged(int id, ReadOnlySpan<ulong> now)
    {
        if (id >= known.Length)
        {
            Array.Resize(ref known, Math.Max(id + 1, 2 * known.Length));
            Array.Resize(ref inputs, known.Length * InputWidth);
        }

        var at = inputs.AsSpan(id * InputWidth, InputWidth);
        if (known[id] && at.SequenceEqual(now)) return false;
        now.CopyTo(at);
        known[id] = true;
        return true;
    }

    /// <summary>The entries of index <paramref name="id"/> (writable: the caller records what it wrote).</summary>
    public Span<Value?> At(int id)
    {
        if ((id + 1) * Width > values.Length) Array.Resize(ref values, Math.Max((id + 1) * Width, 2 * values.Length));
        return values.AsSpan(id * Width, Width);
    }

    /// <summary>Room for indices below <paramref name="ids"/>: exactly at first (a fresh checker's), then with room to grow (the table grows by one object at a time).</summary>
    public void Reserve(int ids)
    {
        if (ids * Width > values.Length) Array.Resize(ref values, values.Length == 0 ? ids * Width : Math.Max(ids * Width, 2 * values.Length));
    }

    public ObjectValues Clone() => new() { values = (Value?[])values.Clone(), inputs = (ulong[])inputs.Clone(), known = (bool[])known.Clone() };
}

/// <summary>
/// Values the abstraction builds again and again, shared between calls: a grant key's
/// revoked-generation set depends only on the generation.
/// </summary>
internal sealed class ValueMemo
{
    private readonly Dictionary<uint, MapValue> revoked = [];

    public MapValue Revoked(uint generation)
    {
        if (!revoked.TryGetValue(generation, out var m)) revoked[generation] = m = Abstraction.RevokedBefore(generation);
        return m;
    }
}
