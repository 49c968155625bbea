namespace Verified.Kernel;

/// <summary>
/// Test-only switches that plant known kernel bugs, so the refinement checker is seen to catch
/// each one. An explicit object on <see cref="Kernel.Faults"/> (never a global): a kernel without
/// one is the correct kernel.
/// </summary>
public sealed record PlantedFaults
{
    /// <summary>Revoke deletes the direct children it sees once and stops (lifted grandchildren survive).</summary>
    public bool RevokeMissesGrandchildren { get; init; }

    /// <summary>Mint gives the child the source's rights instead of source ∩ mask.</summary>
    public bool MintKeepsRights { get; init; }

    /// <summary>Copy inserts the new capability as a root instead of a child of the source.</summary>
    public bool CopyForgetsDerivationEdge { get; init; }

    /// <summary>Inserting a derived capability leaves the back link of the slot after it naming the parent (a corrupt derivation list).</summary>
    public bool InsertSkipsBackLink { get; init; }

    /// <summary>Deleting the last capability to an object does not finalise it.</summary>
    public bool DeleteLastLeavesObjectAlive { get; init; }

    /// <summary>Grant verification trusts the first link of an indirect chain and stops there.</summary>
    public bool SafecopySkipsChain { get; init; }

    /// <summary>Grant revoke frees the entry without bumping its generation.</summary>
    public bool GrantRevokeKeepsGeneration { get; init; }

    /// <summary>The old behaviour of finding F1: mutate of a capability with descendants is allowed (its rights can drop below a child's).</summary>
    public bool MutateIgnoresChildren { get; init; }

    /// <summary>The old behaviour of finding F2: task destroy finalises the task and leaves the capabilities naming it (dangling).</summary>
    public bool DestroyLeavesCapabilities { get; init; }

    /// <summary>Revoke skips capabilities queued in IPC (a blocked sender's in-flight slot).</summary>
    public bool RevokeMissesInFlight { get; init; }

    /// <summary>IPC transfers a capability through an endpoint capability without the grant right.</summary>
    public bool TransferWithoutGrant { get; init; }

    /// <summary>The old behaviour of finding F3: delete of a capability with descendants lifts them one level (several roots for one object).</summary>
    public bool DeleteLiftsChildren { get; init; }

    /// <summary>The badge check accepts endpoints only: mint or mutate with a badge of a notification capability is refused with InvalidArgument.</summary>
    public bool BadgeRefusesNotification { get; init; }

    /// <summary>Task finalisation also frees, in other tasks' grant tables, every grant whose grantee is the dying task.</summary>
    public bool DestroyFreesGrantsToTask { get; init; }

    // Faults in the syscalls the refinement checker compares with a stutter step or task.suspend/task.configure.

    /// <summary>Frame map records the mapping's rights in the capability (it loses the rights the mapping did not ask for).</summary>
    public bool FrameMapStoresMappingRights { get; init; }

    /// <summary>Signal consumes the badge of the notification capability it was sent through.</summary>
    public bool SignalClearsBadge { get; init; }

    /// <summary>Yield takes the caller off the ready queue and leaves it inactive instead of rotating it.</summary>
    public bool YieldDeactivates { get; init; }

    /// <summary>Suspend handles only blocked tasks: a ready task is left running (status Ok).</summary>
    public bool SuspendSkipsReadyTask { get; init; }

    /// <summary>Configure sets the fault endpoint only of a task that has none (a reconfiguration keeps the old one).</summary>
    public bool ConfigureKeepsFaultEndpoint { get; init; }

    /// <summary>The old behaviour of finding F8: a task losing its grant table leaves the grants re-delegated from it in place (current, through a source that is gone).</summary>
    public bool DetachKeepsDerivedGrants { get; init; }

    /// <summary>The old behaviour of finding F9: mutate of a frame mapped writable may drop the write right (only read is kept).</summary>
    public bool MutateIgnoresWritableMapping { get; init; }

    /// <summary>
    /// The old behaviour of finding F7: revoke deletes descendants in list order (a parent before
    /// its children, lifting them) and deletes the last capability to a CNode that still holds
    /// capabilities, finalising it and its contents.
    /// </summary>
    public bool RevokeFinalisesNonEmptyCNode { get; init; }

    /// <summary>The old behaviour of finding F4: the watermark of an untyped is reset when its last child dies (not at the next retype).</summary>
    public bool ResetWatermarkWhenLastChildDies { get; init; }

    /// <summary>A grant table's death also detaches another task's live grant table (whose grants then vanish).</summary>
    public bool GrantTableDeathDetachesAnother { get; init; }

    /// <summary>Configure binding a grant table clears it as a fresh one (every entry free, generation 0), so the generations it had revoked come back.</summary>
    public bool BindResetsGrantTable { get; init; }

    /// <summary>Finalising a CNode also deletes the descendants of every capability it held (a revoke where the kernel splices and lifts them).</summary>
    public bool CNodeFinaliseRevokesContents { get; init; }

    /// <summary>Revoke stops with NotEmpty at any capability to a CNode that holds capabilities, not only at the last one.</summary>
    public bool RevokeStopsAtAnyCNode { get; init; }

    /// <summary>Safecopy's length check refuses MaxCopyLength itself (an off-by-one: at least, not above).</summary>
    public bool SafecopyRefusesMaxLength { get; init; }

    /// <summary>
    /// A fault looks the task's fault endpoint up by object index alone, ignoring the generation
    /// recorded when it was set: a fault endpoint that died and whose index a new endpoint reuses
    /// gets the fault message (the spec's task.crash delivers only to the recorded generation).
    /// </summary>
    public bool FaultIgnoresEndpointGeneration { get; init; }

    /// <summary>Delete also deletes the capability queued by every blocked sender, leaving the sender blocked (its message later arrives without it).</summary>
    public bool DeleteDropsQueuedCapabilities { get; init; }
}
