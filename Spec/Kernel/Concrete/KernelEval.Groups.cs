namespace Verified.Spec.Kernel;

/// <summary>
/// Grouped lookups of a state for the refinement checker (its D2 cascade), read from the narrowed
/// quantifiers' indexes (<see cref="StepNarrowing"/>): the same groups cap.delete's checks
/// ("the CNode is empty", "the last capability to its object", "no descendants") are decided by,
/// kept describing the checker's states at the keys each step changed. Each is null when no
/// index describes the state (the caller then reads every entry).
/// </summary>
public sealed partial class KernelEval
{
    private StepIndex? fullSlotsByCNode, liveCapsByObject, descendants;

    /// <summary>The full slots of CNode <paramref name="cnode"/> in <paramref name="state"/> (SlotFull[x] and CNodeOf(x) = cnode); read it before the next step is evaluated.</summary>
    public IReadOnlyCollection<Value>? FullSlotsIn(ConcreteState state, Value cnode)
    {
        fullSlotsByCNode ??= narrowing.GroupedIndex(ConcreteState.IndexOf("SlotFull"), Spec.Sorts.Slot, ctx.CNodeOf);
        return narrowing.Members(fullSlotsByCNode, state, cnode);
    }

    /// <summary>The live capabilities naming <paramref name="obj"/> in <paramref name="state"/> (CapLive[x] and CapObj[x] = obj, any generation); read it before the next step is evaluated.</summary>
    public IReadOnlyCollection<Value>? LiveCapsOf(ConcreteState state, Value obj)
    {
        liveCapsByObject ??= narrowing.GroupedIndex(ConcreteState.IndexOf("CapLive"), Spec.Sorts.CapId,
            x => Ctx.Sel(KernelState.Symbolic(Spec.Sorts, Pre).CapObj, x));
        return narrowing.Members(liveCapsByObject, state, obj);
    }

    /// <summary>The capabilities that have <paramref name="cap"/> as an ancestor in <paramref name="state"/> (CapAnc[x][cap]); read it before the next step is evaluated.</summary>
    public IReadOnlyCollection<Value>? DescendantsOf(ConcreteState state, Value cap)
    {
        descendants ??= narrowing.InnerIndexOf(ConcreteState.IndexOf("CapAnc"));
        return narrowing.Members(descendants, state, cap);
    }
}
