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

    /// <summary>A map's inverse derived from the pre-state map's is not updated at the keys where the maps differ.</summary>
    public bool InverseSkipsChanges { get; init; }

    /// <summary>Reads at a key computed from a variable (F[e(v)]) are left out of the dirty keys, as a read-set analysis that saw only direct reads and hops would.</summary>
    public bool IgnoreComputedReads { get; init; }

    /// <summary>The index of a computed read (a Boolean map's entries grouped by the computed key) brought from the pre-state's map to the post-state's without moving the keys where they differ.</summary>
    public bool ComputedIndexSkipsChanges { get; init; }

    /// <summary>The columns of a map of Boolean maps (for a nested narrowing F[v][t]: t → the keys k with F[k][t]) brought from the pre-state's map to the post-state's without moving the keys where they differ.</summary>
    public bool ColumnSkipsChanges { get; init; }

    /// <summary>A changed key of a "members of one group do not overlap" clause (DisjointIndex) is compared only with the member whose start is the greatest not above its own, missing a member that starts inside it.</summary>
    public bool DisjointBelowStartOnly { get; init; }

    /// <summary>The post-state's carried quantifier domains take over the first of the pool's last fresh ids without testing that it is still absent (RoleDomains.Plus).</summary>
    public bool FreshIdsNotRechecked { get; init; }

    /// <summary>A nested narrowing F[v][t] takes the entries of F[t] (the row) instead of the keys k with F[k][t] (the column).</summary>
    public bool TransposeNested { get; init; }
}
