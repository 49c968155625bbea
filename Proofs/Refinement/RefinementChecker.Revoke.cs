using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

public sealed partial class RefinementChecker
{
    /// <summary>
    /// The state a complete revoke would have reached from <paramref name="state"/>: cap.revoke_step
    /// on each remaining descendant of the capability in <paramref name="slot"/>, deepest first —
    /// the expected state of a counterexample whose revoke stopped early.
    /// </summary>
    private ConcreteState CompleteRevoke(ConcreteState state, Value slot)
    {
        var cap = state.Map("SlotCap").Select(slot);
        var anc = state.Map("CapAnc");
        var depth = state.Map("CapDepth");
        var full = state.Map("SlotFull");
        var left = state.Map("SlotCap").Entries
            .Where(e => full.Select(e.Key) is BoolValue { Value: true } && ((MapValue)anc.Select(e.Value)).Select(cap) is BoolValue { Value: true })
            .OrderByDescending(e => ((BitVecValue)depth.Select(e.Value)).Bits)
            .Select(e => e.Key).ToList();
        foreach (var victim in left)
        {
            var st = eval.Step("cap.revoke_step", state, new Dictionary<string, Value> { ["slot"] = slot, ["victim"] = victim });
            if (!st.Ok) break;
            state = Junk.Normalize(st.Next, state);
        }

        return state;
    }
}
