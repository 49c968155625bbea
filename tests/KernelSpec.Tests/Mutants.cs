using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Spec.Kernel.Tests;

/// <summary>
/// Mutant operations for the bite tests: each wraps a real operation and plants one bug in its
/// checks or its next state. They live here, not in production code: a test builds a spec value
/// whose operation is replaced (<see cref="KernelSpec.WithOperation"/>).
/// </summary>
internal static class Mutants
{
    public static Operation Change(Operation op, Func<Ctx, KernelState, IReadOnlyDictionary<string, Term>, Step, Step> change) =>
        op with { Body = (c, s, a) => change(c, s, a, op.Body(c, s, a)) };

    public static Operation WithoutCheck(Operation op, string error) =>
        Change(op, (_, _, _, step) => step with { Checks = [.. step.Checks.Where(ch => ch.Error != error)] });

    private static Term Cap(KernelState s, Term slot) => Ctx.Sel(s.SlotCap, slot);

    /// <summary>Mint that keeps the requested rights instead of masking them by the source's.</summary>
    public static Operation MintKeepsAllRights => Change(CapOps.Mint, (_, _, a, step) =>
        step with { Next = step.Next with { CapRights = T.Store(step.Next.CapRights, a["id"], a["rights"]) } });

    /// <summary>Revoke step that deletes a descendant even when it has descendants (they are spared, orphaned).</summary>
    public static Operation RevokeSparesGrandchildren => WithoutCheck(CapOps.RevokeStep, "HasChildren");

    /// <summary>Grant revoke that frees the entry but does not bump its generation.</summary>
    public static Operation GrantRevokeWithoutBump => Change(GrantOps.Revoke, (_, s, _, step) =>
        step with { Next = step.Next with { GrGen = s.GrGen } });

    /// <summary>MINIX 3's revoke: the generation is bumped modulo its width, with no exhaustion check.</summary>
    public static Operation GrantRevokeWrapping => WithoutCheck(GrantOps.Revoke, "GenerationExhausted");

    /// <summary>Restart that keeps the endpoint's generation (and gives the fresh capability that generation).</summary>
    public static Operation RestartKeepsGeneration => Change(ServiceOps.Restart, (_, s, a, step) =>
        step with
        {
            Next = step.Next with
            {
                ObjGen = s.ObjGen,
                CapGen = T.Store(step.Next.CapGen, a["id"], Ctx.Sel(s.ObjGen, Ctx.Sel(s.SvcEp, a["svc"]))),
            },
        });

    /// <summary>Copy that forgets the parent edge: the copy becomes a root.</summary>
    public static Operation CopyForgetsParent => Change(CapOps.Copy, (c, _, a, step) =>
        step with
        {
            Next = step.Next with
            {
                CapHasParent = T.Store(step.Next.CapHasParent, a["id"], T.False),
                CapAnc = T.Store(step.Next.CapAnc, a["id"], T.ConstMap(c.K.CapId, T.False)),
            },
        });

    /// <summary>Start allowed again after a crash (instead of the restart protocol).</summary>
    public static Operation StartAfterCrash => Change(WithoutCheck(ServiceOps.Start, "InvalidState"), (_, s, a, step) =>
        step with { Checks = step.Checks.Add((Ctx.IsAny(Ctx.Sel(s.SvcStatus, a["svc"]), "Absent", "Crashed"), "InvalidState")) });

    /// <summary>Move that does not empty the source slot.</summary>
    public static Operation MoveKeepsSource => Change(CapOps.Move, (_, s, a, step) =>
        step with { Next = step.Next with { SlotFull = T.Store(s.SlotFull, a["dst"], T.True) } });

    /// <summary>Delete that finalises the object even when other capabilities name it.</summary>
    public static Operation DeleteAlwaysFinalises => Change(CapOps.Delete, (_, s, a, step) =>
        step with { Next = step.Next with { ObjAlive = T.Store(s.ObjAlive, Ctx.Sel(s.CapObj, Cap(s, a["slot"])), T.False) } });

    /// <summary>Retype that does not advance the untyped's watermark.</summary>
    public static Operation RetypeKeepsWatermark => Change(CapOps.Retype, (_, s, a, step) =>
        step with { Next = step.Next with { UtFree = T.Store(s.UtFree, a["obj"], Ctx.Sel(s.UtFree, Ctx.Sel(s.CapObj, Cap(s, a["ut"])))) } });

    /// <summary>Retype that may reset the untyped (place the object at its base) while a child is alive.</summary>
    public static Operation RetypeResetsWithChildAlive => WithoutCheck(CapOps.Retype, "ChildrenAlive");

    public static Operation IndirectGrantWithoutRangeCheck => WithoutCheck(GrantOps.CreateIndirect, "InvalidRange");

    public static Operation StartWithoutDependencies => WithoutCheck(ServiceOps.Start, "DependencyNotReady");

    public static Operation TaskCreateWithoutTypeCheck => WithoutCheck(TaskOps.Create, "WrongType");

    /// <summary>Mutate that overwrites a badge already set.</summary>
    public static Operation MutateOverwritesBadge => Change(WithoutCheck(CapOps.Mutate, "AlreadyBadged"), (_, s, a, step) =>
        step with { Next = step.Next with { CapBadge = T.Store(s.CapBadge, Cap(s, a["src"]), a["badge"]) } });

    /// <summary>Revoke step that leaves the state as it was (the victim stays): revoke would loop forever.</summary>
    public static Operation RevokeStepKeepsVictim => Change(CapOps.RevokeStep, (_, s, _, step) => step with { Next = s });

    /// <summary>Revoke step that also makes the capability after the victim a live descendant of the revoked one.</summary>
    public static Operation RevokeStepAddsDescendant => Change(CapOps.RevokeStep, (c, s, a, step) =>
    {
        var fresh = T.BvAdd(Cap(s, a["victim"]), T.Bv(c.K.CapId, 1));
        var root = Cap(s, a["slot"]);
        return step with
        {
            Next = step.Next with
            {
                CapLive = T.Store(step.Next.CapLive, fresh, T.True),
                CapAnc = T.Store(step.Next.CapAnc, fresh, T.Store(T.ConstMap(c.K.CapId, T.False), root, T.True)),
            },
        };
    });

    /// <summary>Revoke step that refuses a victim outside index 0 of its CNode: revoke can get stuck.</summary>
    public static Operation RevokeStepOnlyIndexZero => Change(CapOps.RevokeStep, (c, _, a, step) =>
        step with { Checks = step.Checks.Add((T.Eq(T.Extract(c.Config.CNodeIndexBits - 1, 0, a["victim"]), T.Bv(c.K.Index, 0)), "InvalidSlot")) });

    /// <summary>Copy that never succeeds: its preservation obligations become vacuous, which its companion must catch.</summary>
    public static Operation CopyNeverSucceeds => Change(CapOps.Copy, (_, _, _, step) => step with { Checks = step.Checks.Add((T.False, "InvalidSlot")) });

    /// <summary>Copy that succeeds only when the source's object generation is at its maximum: narrow models of it do not hold at full width.</summary>
    public static Operation CopyOnlyAtMaxGeneration => Change(CapOps.Copy, (c, s, a, step) =>
        step with { Checks = step.Checks.Add((T.Eq(Ctx.Sel(s.ObjGen, Ctx.Sel(s.CapObj, Cap(s, a["src"]))), Ctx.Max(c.K.Gen)), "StaleCap")) });

    /// <summary>Mint that amplifies rights only when the object generation is at its maximum (a bug the narrow widths reach sooner).</summary>
    public static Operation MintAmplifiesAtMaxGeneration => Change(CapOps.Mint, (c, s, a, step) =>
        step with
        {
            Next = step.Next with
            {
                CapRights = T.Store(step.Next.CapRights, a["id"], T.Ite(
                    T.Eq(Ctx.Sel(s.ObjGen, Ctx.Sel(s.CapObj, Cap(s, a["src"]))), Ctx.Max(c.K.Gen)), a["rights"], Ctx.Sel(step.Next.CapRights, a["id"]))),
            },
        });

    /// <summary>Configure that records the endpoint's next generation (off by one, as if retype's bump were applied): a future generation.</summary>
    public static Operation ConfigureRecordsNextGeneration => Change(TaskOps.Configure, (c, s, a, step) =>
        step with { Next = step.Next with { TaskFaultGen = T.Store(step.Next.TaskFaultGen, a["t"], T.Ite(a["has_ep"], Ctx.Inc(Ctx.Sel(s.ObjGen, a["ep"])), Ctx.Bv(c.K.Gen, 0))) } });

    /// <summary>Reply transfer that gives the new capability every right (not its source's).</summary>
    public static Operation ReplyTransferGivesAllRights => Change(CapOps.ReplyTransfer, (c, _, a, step) =>
        step with { Next = step.Next with { CapRights = T.Store(step.Next.CapRights, a["id"], Ctx.Bv(c.K.Rights, Rights.All)) } });
}
