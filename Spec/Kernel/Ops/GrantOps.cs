using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// MINIX 3 style memory grants in per-task tables. A grant is named by (owner task, index) and
/// used with the generation it had when issued; revoke bumps the generation so that
/// (index, generation) never verifies again. The generation never wraps: at its maximum revoke
/// fails with GenerationExhausted (MINIX 3's 11-bit sequence number wraps — the tests show Z3 finding it).
/// </summary>
public static class GrantOps
{
    private static OpArg Obj(string n) => new(n, k => k.Obj, Role.Obj);
    private static OpArg Index(string n) => new(n, k => k.GrantIndex);
    private static OpArg Addr(string n) => new(n, k => k.Addr);

    private static (Term, string) OwnerIsTask(KernelState s, Term owner) =>
        (T.And(Ctx.Sel(s.ObjAlive, owner), Ctx.Is(Ctx.Sel(s.ObjType, owner), "Task")), "WrongType");

    private static KernelState Fill(KernelState s, Term key, IReadOnlyDictionary<string, Term> a) => s with
    {
        GrValid = T.Store(s.GrValid, key, T.True),
        GrGrantee = T.Store(s.GrGrantee, key, a["grantee"]),
        GrBase = T.Store(s.GrBase, key, a["base"]),
        GrLen = T.Store(s.GrLen, key, a["len"]),
        GrAccess = T.Store(s.GrAccess, key, a["access"]),
    };

    public static Operation CreateDirect { get; } = new("grant.create_direct",
        "owner grants grantee access to [base, base+len) of its memory in free table entry index",
        [Obj("owner"), Index("index"), Obj("grantee"), Addr("base"), Addr("len"), new("access", k => k.Access)],
        (c, s, a) =>
        {
            var key = c.GrantKey(a["owner"], a["index"]);
            var next = Fill(s, key, a) with
            {
                GrIndirect = T.Store(s.GrIndirect, key, T.False),
                GrDepth = T.Store(s.GrDepth, key, Ctx.Bv(c.K.GrantDepth, 0)),
            };
            return Step.Of(next,
                OwnerIsTask(s, a["owner"]),
                (T.Not(Ctx.Sel(s.GrValid, key)), "SlotOccupied"),
                (Ctx.NoWrap(a["base"], a["len"]), "InvalidRange"))
                .WithResult("generation", Ctx.Sel(s.GrGen, key));
        });

    /// <summary>Re-delegate a grant the owner holds (srcOwner, srcIndex, srcGen) to another task, within its range and access.</summary>
    public static Operation CreateIndirect { get; } = new("grant.create_indirect",
        "owner re-delegates the grant (srcOwner, srcIndex, srcGen) it holds, narrowed to [base, base+len) and access",
        [Obj("owner"), Index("index"), Obj("grantee"), Obj("srcOwner"), Index("srcIndex"), new("srcGen", k => k.GrantGen, Role.GrantGen),
         Addr("base"), Addr("len"), new("access", k => k.Access)],
        (c, s, a) =>
        {
            var key = c.GrantKey(a["owner"], a["index"]);
            var src = c.GrantKey(a["srcOwner"], a["srcIndex"]);
            var next = Fill(s, key, a) with
            {
                GrIndirect = T.Store(s.GrIndirect, key, T.True),
                GrSrc = T.Store(s.GrSrc, key, src),
                GrSrcGen = T.Store(s.GrSrcGen, key, a["srcGen"]),
                GrDepth = T.Store(s.GrDepth, key, Ctx.Inc(Ctx.Sel(s.GrDepth, src))),
            };
            return Step.Of(next,
                OwnerIsTask(s, a["owner"]),
                (T.Not(Ctx.Sel(s.GrValid, key)), "SlotOccupied"),
                (T.And(Ctx.Sel(s.GrValid, src), T.Eq(Ctx.Sel(s.GrGen, src), a["srcGen"]), T.Eq(Ctx.Sel(s.GrGrantee, src), a["owner"])), "InvalidGrant"),
                (Ctx.Within(a["base"], a["len"], Ctx.Sel(s.GrBase, src), Ctx.Sel(s.GrLen, src)), "InvalidRange"),
                (Ctx.Subset(a["access"], Ctx.Sel(s.GrAccess, src)), "InsufficientRights"),
                (T.BvUlt(Ctx.Sel(s.GrDepth, src), Ctx.Bv(c.K.GrantDepth, (ulong)c.Config.MaxGrantDepth)), "DepthExhausted"))
                .WithResult("generation", Ctx.Sel(s.GrGen, key));
        });

    /// <summary>
    /// Revoke: the entry becomes free and its generation is bumped. The ghost GrRevoked records the
    /// (key, generation) pair so the invariant can say it never verifies again.
    /// </summary>
    public static Operation Revoke { get; } = new("grant.revoke",
        "owner revokes its grant at index: the entry is freed and its generation bumped",
        [Obj("owner"), Index("index")],
        (c, s, a) =>
        {
            var key = c.GrantKey(a["owner"], a["index"]);
            var gen = Ctx.Sel(s.GrGen, key);
            var next = s with
            {
                GrValid = T.Store(s.GrValid, key, T.False),
                GrGen = T.Store(s.GrGen, key, Ctx.Inc(gen)),
                GrRevoked = T.Store(s.GrRevoked, key, T.Store(Ctx.Sel(s.GrRevoked, key), gen, T.True)),
            };
            return Step.Of(next,
                (Ctx.Sel(s.GrValid, key), "InvalidGrant"),
                (T.BvUlt(gen, Ctx.Max(c.K.GrantGen)), "GenerationExhausted"));
        });

    /// <summary>
    /// The access decision of safecopy: may <paramref name="caller"/> access [addr, addr+len) with
    /// <paramref name="access"/> through grant (granter, index) of generation <paramref name="gen"/>?
    /// Every link of an indirect chain must be valid, of the generation recorded, granted to the
    /// next link's owner, and cover the range and access; chains longer than MaxGrantDepth are refused.
    /// </summary>
    public static Term SafecopyOk(Ctx c, KernelState s, Term caller, Term granter, Term index, Term gen, Term addr, Term len, Term access) =>
        LinkOk(c, s, c.GrantKey(granter, index), gen, caller, addr, len, access, c.Config.MaxGrantDepth);

    private static Term LinkOk(Ctx c, KernelState s, Term key, Term gen, Term who, Term addr, Term len, Term access, int linksLeft)
    {
        var here = T.And(
            Ctx.Sel(s.GrValid, key),
            T.Eq(Ctx.Sel(s.GrGen, key), gen),
            T.Eq(Ctx.Sel(s.GrGrantee, key), who),
            Ctx.Subset(access, Ctx.Sel(s.GrAccess, key)),
            Ctx.Within(addr, len, Ctx.Sel(s.GrBase, key), Ctx.Sel(s.GrLen, key)));
        var indirect = Ctx.Sel(s.GrIndirect, key);
        var rest = linksLeft == 0
            ? T.Not(indirect)
            : T.Or(T.Not(indirect), LinkOk(c, s, Ctx.Sel(s.GrSrc, key), Ctx.Sel(s.GrSrcGen, key), c.GrantOwner(key), addr, len, access, linksLeft - 1));
        return T.And(here, rest);
    }

    /// <summary>The (key, generation) of link <paramref name="i"/> of the chain a safecopy through (granter, index, gen) follows.</summary>
    public static (Term Key, Term Gen, Term Reached) ChainLink(Ctx c, KernelState s, Term granter, Term index, Term gen, int i)
    {
        Term key = c.GrantKey(granter, index), g = gen, reached = T.True;
        for (int j = 0; j < i; j++)
        {
            reached = T.And(reached, Ctx.Sel(s.GrIndirect, key));
            g = Ctx.Sel(s.GrSrcGen, key);
            key = Ctx.Sel(s.GrSrc, key);
        }
        return (key, g, reached);
    }

    public static ImmutableArray<Operation> All { get; } = [CreateDirect, CreateIndirect, Revoke];
}
