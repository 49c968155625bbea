using System.Collections.Immutable;
using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The canonical form both sides of the refinement check are compared in. The spec leaves values
/// behind that no clause can observe (the attributes of a deleted capability, the capability
/// id of an empty slot, the type of a dead object); the kernel has nothing there. Each such entry
/// is reset to its sort's default, field by field, by a rule that reads only the state itself.
/// The rules are listed in docs/REFINEMENT.md ("junk"). Everything else is compared exactly.
/// </summary>
public static class Junk
{
    // Defaults are immutable values: one per sort (DefaultOf runs for every map normalised).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Sort, Value> Defaults = new();

    public static Value DefaultOf(Sort sort) => Defaults.GetOrAdd(sort, MakeDefault);

    private static Value MakeDefault(Sort sort) => sort switch
    {
        BoolSort => BoolValue.False,
        BitVecSort b => new BitVecValue(b.Width, 0),
        EnumSort e => new EnumValue(e, 0),
        MapSort m => MapValue.Const(m, MakeDefault(m.Value)),
        _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, "Junk.DefaultOf: no default for this sort"),
    };

    private static bool IsTrue(MapValue m, Value k) => m.Select(k) is BoolValue { Value: true };

    /// <summary>The state with every unobservable entry reset (and every map's default canonical).</summary>
    public static ConcreteState Normalize(ConcreteState s) => Normalize(s, null);

    /// <summary>
    /// As <see cref="Normalize(ConcreteState)"/>, given a state <paramref name="normalBase"/> already in
    /// canonical form that <paramref name="s"/> was computed from (a step's pre-state): a field that is
    /// the same object in both, and whose rule's guard fields are too, is canonical already — its
    /// rule reads only those fields — so it is not scanned again.
    /// </summary>
    public static ConcreteState Normalize(ConcreteState s, ConcreteState? normalBase)
    {
        var rules = new Rules(s);
        List<(int, Value)>? changed = null;
        for (var i = 0; i < KernelState.Fields.Length; i++)
        {
            var v = s[i];
            if (v is not MapValue m) continue;
            if (normalBase is not null && ReferenceEquals(v, normalBase[i]) && GuardsSame(i, s, normalBase)) continue;
            var c = Canonical(m, rules, i);
            if (ReferenceEquals(c, m)) continue;
            (changed ??= []).Add((i, c));
        }

        return changed is null ? s : s.With(changed.ToArray());
    }

    /// <summary>
    /// As <see cref="Normalize(ConcreteState, ConcreteState?)"/> when the differences of
    /// <paramref name="s"/> from the canonical <paramref name="normalBase"/> are known
    /// (<paramref name="changes"/>, which this extends with the keys it resets): an entry can be
    /// non-canonical only where its field or a field its rule reads changed — elsewhere the field,
    /// the rule's reads and so the rule's verdict are as in the canonical base — so only those keys
    /// are looked at. A field whose default moved, or that changed as a whole, is scanned in full.
    /// </summary>
    public static ConcreteState Normalize(ConcreteState s, ConcreteState normalBase, StateChanges changes) =>
        Normalize(s, normalBase, changes, plantOwnKeysOnly: false);

    // plantOwnKeysOnly: the checker's planted wrong shortcut (ShortcutFaults.NormalizeOwnKeysOnly).
    internal static ConcreteState Normalize(ConcreteState s, ConcreteState normalBase, StateChanges changes, bool plantOwnKeysOnly)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(normalBase);
        ArgumentNullException.ThrowIfNull(changes);
        Rules? rules = null;
        List<(int, Value)>? changed = null;
        for (var i = 0; i < KernelState.Fields.Length; i++)
        {
            var guards = GuardIndexes[i];
            var whole = changes.IsWhole(i);
            var touched = changes.Touched(i);
            foreach (var g in guards)
            {
                whole |= changes.IsWhole(g);
                touched |= changes.Touched(g);
            }

            if (!touched || s[i] is not MapValue m) continue;
            var def = FieldDefaults[i] ?? DefaultOf(m.MapSort.Value);
            // A field every entry of which is kept, with scalar values and the canonical default, is
            // canonical (a map holds no entry equal to its default): nothing to look at.
            if (KindOf[i] == Rule.All && m.MapSort.Value is not MapSort && !whole && m.Default.Equals(def)) continue;
            rules ??= new Rules(s);
            MapValue c;
            if (whole || !m.Default.Equals(def) || (!plantOwnKeysOnly && ManyKeys(changes, i, guards, m)))
            {
                c = Canonical(m, rules, i);
                if (ReferenceEquals(c, m)) continue;
                changes.AddDifferences(i, m, c);
            }
            else
            {
                // A key reset here that the field's own changes do not list is added to them.
                c = m;
                CanonicalAt(ref c, changes.Keys(i), rules, i, def, null);
                if (!plantOwnKeysOnly)
                    foreach (var g in guards) CanonicalAt(ref c, changes.Keys(g), rules, i, def, changes, changes.Keys(i));
                if (ReferenceEquals(c, m)) continue;
            }

            (changed ??= []).Add((i, c));
        }

        return changed is null ? s : s.With(changed.ToArray());
    }

    // Whether the keys to look at in field i are a good part of its entries (a cascade deleting most
    // of the capabilities): then one pass over the field (Canonical) and one over its entries for the
    // keys it reset (AddDifferences) cost less than a store per key, each copying the map's recent
    // stores. The result is the same — the field is canonical at every other key already — and its
    // changes stay exact, so the comparison at changed keys still applies.
    private static bool ManyKeys(StateChanges changes, int field, int[] guards, MapValue m)
    {
        var n = changes.Keys(field)?.Count ?? 0;
        foreach (var g in guards) n += changes.Keys(g)?.Count ?? 0;
        return n > ManyKeysFloor && n * 4 > m.Entries.Count;
    }

    private const int ManyKeysFloor = 64;

    /// <summary>
    /// Normalisation key by key, for a caller that compares a state's raw entries at a few keys
    /// without building it (the checker's keyed comparison of a retype, RefinementChecker.SameKeyed):
    /// given field, key and a raw entry there, the entry <see cref="Normalize(ConcreteState)"/>
    /// leaves when the field's rule reads the guard fields (<see cref="GuardsOf(int)"/>) of
    /// <paramref name="guards"/> — the field's canonical default where the rule drops the key,
    /// else the entry with inner maps canonical.
    /// </summary>
    public static Func<int, Value, Value, Value> EntriesOf(ConcreteState guards)
    {
        ArgumentNullException.ThrowIfNull(guards);
        var rules = new Rules(guards);
        return (field, key, raw) =>
            !rules.Keeps(field, key) ? FieldDefaults[field] ?? DefaultOf(raw.Sort)
            : raw is MapValue inner ? Canonical(inner, null, -1) : raw;
    }

    /// <summary>The fields the rule of field <paramref name="field"/> reads (by position).</summary>
    public static IReadOnlyList<int> GuardsOf(int field) => GuardIndexes[field];

    // Resets the entries of m at the given keys that the rule does not keep, and makes inner maps canonical.
    // `done`: keys already looked at for this field (its own changed keys), skipped: the same rule gives the same verdict.
    private static void CanonicalAt(ref MapValue m, List<Value>? keys, Rules rules, int field, Value def, StateChanges? record, List<Value>? done = null)
    {
        if (keys is null) return;
        // Many keys looked at already: a set, not a scan of the list per key (quadratic in a large cascade).
        var doneSet = done is { Count: > 16 } ? new HashSet<Value>(done) : null;
        foreach (var k in keys)
        {
            if (doneSet?.Contains(k) ?? done?.Contains(k) ?? false) continue;
            if (!m.Entries.TryGetValue(k, out var v)) continue;
            if (!rules.Keeps(field, k)) m = m.Store(k, def);
            else if (v is MapValue inner && Canonical(inner, null, -1) is var ci && !ReferenceEquals(ci, inner)) m = m.Store(k, ci);
            else continue;
            record?.Add(field, k);
        }
    }

    /// <summary>The rule of each field (which keys keep their entry), reading the guard fields of one state.</summary>
    private sealed class Rules(ConcreteState s)
    {
        private readonly MapValue objAlive = s.Map(ObjAlive), objType = s.Map(ObjType), objHasUt = s.Map(ObjHasUt), taskState = s.Map(TaskState),
            slotFull = s.Map(SlotFull), capLive = s.Map(CapLive), capHasParent = s.Map(CapHasParent), grValid = s.Map(GrValid), grIndirect = s.Map(GrIndirect);

        private bool Alive(Value o) => IsTrue(objAlive, o);

        private bool Is(Value o, string type) => Alive(o) && ((EnumValue)objType.Select(o)).Member == type;

        private bool ActiveTask(Value o) => Is(o, "Task") && ((EnumValue)taskState.Select(o)).Member is "Runnable" or "Faulted";

        /// <summary>Whether the entry of field <paramref name="field"/> at <paramref name="k"/> is kept (observable).</summary>
        public bool Keeps(int field, Value k) => KindOf[field] switch
        {
            Rule.All => true,
            Rule.Alive => Alive(k),
            Rule.AliveWithUntyped => Alive(k) && IsTrue(objHasUt, k),
            Rule.Untyped => Is(k, "Untyped"),
            Rule.Task => Is(k, "Task"),
            Rule.ActiveTask => ActiveTask(k),
            Rule.FullSlot => IsTrue(slotFull, k),
            Rule.LiveCap => IsTrue(capLive, k),
            Rule.LiveCapWithParent => IsTrue(capLive, k) && IsTrue(capHasParent, k),
            Rule.ValidGrant => IsTrue(grValid, k),
            Rule.ValidIndirectGrant => IsTrue(grValid, k) && IsTrue(grIndirect, k),
            _ => throw new InvalidOperationException($"Junk: unknown rule {KindOf[field]}"),
        };
    }

    private enum Rule { All, Alive, AliveWithUntyped, Untyped, Task, ActiveTask, FullSlot, LiveCap, LiveCapWithParent, ValidGrant, ValidIndirectGrant }

    // The rule of each field by name (keep GuardsOf in step: the fields each rule reads).
    private static Rule RuleOf(string field) => field switch
    {
        // ObjGen is kept for dead objects too: the next retype of the id continues from it.
        "ObjType" or "ObjBase" or "ObjSize" or "ObjHasUt" or "ObjRoot" => Rule.Alive,
        "ObjUt" => Rule.AliveWithUntyped,
        "UtFree" => Rule.Untyped,
        "TaskState" => Rule.Task,
        "TaskFaultEp" or "TaskFaultGen" => Rule.ActiveTask,
        "SlotCap" => Rule.FullSlot,
        "CapObj" or "CapGen" or "CapRights" or "CapBadge" or "CapDepth" or "CapHasParent" or "CapAnc" => Rule.LiveCap,
        "CapParent" => Rule.LiveCapWithParent,
        "GrGrantee" or "GrBase" or "GrLen" or "GrAccess" or "GrIndirect" or "GrDepth" => Rule.ValidGrant,
        "GrSrc" or "GrSrcGen" => Rule.ValidIndirectGrant,
        _ => Rule.All,
    };

    private static readonly Rule[] KindOf = [.. KernelState.Fields.Select(f => RuleOf(f.Name))];

    // Each map field's canonical default (the sorts are the refinement spec's).
    private static readonly Value?[] FieldDefaults =
        [.. KernelState.Fields.Select(f => f.SortOf(RefinementSpec.Sorts) is MapSort ms ? DefaultOf(ms.Value) : null)];

    private static readonly int ObjAlive = ConcreteState.IndexOf("ObjAlive"), ObjType = ConcreteState.IndexOf("ObjType"), ObjHasUt = ConcreteState.IndexOf("ObjHasUt"),
        TaskState = ConcreteState.IndexOf("TaskState"), SlotFull = ConcreteState.IndexOf("SlotFull"), CapLive = ConcreteState.IndexOf("CapLive"),
        CapHasParent = ConcreteState.IndexOf("CapHasParent"), GrValid = ConcreteState.IndexOf("GrValid"), GrIndirect = ConcreteState.IndexOf("GrIndirect");

    private static readonly int[][] GuardIndexes =
        [.. KernelState.Fields.Select(f => GuardsOf(f.Name).Select(ConcreteState.IndexOf).ToArray())];

    private static bool GuardsSame(int field, ConcreteState s, ConcreteState normalBase)
    {
        foreach (var g in GuardIndexes[field])
            if (!ReferenceEquals(s[g], normalBase[g])) return false;
        return true;
    }

    // The fields each rule of Normalize reads (keep in step with RuleOf and Rules.Keeps).
    private static string[] GuardsOf(string field) => field switch
    {
        "ObjType" or "ObjBase" or "ObjSize" or "ObjHasUt" or "ObjRoot" => ["ObjAlive"],
        "ObjUt" => ["ObjAlive", "ObjHasUt"],
        "UtFree" or "TaskState" => ["ObjAlive", "ObjType"],
        "TaskFaultEp" or "TaskFaultGen" => ["ObjAlive", "ObjType", "TaskState"],
        "SlotCap" => ["SlotFull"],
        "CapObj" or "CapGen" or "CapRights" or "CapBadge" or "CapDepth" or "CapHasParent" or "CapAnc" => ["CapLive"],
        "CapParent" => ["CapLive", "CapHasParent"],
        "GrGrantee" or "GrBase" or "GrLen" or "GrAccess" or "GrIndirect" or "GrDepth" => ["GrValid"],
        "GrSrc" or "GrSrcGen" => ["GrValid", "GrIndirect"],
        _ => [],
    };

    private static bool IsCanonical(MapValue m, Rules? rules, int field)
    {
        var all = rules is null || KindOf[field] == Rule.All;
        foreach (var (k, v) in m.Entries)
        {
            if (!all && !rules!.Keeps(field, k)) return false;
            if (v is MapValue inner && !ReferenceEquals(Canonical(inner, null, -1), inner)) return false;
        }

        return true;
    }

    // The canonical form of m, the map of field `field` under `rules` (null rules: an inner map, every entry kept).
    private static MapValue Canonical(MapValue m, Rules? rules, int field)
    {
        var def = DefaultOf(m.MapSort.Value);
        // Already canonical (the common case: most fields of a step's result): the same object.
        if (m.Default.Equals(def) && IsCanonical(m, rules, field)) return m;

        var all = rules is null || KindOf[field] == Rule.All;
        var entries = new List<KeyValuePair<Value, Value>>();
        foreach (var (k, v) in m.Entries)
        {
            if (!all && !rules!.Keeps(field, k)) continue;
            entries.Add(new(k, v is MapValue inner ? Canonical(inner, null, -1) : v));
        }

        // A kept key absent from the entries reads the old default: keep that reading.
        if (!m.Default.Equals(def) && m.Default is not MapValue)
        {
            throw new InvalidOperationException($"Junk.Normalize: a map of sort {m.MapSort} has the non-canonical default {m.Default}; states must descend from abstracted ones");
        }

        return MapValue.Create(m.MapSort, def, entries);
    }
}
