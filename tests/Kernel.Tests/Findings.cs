using Verified.Proofs.Refinement;

namespace Verified.Kernel.Tests;

/// <summary>
/// What the refinement checker reports in a kernel test on purpose: a planted kernel fault the test
/// runs with (several are the old behaviours of fixed findings). A real kernel-vs-spec disagreement
/// found by turning the checker on is pinned here too, with a test named Finding_*, until the
/// kernel or the spec changes; none is open now (F1–F7 are fixed, docs/REFINEMENT.md).
/// </summary>
internal sealed record Finding(string Name, string Description, Func<RefinementViolation, bool> Matches)
{
    /// <summary>
    /// The old behaviour of finding F4 (fixed): when the last child of an untyped died (delete,
    /// revoke, task destroy) the kernel reset the untyped's watermark, which no spec step does — its
    /// cap.delete / revoke_step / task.destroy keep UtFree (the reset is cap.retype's now).
    /// </summary>
    public static Finding PlantedResetAtLastChildDeath { get; } = new("planted ResetWatermarkWhenLastChildDies",
        "the kernel resets an untyped's watermark when its last child dies; the spec keeps UtFree",
        v => v.Clause is "cap.delete.state" or "cap.revoke.state" or "task.destroy.state" && v.Message.EndsWith("differ in UtFree", StringComparison.Ordinal));

    /// <summary>
    /// The old behaviour of finding F7 (found by the random x86 tasks with the checker on; fixed):
    /// revoke deleted the last capability to a CNode that still held capabilities and finalised it
    /// (its slots deleted in turn), where the spec's cap.revoke_step refuses that victim (NotEmpty)
    /// and the CNode's contents are no descendants of the revoked capability.
    /// </summary>
    public static Finding PlantedRevokeFinalisesNonEmptyCNode { get; } = new("planted RevokeFinalisesNonEmptyCNode",
        "revoke finalising a CNode that holds capabilities (the spec's revoke_step refuses: NotEmpty)", v => v.Clause == "cap.revoke_step.status");

    public static Finding PlantedDeleteLiftsChildren { get; } = new("planted DeleteLiftsChildren",
        "delete of a capability with children (the spec refuses: HasChildren)", v => v.Clause == "cap.delete.status");

    public static Finding PlantedDestroyLeavesCapabilities { get; } = new("planted DestroyLeavesCapabilities",
        "task destroy leaving capabilities to the dead task", v => v.Clause == "task.destroy.state");

    /// <summary>
    /// F8's old behaviour. At a task's death the kept re-delegation's recorded base and depth are
    /// unchanged (F5), so it equals the spec's (which keeps a dead owner's grants) and the step
    /// passes as D5; the post-state then has a grant current through a source that is not valid.
    /// At a configure binding another table D10 computes the kernel's revoke of the re-delegation,
    /// so the step itself is the violation.
    /// </summary>
    public static Finding PlantedDetachKeepsDerivedGrants { get; } = new("planted DetachKeepsDerivedGrants",
        "a task losing its grant table leaves the grants re-delegated from it current (finding F8's old behaviour)",
        v => v.Clause == "inv.grant_chain.current_source_valid" || (v.Clause == "task.configure.state" && v.Message.Contains("(D10)", StringComparison.Ordinal)));

    public override string ToString() => $"{Name}: {Description}";
}
