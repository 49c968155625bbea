namespace Verified.Proofs;

/// <summary>
/// Known queries with known answers, run first: if the binding or libz3 misbehaves (a wrong
/// answer, a core without names, a model that does not satisfy), these fail before any kernel
/// obligation is believed. Kind <see cref="ObligationKind.SelfCheck"/>.
/// </summary>
public static class SelfCheckObligations
{
    public static IReadOnlyList<ProofObligation> All { get; } =
    [
        new BitVectorIdentitySelfCheck(),
        new TrackedCoreSelfCheck(),
        new ModelSelfCheck(),
    ];
}
