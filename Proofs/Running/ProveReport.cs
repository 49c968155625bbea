namespace Verified.Proofs;

/// <summary>The results of one run, in catalogue order, and its wall time.</summary>
public sealed record ProveReport(IReadOnlyList<ObligationResult> Results, long WallMilliseconds)
{
    public int Proved => Results.Count(r => r.IsProved);

    /// <summary>Everything not proved: counterexamples, unknowns (time-outs) and errors.</summary>
    public int Failed => Results.Count - Proved;

    public bool AllProved => Failed == 0;

    /// <summary>The slowest obligation, or null for an empty run.</summary>
    public ObligationResult? Slowest => Results.MaxBy(r => r.Milliseconds);

    public bool Equals(ProveReport? other) =>
        other is not null && WallMilliseconds == other.WallMilliseconds && Results.SequenceEqual(other.Results);

    public override int GetHashCode() => HashCode.Combine(WallMilliseconds, Results.Count);
}
