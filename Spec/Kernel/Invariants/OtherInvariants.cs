using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>Invariants of grants, tasks and supervision.</summary>
public static class OtherInvariants
{
    // Triggers as in CapInvariants: a select on the guard's field, never one the body creates.
    private static InvariantClause C(string name, string desc, Role role, Func<KernelState, Term> trigger, Func<Ctx, KernelState, Term, Term> body) =>
        new(name, desc, [("x", role)], (c, _, s, v) => body(c, s, v[0]), Trigger: (s, v) => [Ctx.Sel(trigger(s), v[0])]);

    private static Term Sel(Term m, Term k) => Ctx.Sel(m, k);

    public static Invariant GrantRevocation { get; } = new("inv.grant_revocation",
        "a revoked grant (key, generation) never verifies again",
    [
        new("revoked_never_verifies", "a revoked (key, generation) is not a valid grant of that generation",
            [("x", Role.GrantKey), ("g", Role.GrantGen)],
            (c, _, s, v) => T.Implies(Ctx.Sel(s.GrRevoked, v[0], v[1]), T.Not(T.And(Sel(s.GrValid, v[0]), T.Eq(Sel(s.GrGen, v[0]), v[1])))),
            Trigger: (s, v) => [Ctx.Sel(s.GrRevoked, v[0], v[1])]),
        new("revoked_below_generation", "every revoked generation of a key is below its current generation",
            [("x", Role.GrantKey), ("g", Role.GrantGen)],
            (c, _, s, v) => T.Implies(Ctx.Sel(s.GrRevoked, v[0], v[1]), T.BvUlt(v[1], Sel(s.GrGen, v[0]))),
            Trigger: (s, v) => [Ctx.Sel(s.GrRevoked, v[0], v[1])]),
    ]);

    public static Invariant GrantChain { get; } = new("inv.grant_chain",
        "an indirect grant lies within its source (range, access, grantee), chain depth bounded",
    [
        C("depth_bounded", "a grant's chain depth is at most MaxGrantDepth", Role.GrantKey, s => s.GrDepth, (c, s, x) =>
            T.Implies(Sel(s.GrValid, x), T.BvUle(Sel(s.GrDepth, x), Ctx.Bv(c.K.GrantDepth, (ulong)c.Config.MaxGrantDepth)))),
        C("direct_depth_zero", "a direct grant has depth 0", Role.GrantKey, s => s.GrIndirect, (c, s, x) =>
            T.Implies(T.And(Sel(s.GrValid, x), T.Not(Sel(s.GrIndirect, x))), T.Eq(Sel(s.GrDepth, x), Ctx.Bv(c.K.GrantDepth, 0)))),
        C("range_no_wrap", "a grant's range does not wrap", Role.GrantKey, s => s.GrValid, (c, s, x) =>
            T.Implies(Sel(s.GrValid, x), Ctx.NoWrap(Sel(s.GrBase, x), Sel(s.GrLen, x)))),
        C("source_generation_not_future", "an indirect grant names a source generation that has been", Role.GrantKey, s => s.GrIndirect, (c, s, x) =>
            T.Implies(T.And(Sel(s.GrValid, x), Sel(s.GrIndirect, x)), T.BvUle(Sel(s.GrSrcGen, x), Sel(s.GrGen, Sel(s.GrSrc, x))))),
        C("current_source_valid", "if the source is still of the recorded generation, it is valid", Role.GrantKey, s => s.GrIndirect, (c, s, x) =>
            T.Implies(T.And(Sel(s.GrValid, x), Sel(s.GrIndirect, x), T.Eq(Sel(s.GrSrcGen, x), Sel(s.GrGen, Sel(s.GrSrc, x)))),
                Sel(s.GrValid, Sel(s.GrSrc, x)))),
        C("within_source", "an indirect grant's range, access and depth follow its current source, granted to its owner", Role.GrantKey, s => s.GrIndirect, (c, s, x) =>
        {
            var src = Sel(s.GrSrc, x);
            return T.Implies(T.And(Sel(s.GrValid, x), Sel(s.GrIndirect, x), Sel(s.GrValid, src), T.Eq(Sel(s.GrSrcGen, x), Sel(s.GrGen, src))),
                T.And(Ctx.Within(Sel(s.GrBase, x), Sel(s.GrLen, x), Sel(s.GrBase, src), Sel(s.GrLen, src)),
                    Ctx.Subset(Sel(s.GrAccess, x), Sel(s.GrAccess, src)),
                    T.Eq(Sel(s.GrDepth, x), Ctx.Inc(Sel(s.GrDepth, src))),
                    T.Eq(Sel(s.GrGrantee, src), c.GrantOwner(x))));
        }),
    ]);

    public static Invariant BootOrder { get; } = new("inv.boot_order",
        "unless halted, an active service's every dependency is running or crashed/restarting under the protocol",
    [
        new("dependencies_up", "active service ⇒ each dependency running, crashed or restarting",
            [("x", Role.Service), ("d", Role.Service)],
            (c, _, s, v) => T.Implies(T.And(T.Not(s.Halted), Ctx.ServiceActive(Sel(s.SvcStatus, v[0])), Ctx.Sel(s.SvcDep, v[0], v[1])),
                Ctx.DependencyOk(Sel(s.SvcStatus, v[1]))),
            Trigger: (s, v) => [Ctx.Sel(s.SvcDep, v[0], v[1])]),
    ]);

    public static Invariant SingleStart { get; } = new("inv.single_start",
        "no service is started twice (restarts go through the restart protocol)",
    [
        C("started_at_most_once", "a service's start count is at most 1", Role.Service, s => s.SvcStarts, (c, s, x) =>
            T.BvUle(Sel(s.SvcStarts, x), Ctx.Bv(c.K.Starts, 1))),
        C("absent_iff_never_started", "a service is absent exactly when never started", Role.Service, s => s.SvcStatus, (c, s, x) =>
            T.Iff(Ctx.Is(Sel(s.SvcStatus, x), "Absent"), T.Eq(Sel(s.SvcStarts, x), Ctx.Bv(c.K.Starts, 0)))),
    ]);

    public static Invariant Tasks { get; } = new("inv.tasks",
        "a runnable or faulted task is a live task object whose fault endpoint generation is not from the future",
    [
        C("active_task_live", "a runnable or faulted task is a live Task object", Role.Obj, s => s.TaskState, (c, s, x) =>
            T.Implies(Ctx.IsAny(Sel(s.TaskState, x), "Runnable", "Faulted"), T.And(Sel(s.ObjAlive, x), Ctx.Is(Sel(s.ObjType, x), "Task")))),
        C("fault_endpoint_generation", "the recorded fault endpoint generation is at most the endpoint's", Role.Obj, s => s.TaskState, (c, s, x) =>
            T.Implies(Ctx.IsAny(Sel(s.TaskState, x), "Runnable", "Faulted"), T.BvUle(Sel(s.TaskFaultGen, x), Sel(s.ObjGen, Sel(s.TaskFaultEp, x))))),
    ]);

    public static ImmutableArray<Invariant> All { get; } = [GrantRevocation, GrantChain, BootOrder, SingleStart, Tasks];
}
