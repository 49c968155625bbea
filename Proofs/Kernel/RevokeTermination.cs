using System.Collections.Immutable;
using Verified.Spec;
using Verified.Spec.Kernel;
using static Verified.Proofs.Kernel.KernelLemmas;

namespace Verified.Proofs.Kernel;

/// <summary>
/// Revoke terminates. The kernel loops cap.revoke_step on the slot being revoked until
/// RevokeDone. The measure is the set of descendants of the revoked capability: every step
/// removes one and adds none, and no capability becomes live (<see cref="Shrinks"/>); the set is
/// finite because the live capabilities are (an assumption: docs/CAVEATS.md), so the loop runs at
/// most that many steps. RevokeDone holds exactly when no live capability descends from the
/// revoked one (<see cref="DoneIffNoDescendant"/>), and while it does not, a step is possible on a
/// leaf descendant held in a slot (<see cref="Progress"/>, with the exceptions it names).
/// </summary>
public static class RevokeTermination
{
    public static KernelLemma Shrinks { get; } = new("lemma.revoke_step_shrinks_descendants",
        "a revoke step removes its victim from the revoked capability's descendants, adds none, makes no capability live, and leaves the revoked capability in its slot",
        spec =>
        {
            const string L = "lemma.revoke_step_shrinks_descendants";
            var (c, s, premises, tr) = Step(spec, "cap.revoke_step", KernelLemmas.CapInvariants);
            var p = tr.Next;
            var slot = tr.Args["slot"];
            var root = Ctx.CapAt(s, slot);
            var victim = Ctx.CapAt(s, tr.Args["victim"]);
            return Q(premises, s, tr,
                Goal(c, L, "no_new_descendant", "every descendant after the step was one before", Role.CapId, x =>
                    T.Implies(Ctx.Descendant(p, x, root), Ctx.Descendant(s, x, root))),
                Goal(L, "victim_was_descendant", "the victim was a descendant before the step", Ctx.Descendant(s, victim, root)),
                Goal(L, "victim_removed", "the victim is no descendant after the step, and not live", T.And(T.Not(Ctx.Descendant(p, victim, root)), T.Not(Sel(p.CapLive, victim)))),
                Goal(c, L, "none_becomes_live", "no capability becomes live", Role.CapId, x =>
                    T.Implies(Sel(p.CapLive, x), Sel(s.CapLive, x))),
                Goal(L, "revoked_slot_kept", "the slot being revoked still holds the same capability",
                    T.And(Sel(p.SlotFull, slot), T.Eq(Ctx.CapAt(p, slot), root))));
        });

    public static KernelLemma DoneIffNoDescendant { get; } = new("lemma.revoke_done_iff_no_descendant",
        "revoke's completion condition holds exactly when no live capability descends from the revoked one",
        spec =>
        {
            const string L = "lemma.revoke_done_iff_no_descendant";
            var (c, s, premises) = Start(spec, KernelLemmas.CapInvariants);
            var slot = T.Var(KernelObligations.ArgPrefix + "slot", spec.Sorts.Slot);
            premises.Add(new NamedClause("slot_full", Sel(s.SlotFull, slot)));
            var root = Ctx.CapAt(s, slot);
            var done = CapOps.RevokeDone(c, s, slot);
            var noLive = c.ForAll(Role.CapId, "y", y => T.Implies(Sel(s.CapLive, y), T.Not(Ctx.Descendant(s, y, root))), y => [Ctx.Descendant(s, y, root)]);
            return Q(premises, s, null,
                Goal(c, L, "done_means_none", "when done, no live capability is a descendant", Role.CapId, x =>
                    T.Implies(done, T.Not(T.And(Sel(s.CapLive, x), Ctx.Descendant(s, x, root))))),
                Goal(L, "none_means_done", "when no live capability is a descendant, revoke is done", T.Implies(noLive, done)));
        });

    public static KernelLemma Progress { get; } = new("lemma.revoke_progress",
        "while revoke is not done, a revoke step on a leaf descendant held in a slot succeeds (unless that leaf is the last capability to a non-empty CNode or to an untyped with live children)",
        spec =>
        {
            const string L = "lemma.revoke_progress";
            var (c, s, premises) = Start(spec, KernelLemmas.CapInvariants);
            var op = spec.Operation("cap.revoke_step");
            var args = op.SymbolicArgs(spec.Sorts, KernelObligations.ArgPrefix);
            var slot = args["slot"];
            var v = args["victim"];
            var root = Ctx.CapAt(s, slot);
            var leaf = Ctx.CapAt(s, v);
            premises.Add(new NamedClause("slot_full", Sel(s.SlotFull, slot)));
            premises.Add(new NamedClause("not_done", T.Not(CapOps.RevokeDone(c, s, slot))));
            // The leaf exists when revoke is not done: the descendants are finitely many and each
            // descendant of a descendant is deeper, so a deepest one has none (CAVEATS.md).
            premises.Add(new NamedClause("leaf_descendant_in_victim", T.And(Sel(s.SlotFull, v), Ctx.Descendant(s, leaf, root), c.NoDescendants(s, leaf))));
            var obj = Sel(s.CapObj, leaf);
            var type = Sel(s.ObjType, obj);
            premises.Add(new NamedClause("leaf_not_last_to_a_container",
                T.Not(T.And(c.IsFinal(s, leaf), Ctx.IsAny(type, "CNode", "Untyped")))));
            var tr = op.Apply(c, s, args);
            return Q(premises, s, tr, Goal(L, "step_succeeds", "cap.revoke_step(slot, victim) succeeds", tr.Ok));
        });

    public static ImmutableArray<KernelLemma> All { get; } = [Shrinks, DoneIffNoDescendant, Progress];
}
