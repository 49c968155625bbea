using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// The capability operations (seL4's CNode invocations). Capabilities have an identity (a
/// <c>CapId</c>) apart from the slot that holds them, so move and mutate keep a capability's
/// position in the derivation tree with two stores, as seL4's MDB does with its links.
/// </summary>
public static class CapOps
{
    private static OpArg Slot(string n) => new(n, k => k.Slot, Role.Slot);
    private static OpArg Id(string n) => new(n, k => k.CapId, Role.CapId);

    /// <summary>Source checks: addressable, occupied, usable (live object, current generation).</summary>
    private static (Term, string)[] SourceChecks(Ctx c, KernelState s, Term src) =>
    [
        (Ctx.SlotValid(c, s, src), "InvalidSlot"),
        (Ctx.Sel(s.SlotFull, src), "EmptySlot"),
        (Ctx.Usable(s, Ctx.CapAt(s, src)), "StaleCap"),
    ];

    public static Operation Copy { get; } = new("cap.copy",
        "copy the capability in src into empty dst as its child (same rights and badge)",
        [Slot("src"), Slot("dst"), Id("id")],
        (c, s, a) =>
        {
            var cap = Ctx.CapAt(s, a["src"]);
            var next = CapUpdates.Insert(c, s, a["dst"], a["id"], Ctx.Sel(s.CapObj, cap), Ctx.Sel(s.CapGen, cap),
                Ctx.Sel(s.CapRights, cap), Ctx.Sel(s.CapBadge, cap), cap);
            return new Step([.. SourceChecks(c, s, a["src"]), .. CapUpdates.InsertChecks(c, s, a["dst"], a["id"]), CapUpdates.DepthCheck(s, cap)], next, []);
        });

    /// <summary>Mint: a child with rights masked by the source's and a badge that can be set only on an unbadged source.</summary>
    public static Operation Mint { get; } = new("cap.mint",
        "derive a child of src into dst with rights & mask and, if src is unbadged, the given badge",
        [Slot("src"), Slot("dst"), Id("id"), new("rights", k => k.Rights), new("badge", k => k.Badge)],
        (c, s, a) =>
        {
            var cap = Ctx.CapAt(s, a["src"]);
            var oldBadge = Ctx.Sel(s.CapBadge, cap);
            var zero = Ctx.Bv(c.K.Badge, 0);
            var rights = T.BvAnd(a["rights"], Ctx.Sel(s.CapRights, cap));
            var badge = T.Ite(T.Eq(oldBadge, zero), a["badge"], oldBadge);
            var next = CapUpdates.Insert(c, s, a["dst"], a["id"], Ctx.Sel(s.CapObj, cap), Ctx.Sel(s.CapGen, cap), rights, badge, cap);
            return new Step([.. SourceChecks(c, s, a["src"]),
                (T.Or(T.Eq(oldBadge, zero), T.Eq(a["badge"], zero)), "AlreadyBadged"),
                .. CapUpdates.InsertChecks(c, s, a["dst"], a["id"]), CapUpdates.DepthCheck(s, cap)], next, []);
        });

    /// <summary>Move keeps the capability (its id, rights, badge, tree position); only the slot changes.</summary>
    public static Operation Move { get; } = new("cap.move",
        "move the capability in src to empty dst, keeping its place in the derivation tree",
        [Slot("src"), Slot("dst")],
        (c, s, a) =>
        {
            var cap = Ctx.CapAt(s, a["src"]);
            var next = MoveTo(s, a["src"], a["dst"], cap);
            return Step.Of(next, MoveChecks(c, s, a["src"], a["dst"]));
        });

    private static (Term, string)[] MoveChecks(Ctx c, KernelState s, Term src, Term dst) =>
    [
        (Ctx.SlotValid(c, s, src), "InvalidSlot"),
        (Ctx.Sel(s.SlotFull, src), "EmptySlot"),
        (Ctx.SlotValid(c, s, dst), "InvalidSlot"),
        (T.Not(Ctx.Sel(s.SlotFull, dst)), "SlotOccupied"),
    ];

    private static KernelState MoveTo(KernelState s, Term src, Term dst, Term cap) => s with
    {
        SlotFull = T.Store(T.Store(s.SlotFull, src, T.False), dst, T.True),
        SlotCap = T.Store(s.SlotCap, dst, cap),
    };

    /// <summary>Mutate: move with rights masked and a badge set if unset; only a capability without descendants (no edge below it can break).</summary>
    public static Operation Mutate { get; } = new("cap.mutate",
        "move src to dst with rights & mask and, if unbadged, the given badge; src must have no descendants",
        [Slot("src"), Slot("dst"), new("rights", k => k.Rights), new("badge", k => k.Badge)],
        (c, s, a) =>
        {
            var cap = Ctx.CapAt(s, a["src"]);
            var oldBadge = Ctx.Sel(s.CapBadge, cap);
            var zero = Ctx.Bv(c.K.Badge, 0);
            var moved = MoveTo(s, a["src"], a["dst"], cap);
            var next = moved with
            {
                CapRights = T.Store(s.CapRights, cap, T.BvAnd(a["rights"], Ctx.Sel(s.CapRights, cap))),
                CapBadge = T.Store(s.CapBadge, cap, T.Ite(T.Eq(oldBadge, zero), a["badge"], oldBadge)),
            };
            return new Step([.. MoveChecks(c, s, a["src"], a["dst"]),
                (Ctx.Usable(s, cap), "StaleCap"),
                (T.Or(T.Eq(oldBadge, zero), T.Eq(a["badge"], zero)), "AlreadyBadged"),
                (c.NoDescendants(s, cap), "HasChildren")], next, []);
        });

    /// <summary>Delete the capability in slot; the last capability to an object finalises it.</summary>
    public static Operation Delete { get; } = new("cap.delete",
        "delete the capability in slot (it must have no descendants); the last capability to an object finalises it",
        [Slot("slot")],
        (c, s, a) => new Step([
                (Ctx.SlotValid(c, s, a["slot"]), "InvalidSlot"),
                (Ctx.Sel(s.SlotFull, a["slot"]), "EmptySlot"),
                .. CapUpdates.RemoveChecks(c, s, a["slot"])],
            CapUpdates.Remove(c, s, a["slot"]), []));

    /// <summary>
    /// One preemptible step of revoke (seL4's cteRevoke loop body): delete a descendant of the
    /// capability in <c>slot</c> that has no descendants itself. Revoke is complete when
    /// <see cref="RevokeDone"/> holds; the kernel loops, with a preemption point between steps.
    /// </summary>
    public static Operation RevokeStep { get; } = new("cap.revoke_step",
        "delete one leaf descendant (in victim) of the capability in slot",
        [Slot("slot"), Slot("victim")],
        (c, s, a) =>
        {
            var remove = CapUpdates.RemoveChecks(c, s, a["victim"]);
            var next = CapUpdates.Remove(c, s, a["victim"]);
            return new Step([
                (Ctx.SlotValid(c, s, a["slot"]), "InvalidSlot"),
                (Ctx.Sel(s.SlotFull, a["slot"]), "EmptySlot"),
                (Ctx.SlotValid(c, s, a["victim"]), "InvalidSlot"),
                (Ctx.Sel(s.SlotFull, a["victim"]), "EmptySlot"),
                (Ctx.Descendant(s, Ctx.CapAt(s, a["victim"]), Ctx.CapAt(s, a["slot"])), "NotDescendant"),
                .. remove], next, []);
        });

    /// <summary>Revoke of the capability in slot is complete: it has no descendants left.</summary>
    public static Term RevokeDone(Ctx c, KernelState s, Term slot) => c.NoDescendants(s, Ctx.CapAt(s, slot));

    /// <summary>
    /// Retype part of an untyped: a new object of the given type and size at the untyped's
    /// watermark (so children are disjoint and inside the parent), with a capability that is a
    /// child of the untyped capability and the original of the object's new generation. With
    /// <c>reset</c>, allowed only when no live object was retyped from the untyped (ChildrenAlive),
    /// the untyped is reset first (seL4's resetUntypedCap) and the object goes at its base. Reset is
    /// the implementation's choice, as object ids are (the kernel resets whenever it can; it cannot
    /// while it lends page-table pages from the untyped, which the spec does not model). An argument
    /// rather than a quantifier in the next state also keeps the post-state readable from a Z3 model.
    /// </summary>
    public static Operation Retype { get; } = new("cap.retype",
        "create object obj of type and size from the untyped in ut (reset first: at its base), its capability id in dst",
        [Slot("ut"), Slot("dst"), Id("id"), new("obj", k => k.Obj, Role.Obj), new("type", _ => KernelSorts.ObjType), new("size", k => k.Addr),
            new("reset", _ => Sort.Bool)],
        (c, s, a) =>
        {
            var utCap = Ctx.CapAt(s, a["ut"]);
            var u = Ctx.Sel(s.CapObj, utCap);
            var o = a["obj"];
            var free = T.Ite(a["reset"], Ctx.Sel(s.ObjBase, u), Ctx.Sel(s.UtFree, u));
            var end = T.BvAdd(free, a["size"]);
            var gen = Ctx.Inc(Ctx.Sel(s.ObjGen, o));
            var objs = s with
            {
                ObjType = T.Store(s.ObjType, o, a["type"]),
                ObjAlive = T.Store(s.ObjAlive, o, T.True),
                ObjGen = T.Store(s.ObjGen, o, gen),
                ObjBase = T.Store(s.ObjBase, o, free),
                ObjSize = T.Store(s.ObjSize, o, a["size"]),
                ObjHasUt = T.Store(s.ObjHasUt, o, T.True),
                ObjUt = T.Store(s.ObjUt, o, u),
                UtFree = T.Store(T.Store(s.UtFree, u, end), o, free),
                ObjRoot = T.Store(s.ObjRoot, o, a["id"]),
                TaskState = T.Store(s.TaskState, o, T.Enum(KernelSorts.TaskState, "Inactive")),
            };
            var next = CapUpdates.Insert(c, objs, a["dst"], a["id"], o, gen, Ctx.Bv(c.K.Rights, Rights.All), Ctx.Bv(c.K.Badge, 0), utCap);
            var utEnd = T.BvAdd(Ctx.Sel(s.ObjBase, u), Ctx.Sel(s.ObjSize, u));
            return new Step([.. SourceChecks(c, s, a["ut"]),
                (Ctx.Is(Ctx.Sel(s.ObjType, u), "Untyped"), "WrongType"),
                (T.Implies(a["reset"], NoLiveChild(c, s, u)), "ChildrenAlive"),
                (T.Not(Ctx.Sel(s.ObjAlive, o)), "ObjectInUse"),
                (T.BvUlt(Ctx.Sel(s.ObjGen, o), Ctx.Max(c.K.Gen)), "GenerationExhausted"),
                (T.And(T.Neq(a["size"], Ctx.Bv(c.K.Addr, 0)), Ctx.NoWrap(free, a["size"]), T.BvUle(end, utEnd)), "NotEnoughMemory"),
                .. CapUpdates.InsertChecks(c, s, a["dst"], a["id"]), CapUpdates.DepthCheck(s, utCap)], next, []);
        });

    /// <summary>No live object was retyped from untyped <paramref name="u"/>: its memory is all free again.</summary>
    public static Term NoLiveChild(Ctx c, KernelState s, Term u) => c.ForAll(Role.Obj, "o", o =>
        T.Not(T.And(Ctx.Sel(s.ObjAlive, o), Ctx.Sel(s.ObjHasUt, o), T.Eq(Ctx.Sel(s.ObjUt, o), u))), o => [Ctx.Sel(s.ObjHasUt, o)]);

    /// <summary>
    /// Capability transfer in IPC: the capability in src is copied (as its child) into the
    /// receiver's slot dst; the send capability must be a usable endpoint capability with the grant right.
    /// </summary>
    public static Operation Transfer { get; } = new("ipc.transfer",
        "send through the endpoint capability in ep, transferring the capability in src into dst",
        [Slot("ep"), Slot("src"), Slot("dst"), Id("id")],
        (c, s, a) =>
        {
            var epCap = Ctx.CapAt(s, a["ep"]);
            var cap = Ctx.CapAt(s, a["src"]);
            var next = CapUpdates.Insert(c, s, a["dst"], a["id"], Ctx.Sel(s.CapObj, cap), Ctx.Sel(s.CapGen, cap),
                Ctx.Sel(s.CapRights, cap), Ctx.Sel(s.CapBadge, cap), cap);
            return new Step([.. SourceChecks(c, s, a["ep"]),
                (Ctx.Is(Ctx.Sel(s.ObjType, Ctx.Sel(s.CapObj, epCap)), "Endpoint"), "WrongType"),
                (T.Neq(T.BvAnd(Ctx.Sel(s.CapRights, epCap), Ctx.Bv(c.K.Rights, Rights.Grant)), Ctx.Bv(c.K.Rights, 0)), "NoGrantRight"),
                .. SourceChecks(c, s, a["src"]),
                .. CapUpdates.InsertChecks(c, s, a["dst"], a["id"]), CapUpdates.DepthCheck(s, cap)], next, []);
        });

    /// <summary>
    /// Capability transfer in a reply: the capability in src is copied (as its child) into the
    /// caller's reply slot dst. The one-shot reply capability is not in the abstract state; its
    /// grant right is the argument <c>grant</c> — in the kernel, whether the capability the caller
    /// called through had the grant right (TaskObject.CallerCanGrant), as a send needs.
    /// </summary>
    public static Operation ReplyTransfer { get; } = new("ipc.reply_transfer",
        "reply with a reply capability whose grant right is grant, transferring the capability in src into dst",
        [Slot("src"), Slot("dst"), Id("id"), new OpArg("grant", _ => Sort.Bool)],
        (c, s, a) =>
        {
            var cap = Ctx.CapAt(s, a["src"]);
            var next = CapUpdates.Insert(c, s, a["dst"], a["id"], Ctx.Sel(s.CapObj, cap), Ctx.Sel(s.CapGen, cap),
                Ctx.Sel(s.CapRights, cap), Ctx.Sel(s.CapBadge, cap), cap);
            return new Step([(a["grant"], "NoGrantRight"), .. SourceChecks(c, s, a["src"]),
                .. CapUpdates.InsertChecks(c, s, a["dst"], a["id"]), CapUpdates.DepthCheck(s, cap)], next, []);
        });

    public static ImmutableArray<Operation> All { get; } = [Copy, Mint, Move, Mutate, Delete, RevokeStep, Retype, Transfer, ReplyTransfer];
}
