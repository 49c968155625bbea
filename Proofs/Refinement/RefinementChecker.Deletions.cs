using Verified.Kernel.Abi;
using Rights = Verified.Kernel.Abi.Rights;
using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>Steps that are a spec operation followed by a sequence of capability deletions (task destroy, exit).</summary>
public sealed partial class RefinementChecker
{
    private (StepVerdict, StepNote, RefinementViolation?) JudgeDestroy(SpecCall.Destroy d, ConcreteState before, ConcreteState after, KernelError status)
    {
        var task = d.Task;
        if (d.CapSlot is { } slot)
        {
            var lookup = CapLookup.Expected(before, slot, "Task", Rights.Write);
            if (lookup != KernelError.Ok || status != KernelError.Ok)
            {
                var label0 = $"task.destroy(cap in {slot})";
                if (status != lookup)
                {
                    return (StepVerdict.Violation, "", new RefinementViolation("refinement", "task.destroy.status",
                        $"{label0}: the capability lookup gives {lookup}, the kernel {status}", before, after));
                }

                return Same(before, after)
                    ? (StepVerdict.Checked, $"{label0} -> {status} (capability lookup)", null)
                    : (StepVerdict.Violation, "", StateMismatch("task.destroy", $"{label0} refused ({status}) but the kernel changed the state", before, after));
            }

            task = CapLookup.ObjectAt(before, slot);
        }

        var label = StepNote.Later(() => $"task.destroy(t={task})");
        var destroyed = eval.Step("task.destroy", before, new SpecArgs(("t", task!)));
        if (!destroyed.Ok)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "task.destroy.status",
                $"{label}: the spec refuses ({destroyed.Error}), the kernel destroyed the task ({status})", before, after));
        }

        var (state, count, violation) = DeleteVictims(Normalized(destroyed, before), before, after, "cap.delete", label);
        if (violation is not null) return (StepVerdict.Violation, "", violation);
        if (Same(state, after))
        {
            IndexesToEqualPost(state, after);
            return (StepVerdict.Checked, StepNote.Later(() => $"{label} + {count} x cap.delete"), null);
        }

        return ClassifyD5(before, state, after) is { } d5
            ? (StepVerdict.Divergence, $"{label}: {d5}", null)
            : (StepVerdict.Violation, "", StateMismatch("task.destroy", $"{label} + {count} x cap.delete", state, after));
    }

    /// <summary>
    /// The narrowed quantifiers' indexes, moved along the spec steps to <paramref name="expected"/>,
    /// are said to describe the kernel's post-state <paramref name="after"/>, which <see cref="Same"/>
    /// found equal to it: an index is a function of the state's value (its groups are computed from
    /// the fields it reads), so it describes every equal state. Otherwise MoveIndexesToPost moves
    /// them back to the pre-state at the union of the step's changes and on to the post-state at the
    /// kernel's changed keys — twice the work of the spec steps' own moves, for the same groups. The
    /// post-state becomes the indexes' anchor (the state the next step steps from): an index that a
    /// move recorded and not made yet leads to (a lazy move) is moved along to it now, so no index is
    /// left at the pre-state or an expected state for MoveIndexesToPost to move back. In cross-check
    /// mode the relabelled indexes are compared with ones built from the post-state (transition.index);
    /// planted <see cref="ShortcutFaults.RelabelBeforeLastStep"/> relabels the indexes of the state
    /// before the last deletion instead, and is caught there.
    /// </summary>
    private void IndexesToEqualPost(ConcreteState expected, ConcreteState after)
    {
        // A fresh empty set per relabel: the move is recorded (a lazy move) and holds it, so a shared
        // instance that anything ever added to would turn every later relabel into a false claim.
        eval.MoveIndexes(expected, after, new StateChanges());
        eval.IndexAnchor = after;
    }

    /// <summary>
    /// D2: a delete the spec refuses (NotEmpty, ChildrenAlive) and the kernel performs, finalising
    /// and cascading. The post-state must be exactly the kernel's cascade computed on the pre-state
    /// (<see cref="Cascade.Expected"/>), up to D5's grants of a task or grant table it finalised.
    /// The cascade reads the pre-state's groups from the narrowed quantifiers' indexes (the step's
    /// cap.delete has just read them there); in cross-check mode the cascade computed by reading
    /// every entry must give the same state (transition.cascade).
    /// </summary>
    /// <summary>Groupings a D2 cascade built by reading every entry, the indexes not describing its pre-state (for the tests).</summary>
    internal int CascadeScans { get; private set; }

    private (StepVerdict, StepNote, RefinementViolation?) JudgeCascade(Value slot, string label, ConcreteState before, ConcreteState after)
    {
        var groups = new CascadeGroups(before, eval, plantMissOne: Shortcuts is { CascadeGroupsMissOne: true });
        var (expected, changes) = Cascade.Expected(before, slot, after, SendCancelled, plantMissDeleted: Shortcuts is { CascadeKeysMissDeleted: true }, groups);
        CascadeScans += groups.Scans;
        // The cascade's changed keys: its stores and its normalisation's resets. In cross-check
        // mode they must cover every difference from the pre-state (transition.changes) and the
        // normalisation at them must be the whole one (transition.normalize), as a spec step's.
        if (crossCheckingStep && transitionCrossCheck is null)
        {
            if (Cascade.Expected(before, slot, after, SendCancelled, plantMissDeleted: Shortcuts is { CascadeKeysMissDeleted: true }, new CascadeGroups(before, null)).State is var scanned && !scanned.Equals(expected))
            {
                transitionCrossCheck = new RefinementViolation("cross-check", "transition.cascade",
                    $"{label}: the cascade computed from the indexes' groups differs from the one computed by reading every entry in {string.Join(", ", scanned.DifferingFields(expected))}", scanned, expected);
            }
            else if (changes.Uncovered(before, expected) is { } missed)
            {
                transitionCrossCheck = new RefinementViolation("cross-check", "transition.changes",
                    $"{label}: the cascade's changed keys leave out a difference from the pre-state: {missed}", before, expected);
            }
            else if (Junk.Normalize(expected) is var full && !full.Equals(expected))
            {
                transitionCrossCheck = new RefinementViolation("cross-check", "transition.normalize",
                    $"{label}: the cascade normalised at its changed keys differs from its full normalisation in {string.Join(", ", full.DifferingFields(expected))}", full, expected);
            }
        }

        // Compared with the kernel's post-state at both sides' changed keys (Same), and D5 there too.
        if (ReferenceEquals(before, judgedPre)) expectedChanges[expected] = new ChangeChain(changes, null);
        if (Same(expected, after)) return (StepVerdict.Divergence, $"{label}: {Divergences.DeleteCascades}", null);
        return ClassifyD5(before, expected, after) is { } d5
            ? (StepVerdict.Divergence, $"{label}: {Divergences.DeleteCascades}; {d5}", null)
            : (StepVerdict.Violation, "", StateMismatch("cap.delete", $"{label} with the kernel's cascade (D2)", expected, after));
    }

    /// <summary>
    /// Applies one spec deletion (<paramref name="operation"/> with argument slot) per capability
    /// live in <paramref name="before"/> and gone in <paramref name="after"/>, starting from
    /// <paramref name="from"/>: deepest first (so each is a leaf when deleted), and among those left
    /// the first the spec accepts — the kernel deletes in its list order, which the abstract state
    /// does not show, and a capability to a CNode may go only after the CNode's contents (NotEmpty),
    /// whatever their depth. <paramref name="step"/> replaces the plain spec step for one
    /// capability's slot (revoke's cap.revoke_step). A deleted capability that no slot held (a
    /// corrupt kernel state) is a violation, not a host exception.
    /// </summary>
    private (ConcreteState State, int Count, RefinementViolation? Violation) DeleteVictims(ConcreteState from, ConcreteState before, ConcreteState after, string operation, StepNote label,
        Func<ConcreteState, Value, ConcreteStep>? step = null)
    {
        var (victims, capSlot) = Victims(before, after);
        if (crossCheckingStep && transitionCrossCheck is null && KernelKeys(before, after) is not null)
        {
            var (allVictims, allSlots) = VictimsByScan(before, after);
            if (!allVictims.SequenceEqual(victims) || allSlots.Count != capSlot.Count || allSlots.Any(e => !capSlot.TryGetValue(e.Key, out var s) || !s.Equals(e.Value)))
            {
                transitionCrossCheck = new RefinementViolation("cross-check", "transition.victims",
                    $"{label}: the deleted capabilities found at the kernel's changed keys ({string.Join(", ", victims)}) differ from those found by reading every capability ({string.Join(", ", allVictims)})", before, after);
            }
        }

        var state = from;
        var left = new List<(Value Cap, Value Slot)>(victims.Count);
        foreach (var v in victims)
        {
            if (!capSlot.TryGetValue(v, out var slot))
            {
                return (state, 0, new RefinementViolation("refinement", $"{operation}.slot", $"{label}: the kernel deleted capability {v}, which no slot held", state, after));
            }

            left.Add((v, slot));
        }

        while (left.Count > 0)
        {
            if (left.Count == 1 && Shortcuts is { RelabelBeforeLastStep: true }) IndexesToEqualPost(state, after);
            (Value Cap, Value Slot, ConcreteStep Step)? refused = null;
            var taken = -1;
            for (var i = 0; i < left.Count && taken < 0; i++)
            {
                var (v, slot) = left[i];
                var st = step is not null ? step(state, slot) : eval.Step(operation, state, new SpecArgs(("slot", slot)));
                if (st.Ok)
                {
                    taken = i;
                    state = Normalized(st, state);
                }
                else
                {
                    refused ??= (v, slot, st);
                }
            }

            if (taken < 0)
            {
                var (cap, at, failed) = refused!.Value;
                return (state, 0, new RefinementViolation("refinement", $"{operation}.status",
                    $"{label}: the kernel deleted capability {cap} (slot {at}), but {operation} refuses it: {failed.Error}", state, after));
            }

            left.RemoveAt(taken);
        }

        return (state, victims.Count, null);
    }

    // The kernel's changed keys of pre → post by field name, when the abstraction knows them.
    private IReadOnlyDictionary<string, HashSet<Value>>? KernelKeys(ConcreteState before, ConcreteState after) =>
        ReferenceEquals(abstraction.Previous, before) && ReferenceEquals(abstraction.Last, after) ? abstraction.LastChanges : null;

    /// <summary>
    /// The capabilities live in <paramref name="before"/> and not in <paramref name="after"/>,
    /// deepest first (ties by id), and the slot that held each in <paramref name="before"/> (the
    /// first full one in key order). At the kernel's changed keys when the abstraction knows them:
    /// a victim's CapLive changed, so it is a changed key of CapLive; the slot that held it is full
    /// with it in before, and in after it is empty or holds another capability — a full slot holding
    /// a capability makes it live (the abstraction derives CapLive from the occupied slots) — so
    /// the slot is a changed key of SlotFull or SlotCap. Candidates are taken in key order, so the
    /// slot found is the one the scan of every entry finds (<see cref="VictimsByScan"/>, also the
    /// cross-check's, transition.victims).
    /// </summary>
    private (List<Value> Victims, Dictionary<Value, Value> Slots) Victims(ConcreteState before, ConcreteState after)
    {
        if (KernelKeys(before, after) is not { } known) return VictimsByScan(before, after);
        var liveBefore = before.Map("CapLive");
        var liveAfter = after.Map("CapLive");
        var depth = before.Map("CapDepth");
        var victims = new List<Value>();
        if (known.TryGetValue("CapLive", out var changedCaps))
        {
            foreach (var v in changedCaps)
                if (liveBefore.Select(v) is BoolValue { Value: true } && liveAfter.Select(v) is BoolValue { Value: false }) victims.Add(v);
        }

        victims.Sort(DeepestFirst(depth));
        if (Shortcuts is { VictimsMissOne: true } && victims.Count > 0) victims.RemoveAt(victims.Count - 1);
        var capSlot = new Dictionary<Value, Value>();
        if (victims.Count == 0) return (victims, capSlot);
        var slotFull = before.Map("SlotFull");
        var slotCap = before.Map("SlotCap");
        HashSet<Value>? wanted = victims.Count > 16 ? [.. victims] : null; // a few victims are found faster in the list
        // The first candidate slot in key order holding each victim (the scan's choice), without sorting the candidates.
        void Consider(HashSet<Value> slots)
        {
            foreach (var slot in slots)
            {
                if (slotFull.Select(slot) is not BoolValue { Value: true }) continue;
                var cap = slotCap.Select(slot);
                if (!(wanted?.Contains(cap) ?? victims.Contains(cap))) continue;
                if (!capSlot.TryGetValue(cap, out var held) || ((BitVecValue)slot).Bits < ((BitVecValue)held).Bits) capSlot[cap] = slot;
            }
        }

        if (known.TryGetValue("SlotFull", out var f)) Consider(f);
        if (known.TryGetValue("SlotCap", out var sc)) Consider(sc);
        return (victims, capSlot);
    }

    // Deepest first, then by id: each victim is a leaf when its turn comes (ids are distinct, so the order is total).
    private static Comparison<Value> DeepestFirst(MapValue depth) => (a, b) =>
    {
        var byDepth = ((BitVecValue)depth.Select(b)).Bits.CompareTo(((BitVecValue)depth.Select(a)).Bits);
        return byDepth != 0 ? byDepth : ((BitVecValue)a).Bits.CompareTo(((BitVecValue)b).Bits);
    };

    // The same by reading every capability and every slot entry (no changed keys known, and the cross-check).
    private static (List<Value> Victims, Dictionary<Value, Value> Slots) VictimsByScan(ConcreteState before, ConcreteState after)
    {
        var liveAfter = after.Map("CapLive");
        var depth = before.Map("CapDepth");
        var victims = before.Map("CapLive").Entries.Keys.Where(c => liveAfter.Select(c) is BoolValue { Value: false })
            .OrderByDescending(c => ((BitVecValue)depth.Select(c)).Bits).ThenBy(c => ((BitVecValue)c).Bits).ToList();
        // The slots of the victims only (no slot map of every capability; none at all when nothing was deleted).
        var capSlot = new Dictionary<Value, Value>();
        if (victims.Count > 0)
        {
            var wanted = victims.ToHashSet();
            var slotFull = before.Map("SlotFull");
            foreach (var (slot, cap) in before.Map("SlotCap").Entries)
                if (wanted.Contains(cap) && slotFull.Select(slot) is BoolValue { Value: true }) capSlot.TryAdd(cap, slot);
        }

        return (victims, capSlot);
    }
}
