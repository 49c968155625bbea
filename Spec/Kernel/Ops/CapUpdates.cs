namespace Verified.Spec.Kernel;

/// <summary>The state updates shared by the capability operations (insert a capability, remove a leaf, finalise).</summary>
internal static class CapUpdates
{
    /// <summary>The checks that a new capability with id <paramref name="id"/> may go into <paramref name="dst"/>.</summary>
    public static (Term, string)[] InsertChecks(Ctx c, KernelState s, Term dst, Term id) =>
    [
        (Ctx.SlotValid(c, s, dst), "InvalidSlot"),
        (T.Not(Ctx.Sel(s.SlotFull, dst)), "SlotOccupied"),
        (T.Not(Ctx.Sel(s.CapLive, id)), "CapIdInUse"),
    ];

    /// <summary>Depth of a child of <paramref name="parent"/> fits the ghost depth sort.</summary>
    public static (Term, string) DepthCheck(KernelState s, Term parent) =>
        (T.BvUlt(Ctx.Sel(s.CapDepth, parent), Ctx.Max((BitVecSort)((MapSort)s.CapDepth.Sort).Value)), "DepthExhausted");

    /// <summary>Put a new capability in an empty slot; a child of <paramref name="parent"/> when given, else a root.</summary>
    public static KernelState Insert(Ctx c, KernelState s, Term dst, Term id, Term obj, Term gen, Term rights, Term badge, Term? parent)
    {
        var depthSort = c.K.Depth;
        var anc = parent is null
            ? T.ConstMap(c.K.CapId, T.False)
            : T.Store(Ctx.Sel(s.CapAnc, parent), parent, T.True);
        return s with
        {
            SlotFull = T.Store(s.SlotFull, dst, T.True),
            SlotCap = T.Store(s.SlotCap, dst, id),
            CapLive = T.Store(s.CapLive, id, T.True),
            CapObj = T.Store(s.CapObj, id, obj),
            CapGen = T.Store(s.CapGen, id, gen),
            CapRights = T.Store(s.CapRights, id, rights),
            CapBadge = T.Store(s.CapBadge, id, badge),
            CapHasParent = T.Store(s.CapHasParent, id, parent is null ? T.False : T.True),
            CapParent = parent is null ? s.CapParent : T.Store(s.CapParent, id, parent),
            CapDepth = T.Store(s.CapDepth, id, parent is null ? Ctx.Bv(depthSort, 0) : Ctx.Inc(Ctx.Sel(s.CapDepth, parent))),
            CapAnc = T.Store(s.CapAnc, id, anc),
        };
    }

    /// <summary>
    /// Checks for removing the capability in <paramref name="slot"/>: it must have no descendants;
    /// if it is the last capability to its object, the object must be finalisable (an empty CNode
    /// apart from this slot, an untyped without live children).
    /// </summary>
    public static (Term, string)[] RemoveChecks(Ctx c, KernelState s, Term slot)
    {
        var cap = Ctx.CapAt(s, slot);
        var obj = Ctx.Sel(s.CapObj, cap);
        var final = c.IsFinal(s, cap);
        var type = Ctx.Sel(s.ObjType, obj);
        // Over slots, not indices: E-matching cannot invert concat(obj, i) to match a slot term.
        var cnodeEmpty = c.ForAll(Role.Slot, "x", x =>
            T.Implies(T.And(Ctx.Sel(s.SlotFull, x), T.Eq(c.CNodeOf(x), obj)), T.Eq(x, slot)), x => [Ctx.Sel(s.SlotFull, x)]);
        var noLiveChildren = CapOps.NoLiveChild(c, s, obj);
        return
        [
            (c.NoDescendants(s, cap), "HasChildren"),
            (T.Implies(T.And(final, Ctx.Is(type, "CNode")), cnodeEmpty), "NotEmpty"),
            (T.Implies(T.And(final, Ctx.Is(type, "Untyped")), noLiveChildren), "ChildrenAlive"),
        ];
    }

    /// <summary>Remove a leaf capability; if it was the last to its object, finalise the object.</summary>
    public static KernelState Remove(Ctx c, KernelState s, Term slot)
    {
        var cap = Ctx.CapAt(s, slot);
        var obj = Ctx.Sel(s.CapObj, cap);
        var final = c.IsFinal(s, cap);
        return s with
        {
            SlotFull = T.Store(s.SlotFull, slot, T.False),
            CapLive = T.Store(s.CapLive, cap, T.False),
            CapHasParent = T.Store(s.CapHasParent, cap, T.False),
            CapAnc = T.Store(s.CapAnc, cap, T.ConstMap(c.K.CapId, T.False)),
            // A store of a conditional value, not a conditional map: Z3 reasons about the former
            // with plain array axioms.
            ObjAlive = T.Store(s.ObjAlive, obj, T.Ite(final, T.False, Ctx.Sel(s.ObjAlive, obj))),
            TaskState = T.Store(s.TaskState, obj, T.Ite(final, T.Enum(KernelSorts.TaskState, "Destroyed"), Ctx.Sel(s.TaskState, obj))),
        };
    }
}
