namespace Verified.Proofs.Refinement;

/// <summary>
/// Test-only planted bugs in the checker's own shortcuts, so a test can see the cross-check mode
/// catch a wrong shortcut (the kernel's planted bugs are <see cref="Verified.Kernel.PlantedFaults"/>).
/// </summary>
public sealed record ShortcutFaults
{
    /// <summary>The touched-only invariant rule skips every state clause (as a read-set analysis that found no fields would).</summary>
    public bool SkipEveryClause { get; init; }

    /// <summary>The incremental abstraction returns the pre-state as the post-state (as a cache that missed the step's changes would).</summary>
    public bool StalePostState { get; init; }
}
