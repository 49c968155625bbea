namespace Verified.Spec.Kernel;

/// <summary>
/// Test-only planted bugs in <see cref="KernelEval.BrokenClausesTouched(ConcreteState, ConcreteState, TouchedCounts)"/>'s
/// shortcuts: each is a plausible wrong version of one, and a test must see the touched-only result
/// differ from the full evaluation with it (and agree without it).
/// </summary>
public sealed record TouchedFaults
{
    /// <summary>Every two-variable clause over one role is taken as symmetric, so only the instances with the first variable dirty are evaluated.</summary>
    public bool AssumeSymmetric { get; init; }

    /// <summary>Guards and narrowings are also taken from the conclusion of A ⇒ B, whose false conjunct is exactly a break.</summary>
    public bool GuardsFromConclusion { get; init; }

    /// <summary>A map's inverse is cached by field name rather than by map object, so a later step reads the inverse of an older map.</summary>
    public bool StaleInverse { get; init; }
}
