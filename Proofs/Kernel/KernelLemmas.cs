using System.Collections.Immutable;
using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Kernel;

/// <summary>
/// A functional lemma: a named query built from a spec (so a mutant operation is what it checks).
/// </summary>
public sealed record KernelLemma(string Name, string Description, Func<KernelSpec, KernelQuery> Build);

/// <summary>
/// The functional lemmas: revoke removes exactly descendants, safecopy through a revoked grant is
/// refused, copy/mint/transfer never add a right, a stale endpoint is refused after restart.
/// </summary>
public static class KernelLemmas
{
    internal static Term Sel(Term m, Term k) => Ctx.Sel(m, k);

    internal static GoalClause Goal(string lemma, string name, string desc, Term body) => new($"{lemma}.{name}", desc, body, []);

    internal static GoalClause Goal(Ctx c, string lemma, string name, string desc, Role role, Func<Term, Term> body)
    {
        var full = $"{lemma}.{name}";
        var w = new GoalWitness("x", role, T.Var($"w.{full}.x", c.K.SortOf(role)));
        return new(full, desc, body(w.Var), [w]);
    }

    internal static readonly string[] CapInvariants = ["inv.cap_table", "inv.cap_object", "inv.derivation_forest"];
    private static readonly string[] GrantInvariants = ["inv.grant_revocation", "inv.grant_chain"];

    internal static (Ctx, KernelState, List<NamedClause>) Start(KernelSpec spec, string[] assumed) =>
        KernelObligations.Start(spec, PremiseSlices.Named(spec, assumed));

    internal static (Ctx, KernelState, List<NamedClause>, Transition) Step(KernelSpec spec, string op, string[] assumed)
    {
        var (c, pre, premises) = Start(spec, assumed);
        var o = spec.Operation(op);
        var tr = o.Apply(c, pre, o.SymbolicArgs(spec.Sorts, KernelObligations.ArgPrefix));
        premises.Add(new NamedClause($"{op}.succeeds", tr.Ok));
        return (c, pre, premises, tr);
    }

    internal static KernelQuery Q(List<NamedClause> premises, KernelState pre, Transition? tr, params GoalClause[] goals) =>
        new([.. premises], [.. goals], new QueryScene(pre, tr?.Operation, tr?.Args ?? ImmutableDictionary<string, Term>.Empty, tr?.Next, tr?.Error));

    public static KernelLemma RevokeStepExact { get; } = new("lemma.revoke_step_removes_one_descendant",
        "one revoke step deletes exactly the chosen descendant and changes no other capability or slot",
        spec =>
        {
            const string L = "lemma.revoke_step_removes_one_descendant";
            var (c, s, premises, tr) = Step(spec, "cap.revoke_step", CapInvariants);
            var p = tr.Next;
            var root = Ctx.CapAt(s, tr.Args["slot"]);
            var victim = Ctx.CapAt(s, tr.Args["victim"]);
            return Q(premises, s, tr,
                Goal(c, L, "removes_only_a_descendant", "a capability that disappears is the victim, a descendant of the revoked one", Role.CapId, x =>
                    T.Implies(T.And(Sel(s.CapLive, x), T.Not(Sel(p.CapLive, x))), T.And(T.Eq(x, victim), Ctx.Descendant(s, x, root)))),
                Goal(c, L, "others_unchanged", "every other live capability keeps object, generation, rights, badge and parent", Role.CapId, x =>
                    T.Implies(T.And(Sel(s.CapLive, x), T.Neq(x, victim)), T.And(Sel(p.CapLive, x),
                        T.Eq(Sel(p.CapObj, x), Sel(s.CapObj, x)),
                        T.Eq(Sel(p.CapGen, x), Sel(s.CapGen, x)), T.Eq(Sel(p.CapRights, x), Sel(s.CapRights, x)),
                        T.Eq(Sel(p.CapBadge, x), Sel(s.CapBadge, x)), T.Eq(Sel(p.CapHasParent, x), Sel(s.CapHasParent, x)),
                        T.Eq(Sel(p.CapParent, x), Sel(s.CapParent, x))))),
                Goal(c, L, "no_new_descendants", "the revoked capability gains no descendant", Role.CapId, x =>
                    T.Implies(Ctx.Descendant(p, x, root), Ctx.Descendant(s, x, root))),
                Goal(c, L, "other_slots_unchanged", "no slot but the victim's changes", Role.Slot, x =>
                    T.Implies(T.Neq(x, tr.Args["victim"]), T.And(T.Eq(Sel(p.SlotFull, x), Sel(s.SlotFull, x)), T.Eq(Sel(p.SlotCap, x), Sel(s.SlotCap, x))))),
                Goal(L, "revoked_capability_kept", "the capability being revoked stays", Sel(p.CapLive, root)));
        });

    public static KernelLemma RevokeDoneMeansNoChildren { get; } = new("lemma.revoke_done_leaves_no_child",
        "when revoke's completion condition holds, no live capability has the revoked one as parent",
        spec =>
        {
            const string L = "lemma.revoke_done_leaves_no_child";
            var (c, s, premises) = Start(spec, CapInvariants);
            var slot = T.Var(KernelObligations.ArgPrefix + "slot", spec.Sorts.Slot);
            premises.Add(new NamedClause("slot_full", Sel(s.SlotFull, slot)));
            premises.Add(new NamedClause("revoke_done", CapOps.RevokeDone(c, s, slot)));
            var r = Ctx.CapAt(s, slot);
            return Q(premises, s, null,
                Goal(c, L, "no_child", "no live capability has the revoked one as parent", Role.CapId, x =>
                    T.Not(T.And(Sel(s.CapLive, x), Sel(s.CapHasParent, x), T.Eq(Sel(s.CapParent, x), r)))));
        });

    private static (Term[] Args, Term Ok) Safecopy(Ctx c, KernelState s, string prefix)
    {
        var k = c.K;
        Term[] args =
        [
            T.Var(prefix + "caller", k.Obj), T.Var(prefix + "granter", k.Obj), T.Var(prefix + "index", k.GrantIndex),
            T.Var(prefix + "gen", k.GrantGen), T.Var(prefix + "addr", k.Addr), T.Var(prefix + "len", k.Addr), T.Var(prefix + "access", k.Access),
        ];
        return (args, GrantOps.SafecopyOk(c, s, args[0], args[1], args[2], args[3], args[4], args[5], args[6]));
    }

    public static KernelLemma SafecopyRevokedRefused { get; } = new("lemma.safecopy_through_revoked_grant_refused",
        "safecopy whose chain passes through a revoked (grant, generation) is refused",
        spec =>
        {
            const string L = "lemma.safecopy_through_revoked_grant_refused";
            var (c, s, premises) = Start(spec, GrantInvariants);
            var (a, ok) = Safecopy(c, s, "sc.");
            var through = Enumerable.Range(0, spec.Config.MaxGrantDepth + 1).Select(i =>
            {
                var (key, gen, reached) = GrantOps.ChainLink(c, s, a[1], a[2], a[3], i);
                return T.And(reached, Ctx.Sel(s.GrRevoked, key, gen));
            });
            premises.Add(new NamedClause("chain_passes_revoked_grant", T.Or(through)));
            return Q(premises, s, null, Goal(L, "refused", "the access decision refuses", T.Not(ok)));
        });

    public static KernelLemma RevokeThenReissueRefused { get; } = new("lemma.revoked_grant_refused_after_reissue",
        "after grant.revoke and a new grant in the same entry, safecopy with the old generation (directly or through a chain) is refused",
        spec =>
        {
            const string L = "lemma.revoked_grant_refused_after_reissue";
            var (c, s, premises, revoke) = Step(spec, "grant.revoke", GrantInvariants);
            var create = spec.Operation("grant.create_direct");
            var cargs = create.SymbolicArgs(spec.Sorts, "arg2.").ToDictionary();
            cargs["owner"] = revoke.Args["owner"];
            cargs["index"] = revoke.Args["index"];
            var created = create.Apply(c, revoke.Next, cargs);
            premises.Add(new NamedClause("grant.create_direct.succeeds", created.Ok));
            var s2 = created.Next;
            var (a, ok) = Safecopy(c, s2, "sc.");
            var oldKey = c.GrantKey(revoke.Args["owner"], revoke.Args["index"]);
            var oldGen = Sel(s.GrGen, oldKey);
            var through = Enumerable.Range(0, spec.Config.MaxGrantDepth + 1).Select(i =>
            {
                var (key, gen, reached) = GrantOps.ChainLink(c, s2, a[1], a[2], a[3], i);
                return T.And(reached, T.Eq(key, oldKey), T.Eq(gen, oldGen));
            });
            premises.Add(new NamedClause("chain_passes_old_generation", T.Or(through)));
            return Q(premises, s, revoke, Goal(L, "refused", "the access decision refuses", T.Not(ok)));
        });

    private static KernelLemma NoNewRight(string op, string newSlotArg) => new($"lemma.{op}_adds_no_right",
        $"{op} gives the new capability no right its source lacks and changes no other capability's rights",
        spec =>
        {
            var L = $"lemma.{op}_adds_no_right";
            var (c, s, premises, tr) = Step(spec, op, CapInvariants);
            var p = tr.Next;
            var id = tr.Args["id"];
            var src = Ctx.CapAt(s, tr.Args[newSlotArg]);
            return Q(premises, s, tr,
                Goal(L, "new_rights_subset", "the new capability's rights ⊆ the source's", Ctx.Subset(Sel(p.CapRights, id), Sel(s.CapRights, src))),
                Goal(c, L, "other_rights_unchanged", "rights of every other live capability unchanged", Role.CapId, x =>
                    T.Implies(T.And(Sel(s.CapLive, x), T.Neq(x, id)), T.Eq(Sel(p.CapRights, x), Sel(s.CapRights, x)))));
        });

    public static KernelLemma StaleEndpointRefused { get; } = new("lemma.stale_endpoint_refused_after_restart",
        "after svc.restart every earlier capability to the service's endpoint is stale: IPC through it is refused",
        spec =>
        {
            const string L = "lemma.stale_endpoint_refused_after_restart";
            var (c, s, premises, restart) = Step(spec, "svc.restart", CapInvariants);
            var oldSlot = T.Var("old.slot", spec.Sorts.Slot);
            var old = Ctx.CapAt(s, oldSlot);
            premises.Add(new NamedClause("old_cap_to_endpoint", T.And(Sel(s.SlotFull, oldSlot), T.Eq(Sel(s.CapObj, old), Sel(s.SvcEp, restart.Args["svc"])))));
            var send = spec.Operation("ipc.transfer");
            var sargs = send.SymbolicArgs(spec.Sorts, "arg2.").ToDictionary();
            sargs["ep"] = oldSlot;
            var sent = send.Apply(c, restart.Next, sargs);
            return Q(premises, s, restart,
                Goal(L, "old_cap_not_usable", "the earlier capability is not usable", T.Not(Ctx.Usable(restart.Next, old))),
                Goal(L, "ipc_refused", "IPC through the earlier capability fails", T.Neq(sent.Error, KError.Ok)));
        });

    public static ImmutableArray<KernelLemma> All { get; } =
    [
        RevokeStepExact, RevokeDoneMeansNoChildren, SafecopyRevokedRefused, RevokeThenReissueRefused,
        NoNewRight("cap.copy", "src"), NoNewRight("cap.mint", "src"), NoNewRight("ipc.transfer", "src"), NoNewRight("ipc.reply_transfer", "src"), StaleEndpointRefused,
        .. RevokeTermination.All,
    ];
}
