using Verified.Kernel.Abi;
using Verified.Spec;
using Verified.Spec.Kernel;
using Rights = Verified.Kernel.Abi.Rights;

namespace Verified.Proofs.Refinement;

/// <summary>Untyped retype as a sequence of cap.retype, one per object.</summary>
public sealed partial class RefinementChecker
{
    private (StepVerdict, StepNote, RefinementViolation?) JudgeRetype(SpecCall.Retype c, ConcreteState before, ConcreteState after, KernelError status)
    {
        var label = StepNote.Later(() => Label(c));
        var k = RefinementSpec.Sorts;
        var lookup = CapLookup.Expected(before, c.UtSlot, "Untyped", Rights.Write);
        if (lookup != KernelError.Ok) return Refused("cap.retype", label, lookup, status, before, after);
        if (c.Type is null) return Refused("cap.retype", label, KernelError.InvalidArgument, status, before, after);
        lookup = CapLookup.Expected(before, c.CNodeSlot, "CNode", Rights.None);
        if (lookup != KernelError.Ok) return Refused("cap.retype", label, lookup, status, before, after);

        // Destination slots: consecutive indexes of the CNode (2^bits slots of 32 bytes each).
        var cnode = CapLookup.ObjectAt(before, c.CNodeSlot);
        var slots = ((BitVecValue)before.Map(ObjSizeField).Select(cnode)).Bits >> 5;
        if (c.Index >= slots || c.Index + (ulong)c.Count > slots) return Refused("cap.retype", label, KernelError.InvalidArgument, status, before, after);
        var cnodeId = ((BitVecValue)cnode).Bits;
        var dst = new Value[c.Count];
        for (var i = 0; i < dst.Length; i++)
        {
            dst[i] = new BitVecValue(k.Slot.Width, (cnodeId << k.Config.CNodeIndexBits) | (c.Index + (ulong)i));
            if (before.Map(SlotFullField).Select(dst[i]) is BoolValue { Value: true }) return Refused("cap.retype", label, KernelError.SlotOccupied, status, before, after);
        }

        // Alignment (divergence D7): the kernel first moves the watermark up to the object size.
        var ut = CapLookup.ObjectAt(before, c.UtSlot);
        var utBase = ((BitVecValue)before.Map(ObjBaseField).Select(ut)).Bits;
        var utEnd = utBase + ((BitVecValue)before.Map(ObjSizeField).Select(ut)).Bits;
        var free = ((BitVecValue)before.Map(UtFreeField).Select(ut)).Bits;
        // The kernel resets the untyped (cap.retype's reset: the first object at the base) when it
        // holds no child, objects or lent page-table pages; the spec checks that no child object lives.
        var reset = !c.KernelHasChildren;
        if (reset) free = utBase;
        var aligned = utBase + ((free - utBase + c.Size - 1) & ~(c.Size - 1));
        if (aligned > utEnd || aligned < free) return Refused("cap.retype", label, KernelError.NotEnoughMemory, status, before, after);
        var state = aligned == free ? before : Aligned(before, ut, new BitVecValue(k.Addr.Width, aligned));

        var objects = new List<Value>(c.Count);
        var fresh = status == KernelError.Ok ? [] : FreshObjects(before, c.Count);
        var type = new EnumValue(KernelSorts.ObjType, c.Type);
        var size = new BitVecValue(k.Addr.Width, c.Size);
        var opLabel = StepNote.Later(() => $"{Label(c)} = {c.Count} x cap.retype (objects {string.Join(", ", objects)})");
        var verdict = aligned == free
            ? (StepVerdict.Checked, opLabel, (RefinementViolation?)null)
            : (StepVerdict.Divergence, StepNote.Later(() => $"{opLabel}: {Divergences.RetypeAlignment}"), null);
        for (var i = 0; i < c.Count; i++)
        {
            // The object and capability ids are the kernel's choice (the spec takes them as arguments
            // and checks they are fresh); when the kernel created nothing, any fresh ids.
            var created = status == KernelError.Ok;
            var id = created ? after.Map(SlotCapField).Select(dst[i]) : new BitVecValue(k.CapId.Width, ids.NextFresh + (ulong)i);
            var args = new SpecArgs(
                ("ut", c.UtSlot),
                ("dst", dst[i]),
                ("id", id),
                ("obj", created ? after.Map(CapObjField).Select(id) : fresh[i]),
                ("type", type),
                ("size", size),
                ("reset", i == 0 && reset ? BoolValue.True : BoolValue.False));
            (StepVerdict, StepNote, RefinementViolation?)? Refusal(string error)
            {
                if (error == "Ok") return null;
                if (error == "NotEnoughMemory" && status == KernelError.NotEnoughMemory) return Refused("cap.retype", label, KernelError.NotEnoughMemory, status, before, after);
                return (StepVerdict.Violation, "", new RefinementViolation("refinement", "cap.retype.status",
                    $"{label}: object {i} ({string.Join(", ", args.Select(x => $"{x.Key}={x.Value}"))}): the spec refuses ({error}), the kernel gives {status}", state, after));
            }

            // The last object of a retype the kernel made: its step compared with the post-state at
            // keys (SameKeyed), its next state not built — unless that cannot decide.
            if (i == c.Count - 1 && created && eval.StepKeyed("cap.retype", state, args) is { } keyed)
            {
                if (Refusal(keyed.Error) is { } refused) return refused;
                objects.Add(args["obj"]);
                if (SameKeyed(state, keyed, after, out var difference) is { } same)
                {
                    if (crossCheckingStep && transitionCrossCheck is null && same != Same(Normalized(eval.Step("cap.retype", state, args), state), after))
                    {
                        transitionCrossCheck = new RefinementViolation("cross-check", "transition.keyed",
                            $"{label}: comparing the last object's keyed step with the post-state gives {(same ? "equal" : "different")}, building its next state and comparing the opposite", state, after);
                    }

                    if (same) return verdict;
                    // Different: the next state built, for the counterexample.
                    var expected = Normalized(eval.Step("cap.retype", state, args), state);
                    return (StepVerdict.Violation, "", new RefinementViolation("refinement", "cap.retype.state", $"{opLabel}: post-states differ in {difference}", expected, after));
                }

                objects.RemoveAt(objects.Count - 1);
            }

            var st = eval.Step("cap.retype", state, args);
            if (Refusal(st.Error) is { } refusal) return refusal;
            objects.Add(args["obj"]);
            state = Normalized(st, state);
        }

        if (status != KernelError.Ok)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "cap.retype.status", $"{label}: the spec allows it, the kernel refused ({status})", state, after));
        }

        if (!Same(state, after)) return (StepVerdict.Violation, "", StateMismatch("cap.retype", opLabel.ToString(), state, after));
        return verdict;
    }

    private static readonly int ObjSizeField = ConcreteState.IndexOf("ObjSize"), ObjBaseField = ConcreteState.IndexOf("ObjBase"), UtFreeField = ConcreteState.IndexOf("UtFree"),
        SlotFullField = ConcreteState.IndexOf("SlotFull"), SlotCapField = ConcreteState.IndexOf("SlotCap"), CapObjField = ConcreteState.IndexOf("CapObj");

    private static string Label(SpecCall.Retype c) => $"retype(ut={c.UtSlot}, {c.Type ?? "invalid type/size"} x {c.Count}, size {c.Size}, cnode={c.CNodeSlot}, index {c.Index})";

    // The pre-state with the untyped's watermark moved up to the alignment (its change from the
    // pre-state recorded, and the pre-state's domains carried over, for the steps that follow).
    private ConcreteState Aligned(ConcreteState before, Value ut, Value aligned)
    {
        var field = UtFreeField;
        var state = before.With(field, before.Map(field).Store(ut, aligned));
        var changes = new StateChanges();
        changes.Add(field, ut);
        eval.CarryDomains(before, state, changes);
        eval.MoveIndexes(before, state, changes);
        expectedChanges[state] = new ChangeChain(changes, null);
        return state;
    }

    /// <summary>The first <paramref name="count"/> object ids no object of the state has (the ghost CNode's id excluded).</summary>
    private static List<Value> FreshObjects(ConcreteState s, int count)
    {
        var k = RefinementSpec.Sorts;
        var alive = s.Map("ObjAlive");
        var result = new List<Value>();
        for (ulong id = 0; result.Count < count && id < InFlight.GhostCNode; id++)
        {
            var v = new BitVecValue(k.Obj.Width, id);
            if (alive.Select(v) is not BoolValue { Value: true }) result.Add(v);
        }

        return result;
    }
}