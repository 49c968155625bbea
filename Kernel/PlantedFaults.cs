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
}
