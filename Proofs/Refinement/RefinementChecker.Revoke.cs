using Verified.Kernel.Objects;
using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

public sealed partial class RefinementChecker
{
    /// <summary>
    /// A revoke the kernel stopped with NotEmpty (finding F7) after <paramref name="done"/> revoke
    /// steps, already matched: the kernel stops at the victim its order reaches next — the first leaf
    /// below the revoked capability's first remaining descendant in its derivation list (the order
    /// among siblings is the kernel's, not abstract; read from the kernel after the step, where the
    /// deletions, all of leaves, left the remaining slots in their order) — and cap.revoke_step must
    /// refuse exactly that victim with NotEmpty (the last capability to a CNode that still holds
    /// capabilities). Until this session some refused descendant anywhere was enough.
    /// </summary>
    private (StepVerdict, StepNote, RefinementViolation?) JudgeRevokeStopped(SpecCall.Revoke r, ConcreteState after, int done)
    {
        var label = $"revoke({r.Slot}) stopped with NotEmpty after {done} x cap.revoke_step";
        if (NextRevokeVictim(r.KernelSlot) is not { } victim)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "cap.revoke.status", $"{label}, but no descendant is left", after, after));
        }

        var st = eval.Step("cap.revoke_step", after, new Dictionary<string, Value> { ["slot"] = r.Slot, ["victim"] = victim });
        if (st.Error == "NotEmpty") return (StepVerdict.Checked, $"cap.revoke({r.Slot}) = {done} x cap.revoke_step, then cap.revoke_step(victim={victim}) -> NotEmpty", null);
        return (StepVerdict.Violation, "", new RefinementViolation("refinement", "cap.revoke.status",
            $"{label} at victim {victim} (the first leaf in the kernel's order), but cap.revoke_step gives {st.Error} there", CompleteRevoke(after, r.Slot), after));
    }

    // The slot the kernel's revoke deletes next: the first leaf at or below the first descendant of
    // the revoked slot in the derivation list (Kernel.DecodeCNodeRevoke's FirstLeaf(FirstDescendant)).
    private Value? NextRevokeVictim(SlotAddress revoked)
    {
        if (judging is not { } kernel || !revoked.IsSome) return null;
        var a = kernel.FirstDescendant(revoked);
        if (!a.IsSome) return null;
        while (kernel.SlotAt(a).Next is { IsSome: true } n && kernel.SlotAt(n).Depth > kernel.SlotAt(a).Depth) a = n;
        return new BitVecValue(RefinementSpec.Sorts.Slot.Width, InFlight.SlotKey(kernel, a));
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
