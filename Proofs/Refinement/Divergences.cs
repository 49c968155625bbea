using Verified.Kernel.Abi;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The documented places where the kernel deliberately differs from the spec (docs/REFINEMENT.md,
/// "Divergences"). A step that matches one is reported as a divergence with its code — never
/// passed silently — and its post-state is still checked against every invariant. Each rule is
/// narrow: the operation, the spec's error and the kernel's status must all match.
/// </summary>
public static class Divergences
{
    /// <summary>The divergence a step is, or null. <paramref name="unchanged"/>: the kernel's abstract state did not change.</summary>
    public static string? Classify(string operation, string specError, KernelError status, bool unchanged)
    {
        // D1 (delete/mutate of a capability with descendants) is retired: the kernel now refuses both (findings F1, F3).
        // D4 (a preempted revoke's intermediate state) is retired: the kernel now deletes leaves first, so every intermediate state is a sequence of cap.revoke_step (finding F7).
        if (status == KernelError.Ok && !unchanged && operation == "cap.delete" && specError is "NotEmpty" or "ChildrenAlive")
            return "D2 deleting the last capability to a non-empty CNode or an untyped with children: the kernel finalises it and cascades; the spec refuses";
        if (status == KernelError.InvalidArgument && specError == "Ok" && unchanged && operation is "cap.mint" or "cap.mutate")
            return "D3 badge on a non-badgeable capability or a mapped frame losing read: the kernel refuses (InvalidArgument); the spec has no capability types";
        return null;
    }

    /// <summary>
    /// D5: the step finalised a task or grant table (ObjAlive true → false) and the states differ
    /// only in grant fields: the kernel detaches the dead task's grant table so its grants vanish;
    /// the spec's finalisation leaves the grants of a dead owner in place.
    /// </summary>
    public static string? ClassifyStateDifference(Spec.Kernel.ConcreteState pre, Spec.Kernel.ConcreteState expected, IEnumerable<string> differing)
    {
        if (!differing.All(f => f.StartsWith("Gr", StringComparison.Ordinal))) return null;
        var before = pre.Map("ObjAlive");
        var after = expected.Map("ObjAlive");
        var type = pre.Map("ObjType");
        var died = before.Entries.Keys.Any(o => after.Select(o) is Spec.BoolValue { Value: false }
            && ((Spec.EnumValue)type.Select(o)).Member is "Task" or "GrantTable");
        return died ? "D5 a finalised task's or grant table's grants: the kernel detaches the table (they vanish); the spec keeps grants of a dead owner" : null;
    }

    public const string NoRoomAtReceiver = "D6 capability transfer to a receiver that named no free receive slot: the kernel delivers the message without the capability (seL4); ipc.transfer refuses";

    public const string RetypeAlignment = "D7 retype aligns each object to its size: the kernel moves the watermark up to the alignment first (the gap stays unused); cap.retype places the object at the watermark";

    public const string IndirectWholeChain = "D8 indirect grant creation: the kernel verifies the source's whole chain (as a safecopy through it would) and refuses a broken one; grant.create_indirect checks the source link only";

    public const string ResumeWithoutFaultEndpoint = "D9 resume of a task without a live fault endpoint (the kernel runs it; a fault then stops it), or of a running task (a no-op): task.create needs an inactive task and a live endpoint";
}
