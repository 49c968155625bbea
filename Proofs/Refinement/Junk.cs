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
        var objAlive = s.Map("ObjAlive");
        var objType = s.Map("ObjType");
        var objHasUt = s.Map("ObjHasUt");
        var taskState = s.Map("TaskState");
        var slotFull = s.Map("SlotFull");
        var capLive = s.Map("CapLive");
        var capHasParent = s.Map("CapHasParent");
        var grValid = s.Map("GrValid");
        var grIndirect = s.Map("GrIndirect");

        bool Alive(Value o) => IsTrue(objAlive, o);
        bool Is(Value o, string type) => Alive(o) && ((EnumValue)objType.Select(o)).Member == type;
        bool ActiveTask(Value o) => Is(o, "Task") && ((EnumValue)taskState.Select(o)).Member is "Runnable" or "Faulted";

        Func<Value, bool>? Rule(string field) => field switch
        {
            // ObjGen is kept for dead objects too: the next retype of the id continues from it.
            "ObjType" or "ObjBase" or "ObjSize" or "ObjHasUt" or "ObjRoot" => Alive,
            "ObjUt" => o => Alive(o) && IsTrue(objHasUt, o),
            "UtFree" => o => Is(o, "Untyped"),
            "TaskState" => o => Is(o, "Task"),
            "TaskFaultEp" or "TaskFaultGen" => ActiveTask,
            "SlotCap" => k => IsTrue(slotFull, k),
            "CapObj" or "CapGen" or "CapRights" or "CapBadge" or "CapDepth" or "CapHasParent" or "CapAnc" => c => IsTrue(capLive, c),
            "CapParent" => c => IsTrue(capLive, c) && IsTrue(capHasParent, c),
            "GrGrantee" or "GrBase" or "GrLen" or "GrAccess" or "GrIndirect" or "GrDepth" => g => IsTrue(grValid, g),
            "GrSrc" or "GrSrcGen" => g => IsTrue(grValid, g) && IsTrue(grIndirect, g),
            _ => null,
        };

        ImmutableDictionary<string, Value>.Builder? values = null;
        foreach (var f in KernelState.Fields)
        {
            var v = s[f.Name];
            if (v is not MapValue m) continue;
            if (normalBase is not null && ReferenceEquals(v, normalBase[f.Name]) && Guards(f.Name).All(g => ReferenceEquals(s[g], normalBase[g]))) continue;
            var c = Canonical(m, Rule(f.Name));
            if (ReferenceEquals(c, m)) continue;
            values ??= s.Values.ToBuilder();
            values[f.Name] = c;
        }

        return values is null ? s : new ConcreteState(values.ToImmutable());
    }

    // The fields each rule of Normalize reads (keep in step with Rule there); built once.
    private static readonly Dictionary<string, string[]> GuardTable =
        KernelState.Fields.ToDictionary(f => f.Name, f => GuardsOf(f.Name), StringComparer.Ordinal);

    private static string[] Guards(string field) => GuardTable[field];

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

    private static bool IsCanonical(MapValue m, Func<Value, bool>? keep)
    {
        foreach (var (k, v) in m.Entries)
        {
            if (keep is not null && !keep(k)) return false;
            if (v is MapValue inner && !ReferenceEquals(Canonical(inner, null), inner)) return false;
        }

        return true;
    }

    private static MapValue Canonical(MapValue m, Func<Value, bool>? keep)
    {
        var def = DefaultOf(m.MapSort.Value);
        // Already canonical (the common case: most fields of a step's result): the same object.
        if (m.Default.Equals(def) && IsCanonical(m, keep)) return m;

        var entries = new List<KeyValuePair<Value, Value>>();
        foreach (var (k, v) in m.Entries)
        {
            if (keep is not null && !keep(k)) continue;
            entries.Add(new(k, v is MapValue inner ? Canonical(inner, null) : v));
        }

        // A kept key absent from the entries reads the old default: keep that reading.
        if (!m.Default.Equals(def) && m.Default is not MapValue)
        {
            throw new InvalidOperationException($"Junk.Normalize: a map of sort {m.MapSort} has the non-canonical default {m.Default}; states must descend from abstracted ones");
        }

        return MapValue.Create(m.MapSort, def, entries);
    }
}
