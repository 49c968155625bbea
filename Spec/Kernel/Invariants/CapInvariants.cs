using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>Invariants of capability spaces and the derivation tree.</summary>
public static class CapInvariants
{
    // Each clause names its E-matching trigger: a select on the guard's field at the bound id(s),
    // chosen so that the body creates no new term matching it (no matching loop).
    private static InvariantClause C(string name, string desc, Role role, Func<KernelState, Term> trigger, Func<Ctx, KernelState, Term, Term> body) =>
        new(name, desc, [("x", role)], (c, _, s, v) => body(c, s, v[0]), Trigger: (s, v) => [Ctx.Sel(trigger(s), v[0])]);

    private static InvariantClause C2(string name, string desc, Role r1, Role r2, Func<KernelState, Term, Term, Term[]> trigger, Func<Ctx, KernelState, Term, Term, Term> body) =>
        new(name, desc, [("x", r1), ("y", r2)], (c, _, s, v) => body(c, s, v[0], v[1]), Trigger: (s, v) => trigger(s, v[0], v[1]));

    private static Term Sel(Term m, Term k) => Ctx.Sel(m, k);

    public static Invariant CapTable { get; } = new("inv.cap_table", "slots and capabilities are in one-to-one correspondence, in live CNodes",
    [
        C("slot_holds_live_cap", "an occupied slot holds a live capability", Role.Slot, s => s.SlotFull, (c, s, x) =>
            T.Implies(Sel(s.SlotFull, x), Sel(s.CapLive, Sel(s.SlotCap, x)))),
        // Injectivity rather than an inverse map (cap -> slot): the two directions of an inverse
        // pair form an E-matching loop; this clause creates no term its own trigger matches.
        C2("one_slot_per_cap", "two occupied slots never hold the same capability", Role.Slot, Role.Slot,
            (s, x, y) => [Ctx.Sel(s.SlotCap, x), Ctx.Sel(s.SlotCap, y)], (c, s, x, y) =>
            T.Implies(T.And(Sel(s.SlotFull, x), Sel(s.SlotFull, y), T.Eq(Sel(s.SlotCap, x), Sel(s.SlotCap, y))), T.Eq(x, y))),
        C("slot_in_live_cnode", "an occupied slot belongs to a live CNode", Role.Slot, s => s.SlotFull, (c, s, x) =>
            T.Implies(Sel(s.SlotFull, x), Ctx.SlotValid(c, s, x))),
    ]);

    public static Invariant DerivationForest { get; } = new("inv.derivation_forest",
        "the derivation tree is a forest with live endpoints on every edge; the ghost ancestry is its transitive closure",
    [
        C("parent_live", "the parent of a live capability is live", Role.CapId, s => s.CapHasParent, (c, s, x) =>
            T.Implies(T.And(Sel(s.CapLive, x), Sel(s.CapHasParent, x)), Sel(s.CapLive, Sel(s.CapParent, x)))),
        C("depth_decreases", "a parent is shallower than its child (no cycles)", Role.CapId, s => s.CapHasParent, (c, s, x) =>
            T.Implies(T.And(Sel(s.CapLive, x), Sel(s.CapHasParent, x)), T.BvUlt(Sel(s.CapDepth, Sel(s.CapParent, x)), Sel(s.CapDepth, x)))),
        C2("ancestor_is_path", "an ancestor is the parent or an ancestor of the parent", Role.CapId, Role.CapId, (s, x, y) => [Ctx.Sel(s.CapAnc, x, y), Ctx.Sel(s.CapParent, x)], (c, s, x, y) =>
            T.Implies(Ctx.Sel(s.CapAnc, x, y), T.And(Sel(s.CapLive, x), Sel(s.CapHasParent, x),
                T.Or(T.Eq(Sel(s.CapParent, x), y), Ctx.Sel(s.CapAnc, Sel(s.CapParent, x), y))))),
        C("parent_is_ancestor", "the parent is an ancestor", Role.CapId, s => s.CapHasParent, (c, s, x) =>
            T.Implies(T.And(Sel(s.CapLive, x), Sel(s.CapHasParent, x)), Ctx.Sel(s.CapAnc, x, Sel(s.CapParent, x)))),
        C2("ancestry_closed", "the parent's ancestors are ancestors", Role.CapId, Role.CapId,
            (s, x, y) => [Ctx.Sel(s.CapHasParent, x), Ctx.Sel(s.CapAnc, Ctx.Sel(s.CapParent, x), y)], (c, s, x, y) =>
            T.Implies(T.And(Sel(s.CapLive, x), Sel(s.CapHasParent, x), Ctx.Sel(s.CapAnc, Sel(s.CapParent, x), y)), Ctx.Sel(s.CapAnc, x, y))),
        C2("ancestor_live_and_shallower", "an ancestor is live and shallower", Role.CapId, Role.CapId, (s, x, y) => [Ctx.Sel(s.CapAnc, x, y)], (c, s, x, y) =>
            T.Implies(Ctx.Sel(s.CapAnc, x, y), T.And(Sel(s.CapLive, y), T.BvUlt(Sel(s.CapDepth, y), Sel(s.CapDepth, x))))),
        C("derived_from_original", "a current capability is the object's original or descends from it (so revoking the original reaches it)", Role.CapId, s => s.CapGen, (c, s, x) =>
        {
            var o = Sel(s.CapObj, x);
            var root = Sel(s.ObjRoot, o);
            return T.Implies(T.And(Sel(s.CapLive, x), T.Eq(Sel(s.CapGen, x), Sel(s.ObjGen, o))), T.Or(T.Eq(x, root), Ctx.Sel(s.CapAnc, x, root)));
        }),
    ]);

    public static Invariant NoRightsAmplification { get; } = new("inv.no_rights_amplification",
        "along every derivation edge between capabilities to one object, the child's rights are a subset of the parent's",
    [
        C("edge_rights_subset", "child rights ⊆ parent rights", Role.CapId, s => s.CapHasParent, (c, s, x) =>
        {
            var p = Sel(s.CapParent, x);
            return T.Implies(T.And(Sel(s.CapLive, x), Sel(s.CapHasParent, x), T.Eq(Sel(s.CapObj, x), Sel(s.CapObj, p))),
                Ctx.Subset(Sel(s.CapRights, x), Sel(s.CapRights, p)));
        }),
    ]);

    public static Invariant BadgesImmutable { get; } = new("inv.badges_immutable",
        "a badge, once set, never changes and is inherited by every capability derived from the badged one",
    [
        C("edge_badge_inherited", "a child of a badged capability to the same object has the same badge", Role.CapId, s => s.CapHasParent, (c, s, x) =>
        {
            var p = Sel(s.CapParent, x);
            var zero = Ctx.Bv(c.K.Badge, 0);
            return T.Implies(T.And(Sel(s.CapLive, x), Sel(s.CapHasParent, x), T.Eq(Sel(s.CapObj, x), Sel(s.CapObj, p)), T.Neq(Sel(s.CapBadge, p), zero)),
                T.Eq(Sel(s.CapBadge, x), Sel(s.CapBadge, p)));
        }),
        new("badge_never_changes", "a capability live before and after a step keeps a badge it had", [("x", Role.CapId)],
            (c, pre, s, v) => T.Implies(
                T.And(Sel(pre.CapLive, v[0]), Sel(s.CapLive, v[0]), T.Neq(Sel(pre.CapBadge, v[0]), Ctx.Bv(c.K.Badge, 0))),
                T.Eq(Sel(s.CapBadge, v[0]), Sel(pre.CapBadge, v[0]))),
            Relational: true),
    ]);

    public static Invariant CapObject { get; } = new("inv.cap_object",
        "every capability names a live object and a generation that object has had (older = stale, refused)",
    [
        C("names_live_object", "a live capability names a live object (no dangling)", Role.CapId, s => s.CapLive, (c, s, x) =>
            T.Implies(Sel(s.CapLive, x), Sel(s.ObjAlive, Sel(s.CapObj, x)))),
        C("generation_not_future", "a capability's generation is at most its object's", Role.CapId, s => s.CapLive, (c, s, x) =>
            T.Implies(Sel(s.CapLive, x), T.BvUle(Sel(s.CapGen, x), Sel(s.ObjGen, Sel(s.CapObj, x))))),
    ]);

    public static Invariant Untyped { get; } = new("inv.untyped",
        "objects retyped from an untyped lie inside it, below its watermark, and are pairwise disjoint",
    [
        C("parent_untyped_live", "an object's untyped is a live untyped", Role.Obj, s => s.ObjHasUt, (c, s, x) =>
            T.Implies(T.And(Sel(s.ObjAlive, x), Sel(s.ObjHasUt, x)),
                T.And(Sel(s.ObjAlive, Sel(s.ObjUt, x)), Ctx.Is(Sel(s.ObjType, Sel(s.ObjUt, x)), "Untyped")))),
        C("child_contained", "an object lies in [untyped base, untyped watermark)", Role.Obj, s => s.ObjHasUt, (c, s, x) =>
        {
            var u = Sel(s.ObjUt, x);
            return T.Implies(T.And(Sel(s.ObjAlive, x), Sel(s.ObjHasUt, x)),
                T.And(Ctx.NoWrap(Sel(s.ObjBase, x), Sel(s.ObjSize, x)), T.BvUle(Sel(s.ObjBase, u), Sel(s.ObjBase, x)),
                    T.BvUle(T.BvAdd(Sel(s.ObjBase, x), Sel(s.ObjSize, x)), Sel(s.UtFree, u))));
        }),
        C("watermark_in_region", "an untyped's watermark lies in its region", Role.Obj, s => s.UtFree, (c, s, x) =>
            T.Implies(T.And(Sel(s.ObjAlive, x), Ctx.Is(Sel(s.ObjType, x), "Untyped")),
                T.And(Ctx.NoWrap(Sel(s.ObjBase, x), Sel(s.ObjSize, x)), T.BvUle(Sel(s.ObjBase, x), Sel(s.UtFree, x)),
                    T.BvUle(Sel(s.UtFree, x), T.BvAdd(Sel(s.ObjBase, x), Sel(s.ObjSize, x)))))),
        C2("children_disjoint", "two live objects from one untyped do not overlap", Role.Obj, Role.Obj, (s, x, y) => [Ctx.Sel(s.ObjAlive, x), Ctx.Sel(s.ObjAlive, y)], (c, s, x, y) =>
        {
            Term End(Term o) => T.BvAdd(Sel(s.ObjBase, o), Sel(s.ObjSize, o));
            return T.Implies(T.And(Sel(s.ObjAlive, x), Sel(s.ObjAlive, y), T.Neq(x, y), Sel(s.ObjHasUt, x), Sel(s.ObjHasUt, y),
                    T.Eq(Sel(s.ObjUt, x), Sel(s.ObjUt, y))),
                T.Or(T.BvUle(End(x), Sel(s.ObjBase, y)), T.BvUle(End(y), Sel(s.ObjBase, x))));
        }),
    ]);

    public static ImmutableArray<Invariant> All { get; } = [CapTable, DerivationForest, NoRightsAmplification, BadgesImmutable, CapObject, Untyped];
}
