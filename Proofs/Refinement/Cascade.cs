using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Divergence D2 on the abstract state: what the kernel's delete of the last capability to a
/// non-empty CNode (or to an untyped with live children) does, where cap.delete refuses. The
/// kernel deletes the capability and, each time a deletion removes the last current capability
/// to an object, finalises that object; a finalised CNode's capabilities are deleted in turn
/// (Kernel.RunDeletions' work list). A deletion splices the capability out of the derivation
/// tree, lifting its descendants one level. A finalised task or endpoint cancels IPC, whose
/// queued capabilities (ghost in-flight slots) are deleted as well. Nothing else changes; a
/// finalised task's or grant table's grants are D5's.
/// </summary>
internal static class Cascade
{
    private static bool True(MapValue m, Value k) => m.Select(k) is BoolValue { Value: true };

    /// <summary>
    /// The expected (normalised) post-state of deleting the capability in <paramref name="victim"/>
    /// from <paramref name="pre"/> with the kernel's cascade. The capabilities queued in IPC that the
    /// kernel cancelled are read from <paramref name="after"/> (which tasks wait on a dying endpoint is
    /// not abstract): every ghost in-flight slot whose capability is gone there and whose send
    /// <paramref name="sendCancelled"/> says was cancelled (the sender no longer blocked sending) is
    /// deleted too, as cap.delete is in the other steps that cancel IPC. Objects whose shallowest capability the
    /// deletions changed may take any of their shallowest remaining capabilities as root (the abstraction
    /// breaks ties by the derivation list's order, which the abstract state does not hold): the one
    /// <paramref name="after"/> names is taken when it qualifies.
    /// </summary>
    public static ConcreteState Expected(ConcreteState pre, Value victim, ConcreteState after, Func<Value, bool> sendCancelled) =>
        Expected(pre, victim, after, sendCancelled, plantMissDeleted: false, new CascadeGroups(pre, null)).State;

    /// <summary>
    /// As <see cref="Expected(ConcreteState, Value, ConcreteState, Func{Value, bool})"/>, with where
    /// the result may differ from <paramref name="pre"/>: every key the cascade stored at (each
    /// deleted capability and its slot, each object that died, each lifted capability, each object
    /// rerooted) and every key its normalisation reset. The normalisation looks only there
    /// (<see cref="Junk.Normalize(ConcreteState, ConcreteState, StateChanges)"/>: elsewhere the fields
    /// and their rules' guard fields are the canonical pre-state's), not at every entry of every
    /// field the cascade replaced; the checker compares the result with the kernel's at these keys
    /// and the kernel's changed keys. <paramref name="plantMissDeleted"/>: the checker's planted wrong
    /// version (ShortcutFaults.CascadeKeysMissDeleted), whose changes leave out the deleted
    /// capabilities' CapLive keys, so the normalisation leaves their attributes. The pre-state's
    /// groups — a CNode's full slots, an object's live capabilities, a capability's descendants —
    /// are read from <paramref name="groups"/> (<see cref="CascadeGroups"/>: the narrowed
    /// quantifiers' indexes, or every entry), so a cascade costs what it deletes and lifts, not
    /// the number of slots and capabilities.
    /// </summary>
    internal static (ConcreteState State, StateChanges Changes) Expected(ConcreteState pre, Value victim, ConcreteState after, Func<Value, bool> sendCancelled, bool plantMissDeleted, CascadeGroups groups)
    {
        var changes = new StateChanges();
        var slotFull = pre.Map("SlotFull");
        var slotCap = pre.Map("SlotCap");
        var capLive = pre.Map("CapLive");
        var capObj = pre.Map("CapObj");
        var capGen = pre.Map("CapGen");
        var objAlive = pre.Map("ObjAlive");
        var objGen = pre.Map("ObjGen");
        var objType = pre.Map("ObjType");
        var afterLive = after.Map("CapLive");

        // The capabilities queued in IPC that the kernel cancelled: ghost in-flight slots (all in the
        // ghost CNode) whose capability is gone after the step and whose send was cancelled.
        var work = new Stack<Value>();
        foreach (var slot in groups.FullSlotsIn(GhostCNode))
        {
            if (!True(afterLive, slotCap.Select(slot)) && sendCancelled(slot)) work.Push(slot);
        }

        bool Current(Value cap) => True(capLive, cap) && True(objAlive, capObj.Select(cap)) && capGen.Select(cap).Equals(objGen.Select(capObj.Select(cap)));
        // The current capabilities of each object the cascade reaches, counted when first reached.
        var currentCount = new Dictionary<Value, int>();
        int CurrentOf(Value o)
        {
            var n = 0;
            foreach (var cap in groups.LiveCapsOf(o))
                if (Current(cap)) n++;
            return n;
        }

        // The kernel's work list: delete; the last current capability finalises its object; a CNode's slots follow.
        var deleted = new HashSet<Value>();
        var slotOf = new Dictionary<Value, Value>();
        var died = new List<Value>();
        work.Push(victim);
        while (work.Count > 0)
        {
            var s = work.Pop();
            if (!True(slotFull, s)) continue;
            var c = slotCap.Select(s);
            if (!deleted.Add(c)) continue;
            slotOf[c] = s;
            if (!Current(c)) continue;
            var o = capObj.Select(c);
            if (!currentCount.TryGetValue(o, out var count)) count = CurrentOf(o);
            currentCount[o] = --count;
            if (count > 0) continue;
            died.Add(o);
            if (((EnumValue)objType.Select(o)).Member == "CNode")
            {
                foreach (var h in groups.FullSlotsIn(o)) work.Push(h);
            }
        }

        var state = pre;
        var live = capLive;
        var full = slotFull;
        foreach (var c in deleted)
        {
            live = live.Store(c, BoolValue.False);
            full = full.Store(slotOf[c], BoolValue.False);
            if (!plantMissDeleted) changes.Add(CapLiveField, c);
            changes.Add(SlotFullField, slotOf[c]);
        }

        var alive = objAlive;
        foreach (var o in died)
        {
            alive = alive.Store(o, BoolValue.False);
            changes.Add(ObjAliveField, o);
        }

        state = state.With("CapLive", live).With("SlotFull", full).With("ObjAlive", alive);
        state = Lift(state, pre, deleted, changes, groups, out var lifted);
        state = Reroot(state, after, died, deleted, lifted, changes, groups);
        // Built from the canonical pre-state by stores at the keys recorded: only there (and where
        // the fields their rules read changed) can an entry be junk.
        return (Junk.Normalize(state, pre, changes), changes);
    }

    private static readonly Value GhostCNode = new BitVecValue(RefinementSpec.Sorts.Obj.Width, InFlight.GhostCNode);

    private static readonly int CapLiveField = ConcreteState.IndexOf("CapLive"), SlotFullField = ConcreteState.IndexOf("SlotFull"), ObjAliveField = ConcreteState.IndexOf("ObjAlive"),
        CapAncField = ConcreteState.IndexOf("CapAnc"), CapDepthField = ConcreteState.IndexOf("CapDepth"), CapParentField = ConcreteState.IndexOf("CapParent"),
        CapHasParentField = ConcreteState.IndexOf("CapHasParent"), ObjRootField = ConcreteState.IndexOf("ObjRoot");

    // Splicing: every survivor loses its deleted ancestors, its depth drops by their number, and its
    // parent is its deepest remaining ancestor.
    private static ConcreteState Lift(ConcreteState state, ConcreteState pre, HashSet<Value> deleted, StateChanges changes, CascadeGroups groups, out HashSet<Value> lifted)
    {
        lifted = [];
        var capLive = pre.Map("CapLive");
        var ancM = pre.Map("CapAnc");
        var depthM = pre.Map("CapDepth");
        var anc = ancM;
        var depth = depthM;
        var parent = pre.Map("CapParent");
        var hasParent = pre.Map("CapHasParent");
        // The survivors with a deleted ancestor: the descendants of the deleted capabilities.
        var survivors = new HashSet<Value>();
        foreach (var d in deleted)
            foreach (var x in groups.DescendantsOf(d))
                if (True(capLive, x) && !deleted.Contains(x)) survivors.Add(x);
        foreach (var cap in survivors)
        {
            var a = (MapValue)ancM.Select(cap);
            var gone = a.Entries.Where(e => e.Value is BoolValue { Value: true } && deleted.Contains(e.Key)).Select(e => e.Key).ToList();
            if (gone.Count == 0) continue;
            lifted.Add(cap);
            foreach (var g in gone) a = a.Store(g, BoolValue.False);
            var d = (BitVecValue)depthM.Select(cap);
            depth = depth.Store(cap, new BitVecValue(d.Width, d.Bits - (ulong)gone.Count));
            anc = anc.Store(cap, a);
            var remaining = a.Entries.Where(e => e.Value is BoolValue { Value: true }).Select(e => e.Key).ToList();
            hasParent = hasParent.Store(cap, BoolValue.Of(remaining.Count > 0));
            if (remaining.Count > 0) parent = parent.Store(cap, remaining.MaxBy(r => ((BitVecValue)depthM.Select(r)).Bits)!);
            changes.Add(CapAncField, cap);
            changes.Add(CapDepthField, cap);
            changes.Add(CapHasParentField, cap);
            changes.Add(CapParentField, cap);
        }

        return state.With("CapAnc", anc).With("CapDepth", depth).With("CapParent", parent).With("CapHasParent", hasParent);
    }

    // An object alive after the step whose root was deleted, or one of whose capabilities was lifted:
    // its root is one of its shallowest current capabilities; after's choice is taken when it is one.
    private static ConcreteState Reroot(ConcreteState state, ConcreteState after, List<Value> died, HashSet<Value> deleted, HashSet<Value> lifted, StateChanges changes, CascadeGroups groups)
    {
        var root = state.Map("ObjRoot");
        var capObj = state.Map("CapObj");
        var capGen = state.Map("CapGen");
        var depth = state.Map("CapDepth");
        var objGen = state.Map("ObjGen");
        var dead = died.ToHashSet();
        var touched = lifted.Select(c => capObj.Select(c)).ToHashSet();
        // The roots are read whole (one entry per live object): no invariant ties an object's
        // root to a capability naming it, so the deleted capabilities' objects would not do.
        foreach (var (o, r) in root.Entries)
        {
            if (deleted.Contains(r)) touched.Add(o);
        }

        foreach (var o in touched)
        {
            if (dead.Contains(o)) continue;
            var caps = new List<Value>();
            foreach (var c in groups.LiveCapsOf(o))
                if (!deleted.Contains(c) && capGen.Select(c).Equals(objGen.Select(o))) caps.Add(c);
            if (caps.Count == 0) continue;
            var shallowest = caps.Min(c => ((BitVecValue)depth.Select(c)).Bits);
            var chosen = after.Map("ObjRoot").Select(o);
            if (caps.Contains(chosen) && ((BitVecValue)depth.Select(chosen)).Bits == shallowest)
            {
                root = root.Store(o, chosen);
                changes.Add(ObjRootField, o);
            }
        }

        return state.With("ObjRoot", root);
    }
}
