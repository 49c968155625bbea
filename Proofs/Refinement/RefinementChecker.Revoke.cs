using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

public sealed partial class RefinementChecker
{
    /// <summary>
    /// A revoke the kernel stopped with NotEmpty (finding F7) after <paramref name="done"/> revoke
    /// steps, already matched: some descendant left must be a victim that cap.revoke_step refuses
    /// with NotEmpty (the last capability to a CNode that still holds capabilities).
    /// </summary>
    private (StepVerdict, string, RefinementViolation?) JudgeRevokeStopped(SpecCall.Revoke r, ConcreteState after, int done)
    {
        foreach (var victim in DescendantSlots(after, r.Slot))
        {
            var st = eval.Step("cap.revoke_step", after, new Dictionary<string, Value> { ["slot"] = r.Slot, ["victim"] = victim });
            if (st.Error == "NotEmpty") return (StepVerdict.Checked, $"cap.revoke({r.Slot}) = {done} x cap.revoke_step, then cap.revoke_step(victim={victim}) -> NotEmpty", null);
        }

        return (StepVerdict.Violation, "", new RefinementViolation("refinement", "cap.revoke.status",
            $"revoke({r.Slot}) stopped with NotEmpty after {done} x cap.revoke_step, but cap.revoke_step refuses no descendant left with NotEmpty", CompleteRevoke(after, r.Slot), after));
    }

    /// <summary>The full slots holding a descendant of the capability in <paramref name="slot"/>, deepest first.</summary>
    private static List<Value> DescendantSlots(ConcreteState state, Value slot)
    {
        var cap = state.Map("SlotCap").Select(slot);
        var anc = state.Map("CapAnc");
        var depth = state.Map("CapDepth");
        var full = state.Map("SlotFull");
        return state.Map("SlotCap").Entries
            .Where(e => full.Select(e.Key) is BoolValue { Value: true } && ((MapValue)anc.Select(e.Value)).Select(cap) is BoolValue { Value: true })
            .OrderByDescending(e => ((BitVecValue)depth.Select(e.Value)).Bits)
            .Select(e => e.Key).ToList();
    }

    /// <summary>
    /// The state a complete revoke would have reached from <paramref name="state"/>: cap.revoke_step
    /// on each remaining descendant of the capability in <paramref name="slot"/>, deepest first —
    /// the expected state of a counterexample whose revoke stopped early.
    /// </summary>
    private ConcreteState CompleteRevoke(ConcreteState state, Value slot)
    {
        foreach (var victim in DescendantSlots(state, slot))
        {
            var st = eval.Step("cap.revoke_step", state, new Dictionary<string, Value> { ["slot"] = slot, ["victim"] = victim });
            if (!st.Ok) break;
            state = Junk.Normalize(st.Next, state);
        }

        return state;
    }
}
