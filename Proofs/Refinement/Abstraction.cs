using System.Collections.Immutable;
using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Objects;
using Verified.Spec;
using Verified.Spec.Kernel;
using KernelImpl = Verified.Kernel.Kernel;
using KTaskState = Verified.Kernel.Objects.TaskState;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The abstraction function: a kernel state (and the ghost capability identities) → the spec's
/// abstract state, in the canonical form of <see cref="Junk"/>. Clause by clause in
/// docs/REFINEMENT.md; each field below says which kernel data it reads.
/// </summary>
public static class Abstraction
{
    private static KernelSorts K => RefinementSpec.Sorts;

    public static ulong SlotKey(SlotAddress a) => ((ulong)(uint)a.Object << K.Config.CNodeIndexBits) | (uint)a.Index;

    public static ulong GrantKey(int owner, ulong index) => ((ulong)(uint)owner << K.Config.GrantIndexBits) | index;

    /// <summary>Kernel generations start at 0 and move on when an object is finalised; the spec's start at 1 (retype bumps) and stay on finalise. Live: kernel + 1.</summary>
    public static ulong AbstractGeneration(uint kernelGeneration) => (ulong)kernelGeneration + 1;

    public static string ObjTypeName(ObjectType t) => t switch
    {
        ObjectType.Untyped => "Untyped",
        ObjectType.Frame => "Frame",
        ObjectType.CNode => "CNode",
        ObjectType.Task => "Task",
        ObjectType.Endpoint => "Endpoint",
        ObjectType.Notification => "Notification",
        ObjectType.GrantTable => "GrantTable",
        ObjectType.Console => "Frame", // the console is a device page to the spec (it has no console type)
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "Abstraction: a live object has no type"),
    };

    /// <summary>Occupied slots the abstraction covers, in derivation-list order (the same walk as the checker's, which ends on a cyclic list).</summary>
    public static IReadOnlyList<SlotAddress> OccupiedSlots(KernelImpl kernel) => OccupiedSlots(kernel, []);

    /// <summary>
    /// As <see cref="OccupiedSlots(KernelImpl)"/>, into <paramref name="into"/> (cleared first; reused by
    /// the checker every step). The kernel's walk keeps a set of the slots it visited whenever a
    /// planted-fault object is attached (only a planted fault can make the list cyclic), a set per
    /// walk; here the list is followed directly, and only a walk longer than there are slots — so
    /// cyclic — is done again with a set, stopping at the revisited slot as the kernel's guarded
    /// walk does. It does not call the kernel's walk for that: with no fault object attached the
    /// kernel's walk keeps no set, and a cycle from a real (unplanted) kernel bug would hang the
    /// checker instead of being reported.
    /// </summary>
    public static List<SlotAddress> OccupiedSlots(KernelImpl kernel, List<SlotAddress> into)
    {
        into.Clear();
        var bound = SlotBound(kernel);
        for (var a = kernel.MdbHead; a.IsSome; a = kernel.SlotAt(a).Next)
        {
            if (into.Count == bound)
            {
                into.Clear();
                var seen = new HashSet<SlotAddress>();
                for (var b = kernel.MdbHead; b.IsSome && seen.Add(b); b = kernel.SlotAt(b).Next) into.Add(b);
                return into;
            }

            into.Add(a);
        }

        return into;
    }

    /// <summary>The number of capability slots the kernel has (each CNode's, and each task's in-flight slot): no acyclic derivation list is longer.</summary>
    internal static int SlotBound(KernelImpl kernel)
    {
        var n = 0;
        var table = kernel.Objects;
        for (var id = 0; id < table.Capacity; id++)
        {
            n += table[id] switch
            {
                CNodeObject c => c.View.Length,
                TaskObject => 1,
                _ => 0,
            };
        }

        return n;
    }

    /// <summary>The abstract state of <paramref name="kernel"/>, built from scratch (the reference the incremental <see cref="AbstractionCache"/> is cross-checked against).</summary>
    public static ConcreteState Abstract(KernelImpl kernel, CapIdentities ids)
    {
        var b = new Builder();
        Collect(kernel, ids, b, null, OccupiedSlots(kernel));
        return Junk.Normalize(b.Build());
    }

    /// <summary>
    /// Every entry of the abstract state, field by field, into <paramref name="b"/> (only entries
    /// that differ from the field's default). <paramref name="memo"/>, when given, shares the grants' revoked-generation sets.
    /// <paramref name="occupied"/> is <see cref="OccupiedSlots"/> of the kernel as it is now (read once per step by the caller).
    /// </summary>
    internal static void Collect(KernelImpl kernel, CapIdentities ids, Builder b, ValueMemo? memo, IReadOnlyList<SlotAddress> occupied)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(ids);

        // Objects: every table index (a live object's fields; a dead one's generation).
        for (var id = 0; id < kernel.Objects.Capacity; id++) EmitObject(kernel, id, b);
        InFlight.AddGhostCNode(b.Set);

        // Capabilities: the derivation list in preorder with depths gives parent and ancestors.
        var roots = b.Roots;
        WalkCaps(kernel, ids, occupied, b.Stack, roots, r => EmitCap(r, b));
        foreach (var (obj, root) in roots) b.Set(F.ObjRoot, Obj((ulong)obj), Cap(root.Id));

        EmitGrants(kernel, b, memo);

        // Supervision: the kernel has none (it lives in the user-level rs); constant maps.
    }

    /// <summary>
    /// The entries keyed by object id <paramref name="id"/> alone (every field of <see cref="ObjectFields"/>):
    /// a live object's (dead ones — zombies, removed — are junk but ObjAlive = false), and ObjGen of
    /// an index with no live object (<see cref="Generations"/>). Reads only the table entry at the
    /// index and its generation.
    /// </summary>
    internal static void EmitObject(KernelImpl kernel, int id, Builder b)
    {
        var values = new Value?[ObjectFields.Length];
        ObjectEntries(kernel, id, values);
        var key = Obj((ulong)id);
        for (var j = 0; j < values.Length; j++)
            if (values[j] is { } v) b.Set(ObjectFields[j], key, v);
    }

    /// <summary>
    /// What <see cref="EmitObject"/> writes at <paramref name="id"/>, by position in <see cref="ObjectFields"/>
    /// (null: nothing, the field's default). Shared values (<see cref="Bv"/>), so the incremental
    /// abstraction mostly tells an unchanged entry by reference.
    /// </summary>
    internal static void ObjectEntries(KernelImpl kernel, int id, Span<Value?> into)
    {
        into.Clear();
        if (kernel.Objects[id] is not { IsLive: true } o)
        {
            into[2] = Generations.OfDead(kernel, id);
            return;
        }

        into[0] = BoolValue.True;
        into[1] = ObjTypeValueOf(o.Type);
        into[2] = Bv(K.Gen, AbstractGeneration(o.Generation));
        into[3] = Bv(K.Addr, o.Paddr);
        into[4] = Bv(K.Addr, o.SizeBits >= 64 ? 0 : 1UL << o.SizeBits);
        if (o.ParentUntyped >= 0)
        {
            into[5] = BoolValue.True;
            into[6] = Obj((ulong)o.ParentUntyped);
        }

        if (o is UntypedObject u) into[7] = Bv(K.Addr, u.Paddr + u.Watermark);
        if (o is TaskObject t)
        {
            var running = t.State != KTaskState.Inactive;
            into[8] = running ? Runnable : Inactive;
            if (running && t.FaultEndpoint.IsSome)
            {
                into[9] = Obj((ulong)t.FaultEndpoint.Id);
                into[10] = Bv(K.Gen, AbstractGeneration(t.FaultEndpoint.Generation));
            }
        }
    }

    /// <summary>The number of words <see cref="ObjectInputs"/> gives.</summary>
    internal const int ObjectInputWidth = 7;

    /// <summary>
    /// Everything <see cref="ObjectEntries"/> reads at index <paramref name="id"/>, as words: equal
    /// words give equal entries, so the incremental abstraction builds an index's entries again
    /// only when they differ (an IPC step rewrites a task's state between ready and blocked, which
    /// the entries do not see). Kept next to ObjectEntries: a field read there must be a word here.
    /// <paramref name="plantMissWatermark"/> (test-only, a wrong memo for the cross-check tests to
    /// catch) leaves the untyped's watermark out.
    /// </summary>
    internal static void ObjectInputs(KernelImpl kernel, int id, Span<ulong> into, bool plantMissWatermark = false)
    {
        into.Clear();
        if (kernel.Objects[id] is not { IsLive: true } o)
        {
            into[0] = 1; // not live: the generation the table keeps at the index (Generations.OfDead)
            into[1] = kernel.Objects.GenerationAt(id);
            return;
        }

        into[0] = 2 | ((ulong)o.Type << 8);
        into[1] = o.Generation;
        into[2] = o.Paddr;
        into[3] = (ulong)o.SizeBits;
        into[4] = (ulong)(long)o.ParentUntyped;
        if (o is UntypedObject u && !plantMissWatermark) into[5] = u.Watermark;
        if (o is TaskObject t)
        {
            into[5] = t.State != KTaskState.Inactive ? 1UL : 0UL;
            into[6] = t.FaultEndpoint.Packed;
        }
    }

    /// <summary>The fields <see cref="EmitObject"/> writes, in <see cref="ObjectEntries"/>' order (ObjRoot, also keyed by object, comes from the capabilities).</summary>
    internal static int[] ObjectFields { get; } =
        [F.ObjAlive, F.ObjType, F.ObjGen, F.ObjBase, F.ObjSize, F.ObjHasUt, F.ObjUt, F.UtFree, F.TaskState, F.TaskFaultEp, F.TaskFaultGen];

    /// <summary>The fields <see cref="EmitCap"/> writes keyed by capability id.</summary>
    private static readonly int[] CapFields =
        [F.CapLive, F.CapObj, F.CapGen, F.CapRights, F.CapBadge, F.CapDepth, F.CapHasParent, F.CapParent, F.CapAnc];

    /// <summary>The fields <see cref="EmitGrants"/> writes.</summary>
    internal static int[] GrantFields { get; } =
        [F.GrGen, F.GrRevoked, F.GrValid, F.GrGrantee, F.GrBase, F.GrLen, F.GrAccess, F.GrDepth, F.GrIndirect, F.GrSrc, F.GrSrcGen];

    /// <summary>
    /// One occupied slot as the derivation-list walk sees it: the abstraction's entries for it depend
    /// on nothing else. <paramref name="ParentAnc"/> (the parent's ancestor set) is no entry: it lets
    /// the next walk reuse <paramref name="Anc"/> when the parent and its set object are the same.
    /// </summary>
    internal readonly record struct CapRecord(SlotAddress Slot, ulong SlotKey, ulong Id, Capability Cap, int Depth, ulong Parent, MapValue? Anc, MapValue? ParentAnc)
    {
        public const ulong NoParent = ulong.MaxValue;

        /// <summary>Equal fields, the ancestor set compared by reference (the memo returns the same object for the same set).</summary>
        public bool Same(in CapRecord o) => Slot == o.Slot && SlotKey == o.SlotKey && Id == o.Id && Depth == o.Depth && Parent == o.Parent
            && ReferenceEquals(Anc, o.Anc) && Cap.Equals(o.Cap);
    }

    /// <summary>
    /// Walks the derivation list (<paramref name="occupied"/>, in preorder with depths: a slot's
    /// parent is the nearest earlier slot one level up) giving each slot's record to
    /// <paramref name="visit"/>, and fills <paramref name="roots"/> with ObjRoot (ghost): the
    /// shallowest current capability to each live object, first in preorder. The abstraction from
    /// scratch; the incremental one walks with <see cref="CapWalk"/> (the cross-check compares them).
    /// </summary>
    internal static void WalkCaps(KernelImpl kernel, CapIdentities ids, IReadOnlyList<SlotAddress> occupied,
        List<(ulong Id, int Depth, MapValue? Anc)> stack, Dictionary<int, (ulong Id, int Depth)> roots, Action<CapRecord> visit)
    {
        stack.Clear();
        roots.Clear();
        foreach (var slot in occupied)
        {
            var s = kernel.SlotAt(slot);
            var capId = ids.IdOf(slot);
            while (stack.Count > 0 && stack[^1].Depth >= s.Depth) stack.RemoveAt(stack.Count - 1);
            MapValue? anc = null, parentAnc = null;
            var parentId = CapRecord.NoParent;
            if (stack.Count > 0)
            {
                // The ancestors are the parent's ancestors and the parent.
                var parent = stack[^1];
                parentId = parent.Id;
                parentAnc = parent.Anc;
                anc = AncestorsOf(parent.Id, parent.Anc);
            }

            visit(new CapRecord(slot, InFlight.SlotKey(kernel, slot), capId, s.Cap, s.Depth, parentId, anc, parentAnc));
            var target = kernel.Objects.Resolve(s.Cap.Object);
            if (target is not null && (!roots.TryGetValue(target.Id, out var r) || s.Depth < r.Depth))
            {
                roots[target.Id] = (capId, s.Depth);
            }

            stack.Add((capId, s.Depth, anc));
        }
    }

    /// <summary>The entries of one occupied slot and the capability in it.</summary>
    internal static void EmitCap(in CapRecord r, Builder b)
    {
        var sk = Bv(K.Slot, r.SlotKey);
        var c = Cap(r.Id);
        b.Set(F.SlotFull, sk, BoolValue.True);
        b.Set(F.SlotCap, sk, c);
        b.Set(F.CapLive, c, BoolValue.True);
        b.Set(F.CapObj, c, Obj((ulong)r.Cap.Object.Id));
        b.Set(F.CapGen, c, Bv(K.Gen, AbstractGeneration(r.Cap.Object.Generation)));
        b.Set(F.CapRights, c, Bv(K.Rights, (ulong)r.Cap.Rights & 0xF));
        b.Set(F.CapBadge, c, Bv(K.Badge, r.Cap.Badge));
        b.Set(F.CapDepth, c, Bv(K.Depth, (ulong)r.Depth));
        if (r.Parent != CapRecord.NoParent)
        {
            b.Set(F.CapHasParent, c, BoolValue.True);
            b.Set(F.CapParent, c, Cap(r.Parent));
            b.Set(F.CapAnc, c, r.Anc!);
        }
    }

    /// <summary>Writes the defaults of every entry <see cref="EmitCap"/> wrote for <paramref name="r"/> (a slot emptied or re-read).</summary>
    internal static void ClearCap(in CapRecord r, Builder b)
    {
        var sk = Bv(K.Slot, r.SlotKey);
        b.Set(F.SlotFull, sk, Builder.DefaultOf(F.SlotFull));
        b.Set(F.SlotCap, sk, Builder.DefaultOf(F.SlotCap));
        var c = Cap(r.Id);
        foreach (var f in CapFields) b.Set(f, c, Builder.DefaultOf(f));
    }

    /// <summary>ObjRoot of object <paramref name="obj"/>: its root capability, or the default when it has none.</summary>
    internal static void SetRoot(int obj, ulong? root, Builder b) =>
        b.Set(F.ObjRoot, Obj((ulong)obj), root is { } r ? Cap(r) : Builder.DefaultOf(F.ObjRoot));

    /// <summary>Grants: each grant table with an owner task; key (owner, index). Reads the grant tables and their owners' table entries.</summary>
    internal static void EmitGrants(KernelImpl kernel, Builder b, ValueMemo? memo)
    {
        var table = kernel.Objects;
        for (var id = 0; id < table.Capacity; id++)
        {
            if (table[id] is not GrantTableObject { IsLive: true } g || table.Resolve<TaskObject>(g.Owner) is not { } owner) continue;
            CollectGrants(b, owner.Id, g.View, memo);
        }
    }

    /// <summary>
    /// The grant fields of one table's entries read as the grants of task <paramref name="owner"/>
    /// (key (owner, index)). Also used by divergence D10: a table bound by configure is read
    /// through its new owner, so that step's expected grants are this of the table's pre-state entries.
    /// </summary>
    internal static void CollectGrants(Builder b, int owner, ReadOnlySpan<GrantEntry> view, ValueMemo? memo)
    {
        for (var i = 0; i < view.Length; i++)
        {
            var e = view[i];
            var key = Bv(K.GrantKey, GrantKey(owner, (ulong)i));
            if (e.Generation != 0)
            {
                b.Set(F.GrGen, key, Bv(K.GrantGen, e.Generation));
                // Generations only move on by revoke, so every earlier one was revoked.
                b.Set(F.GrRevoked, key, memo is not null ? memo.Revoked(e.Generation) : RevokedBefore(e.Generation));
            }

            if (!e.InUse) continue;
            b.Set(F.GrValid, key, BoolValue.True);
            b.Set(F.GrGrantee, key, Obj((ulong)Math.Max(e.Grantee.Id, 0)));
            b.Set(F.GrBase, key, Bv(K.Addr, e.AbsoluteBase));
            b.Set(F.GrLen, key, Bv(K.Addr, e.Length));
            b.Set(F.GrAccess, key, Bv(K.Access, (ulong)e.Access & 3));
            b.Set(F.GrDepth, key, Bv(K.GrantDepth, (ulong)Math.Min(e.Depth, 7)));
            if (e.Indirect)
            {
                b.Set(F.GrIndirect, key, BoolValue.True);
                b.Set(F.GrSrc, key, Bv(K.GrantKey, GrantKey(Math.Max(e.FromGranter.Id, 0), e.FromHandle & 0xFF)));
                b.Set(F.GrSrcGen, key, Bv(K.GrantGen, e.FromHandle >> 32));
            }
        }
    }

    internal static MapValue RevokedBefore(uint generation) => MapValue.Create(Sort.Map(K.GrantGen, Sort.Bool), BoolValue.False,
        Enumerable.Range(0, (int)Math.Min(generation, 4096)).Select(x => new KeyValuePair<Value, Value>(Bv(K.GrantGen, (ulong)x), BoolValue.True)));

    internal static MapValue AncestorsOf(ulong parent, MapValue? parentAncestors) =>
        (parentAncestors ?? MapValue.Const(Sort.Map(K.CapId, Sort.Bool), BoolValue.False)).Store(Cap(parent), BoolValue.True);

    // Small values (ids, rights, depths, generations) are shared objects: fewer allocations, and
    // the incremental abstraction's comparisons mostly end at a reference check.
    private const int SharedValues = 1024;
    private static readonly BitVecValue[]?[] Shared = new BitVecValue[]?[65];

    // Larger ones (addresses, slot and grant keys) are shared per thread, a table per width (keyed
    // by the bits alone: hashing a (width, bits) pair was most of a lookup), each bounded.
    [ThreadStatic]
    private static Dictionary<ulong, BitVecValue>?[]? sharedWide;

    internal static BitVecValue Bv(BitVecSort s, ulong v)
    {
        v &= s.Mask;
        if (v >= SharedValues)
        {
            var wide = (sharedWide ??= new Dictionary<ulong, BitVecValue>?[65])[s.Width] ??= [];
            if (wide.TryGetValue(v, out var w)) return w;
            if (wide.Count >= 1 << 16) wide.Clear();
            return wide[v] = new BitVecValue(s.Width, v);
        }

        var table = Shared[s.Width] ??= [.. Enumerable.Range(0, s.Width >= 10 ? SharedValues : 1 << s.Width).Select(x => new BitVecValue(s.Width, (ulong)x))];
        return table[v];
    }

    internal static BitVecValue Obj(ulong id) => Bv(K.Obj, id);

    // Enum members, shared for the same reason.
    private static readonly EnumValue[] ObjTypes = Members(KernelSorts.ObjType);
    private static readonly EnumValue[] TaskStates = Members(KernelSorts.TaskState);

    private static EnumValue[] Members(EnumSort sort) => [.. Enumerable.Range(0, sort.Members.Length).Select(i => new EnumValue(sort, i))];

    internal static EnumValue ObjTypeValue(string member) => ObjTypes[KernelSorts.ObjType.IndexOf(member)];

    private static EnumValue TaskStateValue(string member) => TaskStates[KernelSorts.TaskState.IndexOf(member)];

    // By kernel type and task state, looked up once: a re-read object looked its type's member up by name.
    private static readonly EnumValue Runnable = TaskStateValue("Runnable");
    private static readonly EnumValue Inactive = TaskStateValue("Inactive");
    private static readonly EnumValue?[] TypeValues = TypeValuesByKernelType();

    private static EnumValue?[] TypeValuesByKernelType()
    {
        var types = new[] { ObjectType.Untyped, ObjectType.Frame, ObjectType.CNode, ObjectType.Task, ObjectType.Endpoint, ObjectType.Notification, ObjectType.GrantTable, ObjectType.Console };
        var values = new EnumValue?[(int)types.Max() + 1];
        foreach (var t in types) values[(int)t] = ObjTypeValue(ObjTypeName(t));
        return values;
    }

    /// <summary>The ObjType member of a live object of kernel type <paramref name="t"/> (as <see cref="ObjTypeName"/> names it).</summary>
    internal static EnumValue ObjTypeValueOf(ObjectType t) =>
        (ulong)t < (ulong)TypeValues.Length && TypeValues[(int)t] is { } v ? v : ObjTypeValue(ObjTypeName(t));

    private static BitVecValue Cap(ulong id) => Bv(K.CapId, id);

    // Field numbers of the fields Collect sets (a string lookup per entry cost more than the entry).
    private static class F
    {
        public static readonly int CapAnc = Builder.Field("CapAnc");
        public static readonly int CapBadge = Builder.Field("CapBadge");
        public static readonly int CapDepth = Builder.Field("CapDepth");
        public static readonly int CapGen = Builder.Field("CapGen");
        public static readonly int CapHasParent = Builder.Field("CapHasParent");
        public static readonly int CapLive = Builder.Field("CapLive");
        public static readonly int CapObj = Builder.Field("CapObj");
        public static readonly int CapParent = Builder.Field("CapParent");
        public static readonly int CapRights = Builder.Field("CapRights");
        public static readonly int GrAccess = Builder.Field("GrAccess");
        public static readonly int GrBase = Builder.Field("GrBase");
        public static readonly int GrDepth = Builder.Field("GrDepth");
        public static readonly int GrGen = Builder.Field("GrGen");
        public static readonly int GrGrantee = Builder.Field("GrGrantee");
        public static readonly int GrIndirect = Builder.Field("GrIndirect");
        public static readonly int GrLen = Builder.Field("GrLen");
        public static readonly int GrRevoked = Builder.Field("GrRevoked");
        public static readonly int GrSrc = Builder.Field("GrSrc");
        public static readonly int GrSrcGen = Builder.Field("GrSrcGen");
        public static readonly int GrValid = Builder.Field("GrValid");
        public static readonly int ObjAlive = Builder.Field("ObjAlive");
        public static readonly int ObjBase = Builder.Field("ObjBase");
        public static readonly int ObjGen = Builder.Field("ObjGen");
        public static readonly int ObjHasUt = Builder.Field("ObjHasUt");
        public static readonly int ObjRoot = Builder.Field("ObjRoot");
        public static readonly int ObjSize = Builder.Field("ObjSize");
        public static readonly int ObjType = Builder.Field("ObjType");
        public static readonly int ObjUt = Builder.Field("ObjUt");
        public static readonly int SlotCap = Builder.Field("SlotCap");
        public static readonly int SlotFull = Builder.Field("SlotFull");
        public static readonly int TaskFaultEp = Builder.Field("TaskFaultEp");
        public static readonly int TaskFaultGen = Builder.Field("TaskFaultGen");
        public static readonly int TaskState = Builder.Field("TaskState");
        public static readonly int UtFree = Builder.Field("UtFree");
    }

    /// <summary>Accumulates entries per field over the canonical defaults.</summary>
    internal sealed class Builder
    {
        private static readonly Dictionary<string, int> FieldIndex =
            KernelState.Fields.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

        private readonly Dictionary<Value, Value>?[] entries = new Dictionary<Value, Value>?[KernelState.Fields.Length];

        // Each map field's canonical default value (what a key with no entry reads).
        private static readonly Value?[] Defaults = [.. KernelState.Fields.Select(f => f.SortOf(K) is MapSort ms ? Junk.DefaultOf(ms.Value) : null)];

        /// <summary>The default value of map field number <paramref name="field"/>.</summary>
        public static Value DefaultOf(int field) => Defaults[field] ?? throw new InvalidOperationException($"Abstraction: field {KernelState.Fields[field].Name} is not a map");

        /// <summary>The entries of field number <paramref name="field"/> (in <see cref="KernelState.Fields"/> order), or null when it has none.</summary>
        public Dictionary<Value, Value>? EntriesOf(int field) => entries[field];

        /// <summary>Scratch space of <see cref="Collect"/>'s derivation-list walk (kept for the next fill).</summary>
        internal List<(ulong Id, int Depth, MapValue? Anc)> Stack { get; } = [];

        internal Dictionary<int, (ulong Id, int Depth)> Roots { get; } = [];

        /// <summary>A copy with its own dictionaries.</summary>
        public Builder Clone()
        {
            var b = new Builder();
            for (var i = 0; i < entries.Length; i++)
                if (entries[i] is { } e) b.entries[i] = new(e);
            return b;
        }

        /// <summary>Forgets every entry (keeping the dictionaries for the next fill).</summary>
        public void Clear()
        {
            foreach (var e in entries) e?.Clear();
        }

        /// <summary>The number of a field in <see cref="KernelState.Fields"/> order.</summary>
        public static int Field(string field) =>
            FieldIndex.TryGetValue(field, out var i) ? i : throw new InvalidOperationException($"Abstraction: the spec state has no field {field}");

        public void Set(string field, Value key, Value value) => Set(Field(field), key, value);

        public void Set(int field, Value key, Value value) => (entries[field] ??= [])[key] = value;

        public ConcreteState Build()
        {
            var values = ImmutableDictionary.CreateBuilder<string, Value>(StringComparer.Ordinal);
            for (var i = 0; i < KernelState.Fields.Length; i++)
            {
                var f = KernelState.Fields[i];
                var sort = f.SortOf(K);
                values[f.Name] = sort is MapSort ms
                    ? MapValue.Create(ms, Junk.DefaultOf(ms.Value), entries[i] ?? [])
                    : Junk.DefaultOf(sort);
            }

            return new ConcreteState(values.ToImmutable());
        }
    }
}
