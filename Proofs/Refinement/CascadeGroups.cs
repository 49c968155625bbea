using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The groups of a pre-state that the D2 cascade (<see cref="Cascade"/>) reads: the full slots of a
/// CNode, the live capabilities naming an object, the descendants of a capability. With an
/// evaluator they are read from its narrowed quantifiers' indexes (<see cref="KernelEval.FullSlotsIn"/>,
/// <see cref="KernelEval.LiveCapsOf"/>, <see cref="KernelEval.DescendantsOf"/>), which are kept
/// describing the checker's pre-state at each step's changed keys and hold exactly the entries
/// where the group's conditions hold (StepNarrowing's argument); otherwise, or when no index
/// describes the pre-state, every entry is read once and grouped here (the cross-check's reference).
/// </summary>
internal sealed class CascadeGroups(ConcreteState pre, KernelEval? eval, bool plantMissOne = false)
{
    private static readonly int IndexBits = RefinementSpec.Config.CNodeIndexBits;
    private Dictionary<ulong, List<Value>>? slotsByCNode;
    private Dictionary<Value, List<Value>>? capsByObject;
    private Dictionary<Value, List<Value>>? descendants;

    /// <summary>How many of the three groupings were built by reading every entry (for the tests).</summary>
    public int Scans { get; private set; }

    /// <summary>The full slots of CNode <paramref name="cnode"/> (SlotFull[x] and x's CNode is cnode).</summary>
    public IReadOnlyCollection<Value> FullSlotsIn(Value cnode)
    {
        if (eval?.FullSlotsIn(pre, cnode) is { } group)
        {
            // The planted wrong lookup (ShortcutFaults.CascadeGroupsMissOne): a CNode's last full slot is left out.
            return plantMissOne && group.Count > 0 ? [.. group.Take(group.Count - 1)] : group;
        }

        slotsByCNode ??= Scan(() =>
        {
            var d = new Dictionary<ulong, List<Value>>();
            foreach (var (slot, full) in pre.Map("SlotFull").Entries)
                if (full is BoolValue { Value: true }) Add(d, ((BitVecValue)slot).Bits >> IndexBits, slot);
            return d;
        });
        return slotsByCNode.TryGetValue(((BitVecValue)cnode).Bits, out var l) ? l : [];
    }

    /// <summary>The live capabilities naming <paramref name="obj"/> (any generation).</summary>
    public IReadOnlyCollection<Value> LiveCapsOf(Value obj)
    {
        if (eval?.LiveCapsOf(pre, obj) is { } group) return group;
        capsByObject ??= Scan(() =>
        {
            var d = new Dictionary<Value, List<Value>>();
            var capObj = pre.Map("CapObj");
            foreach (var (cap, live) in pre.Map("CapLive").Entries)
                if (live is BoolValue { Value: true }) Add(d, capObj.Select(cap), cap);
            return d;
        });
        return capsByObject.TryGetValue(obj, out var l) ? l : [];
    }

    /// <summary>The capabilities x whose ancestry map has an entry true at <paramref name="cap"/>.</summary>
    public IReadOnlyCollection<Value> DescendantsOf(Value cap)
    {
        if (eval?.DescendantsOf(pre, cap) is { } group) return group;
        descendants ??= Scan(() =>
        {
            var d = new Dictionary<Value, List<Value>>();
            foreach (var (x, inner) in pre.Map("CapAnc").Entries)
                foreach (var (t, holds) in ((MapValue)inner).Entries)
                    if (holds is BoolValue { Value: true }) Add(d, t, x);
            return d;
        });
        return descendants.TryGetValue(cap, out var l) ? l : [];
    }

    private T Scan<T>(Func<T> build)
    {
        Scans++;
        return build();
    }

    private static void Add<TKey>(Dictionary<TKey, List<Value>> d, TKey key, Value member) where TKey : notnull
    {
        if (!d.TryGetValue(key, out var list)) d[key] = list = [];
        list.Add(member);
    }
}
