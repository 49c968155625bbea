namespace Verified.Proofs.Refinement;

/// <summary>
/// Test-only planted bugs in the checker's own shortcuts, so a test can see the cross-check mode
/// catch a wrong shortcut (the kernel's planted bugs are <see cref="Verified.Kernel.PlantedFaults"/>).
/// </summary>
public sealed record ShortcutFaults
{
    /// <summary>
    /// Treat every pre-state as verified, as a checker trusting the promise "only syscalls change
    /// the kernel" would: a change made between syscalls is then neither in the step's differences
    /// nor checked in full, so an invariant it breaks goes unseen by the per-step check.
    /// </summary>
    public bool TrustPreState { get; init; }

    /// <summary>The touched-only invariant rule skips every state clause (as a read-set analysis that found no fields would).</summary>
    public bool SkipEveryClause { get; init; }

    /// <summary>The touched-only check drops what it finds of the relational clauses (as a wrong per-key evaluation of them, e.g. one trusting a clause not true on an unchanged step, would).</summary>
    public bool DropRelationalBreaks { get; init; }

    /// <summary>The incremental abstraction returns the pre-state as the post-state (as a cache that missed the step's changes would).</summary>
    public bool StalePostState { get; init; }

    /// <summary>The incremental abstraction reports no changed keys for the step (as a cache that forgot what it rebuilt would), so the touched-only check sees an unchanged state.</summary>
    public bool LoseChangedKeys { get; init; }

    /// <summary>The raw kernel image that lets the abstraction skip an unchanged kernel leaves out the capabilities' contents (as an image missing a field the abstraction reads would), so a change to a capability alone goes unread.</summary>
    public bool ImageMissesCapabilities { get; init; }

    /// <summary>The incremental abstraction's per-slot comparison looks only at the slot and its capability's identity (as a record comparison missing the capability's contents would), so a capability changed in place keeps its old entries.</summary>
    public bool SlotDiffIgnoresContents { get; init; }

    /// <summary>The incremental abstraction re-reads no object-table index after a step (as a per-object comparison against the wrong image would), so a change to an object alone keeps its old entries.</summary>
    public bool ObjectsUnread { get; init; }

    /// <summary>The incremental abstraction re-reads no grant after a step (as a rule missing a grant table's change would), so a grant created alone is not seen.</summary>
    public bool GrantsUnread { get; init; }

    /// <summary>The incremental abstraction's record of what each object-table index gave at the last read is never updated after the first (as a cache that forgot to record a write would), so a value changed back to an earlier one is not written.</summary>
    public bool ObjectValuesStale { get; init; }

    /// <summary>The incremental abstraction's reading by the touch log ignores every slot the kernel logged (as a kernel whose slot writes skip the log would), so a capability copied, moved or deleted keeps its old entries.</summary>
    public bool SlotLogLost { get; init; }

    /// <summary>The incremental abstraction's reading by the touch log ignores every object the kernel logged (as a kernel whose object writes skip the log would), so an object written alone — retyped, its watermark moved, a task suspended — keeps its old entries.</summary>
    public bool ObjectLogLost { get; init; }

    /// <summary>The incremental abstraction's record of what an object's entries were built from leaves out an untyped's watermark (as a memo missing one input would), so a retype that only moves an existing untyped's watermark keeps its old UtFree.</summary>
    public bool ObjectInputsMissWatermark { get; init; }

    /// <summary>A fresh checker's first abstraction takes the thread's seed state (the last fresh first state) without comparing kernel images (as a seed keyed on the wrong data would).</summary>
    public bool SeedIgnoresImage { get; init; }

    /// <summary>Planted wrong shortcuts inside the touched-only evaluation of the invariants (see <see cref="Verified.Spec.Kernel.TouchedFaults"/>).</summary>
    public Verified.Spec.Kernel.TouchedFaults? Touched { get; init; }

    /// <summary>Each spec step's changed keys leave out one key per field (as a written-key analysis missing a store would), so the transition comparison skips a key where the spec changed the state.</summary>
    public bool ForgetWrittenKeys { get; init; }

    /// <summary>The transition comparison reads the fields the kernel's step changed but none of their keys (as a comparison trusting the spec step's keys alone would), so a change the kernel made beyond the spec's goes unseen.</summary>
    public bool LoseKernelKeys { get; init; }

    /// <summary>A spec step's check g => q is passed when the conjuncts of g that do not quantify hold, instead of when one does not (an inverted guard; <see cref="Verified.Spec.Kernel.KernelEval.PlantGuardInverted"/>), so a check that fails is passed.</summary>
    public bool GuardInverted { get; init; }

    /// <summary>The checker records the owners of bound grant tables before no step (as a rule missing a call whose judge asks for them, for D5, would); asked for them, it must refuse rather than answer "none".</summary>
    public bool OwnersUnrecorded { get; init; }

    /// <summary>Normalising a spec step's result looks only at the keys its fields were written at, not at the keys its rules' guard fields changed (as a normalisation forgetting that a deletion makes other fields' entries junk would).</summary>
    public bool NormalizeOwnKeysOnly { get; init; }

    /// <summary>The narrowed quantifiers' indexes are not moved at a step's changed keys (<see cref="Verified.Spec.Kernel.KernelEval.PlantIndexSkipsMoves"/>): they keep an older state's groups, so "the last capability to its object" or "no descendants" is decided on stale ids.</summary>
    public bool IndexSkipsMoves { get; init; }

    /// <summary>The capabilities an exit, destroy or revoke deleted, found at the kernel's changed keys, leave out the last one (as a search missing a changed key would), so the spec deletes one fewer.</summary>
    public bool VictimsMissOne { get; init; }

    /// <summary>The narrowed quantifiers' indexes are relabelled as describing the kernel's post-state before an exit's or destroy's last deletion is stepped, not after it was found equal (as a relabel trusting a state not compared would), so they keep a live capability the step deleted.</summary>
    public bool RelabelBeforeLastStep { get; init; }

    /// <summary>D5's classification at the changed keys ignores differing grant entries of owners that did not die (as a classification looking only where the dead owners' grants are would), so a kernel that also frees another task's grant passes as D5.</summary>
    public bool D5LooksAtOwnersOnly { get; init; }

    /// <summary>A D2 cascade's changed keys leave out the deleted capabilities' CapLive keys (as a cascade forgetting to record a store would), so its normalisation leaves their attributes behind and the comparison at changed keys reads CapLive whole.</summary>
    public bool CascadeKeysMissDeleted { get; init; }

    /// <summary>A D2 cascade's lookup of a CNode's full slots in the narrowed quantifiers' index leaves out the CNode's last one (as a stale or wrongly keyed group would), so the spec's cascade keeps a capability the kernel deleted.</summary>
    public bool CascadeGroupsMissOne { get; init; }

    /// <summary>The keyed comparison of a retype's last object (RefinementChecker.SameKeyed) takes the step's raw entries as the normalised next state's (as a comparison forgetting the junk rules would), so an unobservable entry the spec leaves behind, the watermark of an object that is not an untyped, reads as a difference.</summary>
    public bool KeyedSkipsJunk { get; init; }
}
