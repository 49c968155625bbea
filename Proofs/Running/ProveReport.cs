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

    private Dictionary<string, ObligationResult>? byName;

    /// <summary>
    /// The result of <paramref name="result"/>'s vacuity companion in this run; null when it names
    /// none or the companion did not run (filtered out).
    /// </summary>
    public ObligationResult? CompanionOf(ObligationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.VacuityCompanion is not { } name) return null;
        byName ??= Results.GroupBy(r => r.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return byName.GetValueOrDefault(name);
    }

    /// <summary>
    /// One word for the table: "yes" when the companion showed the premises satisfiable, "no"
    /// when it failed, "not run" when it was filtered out, "-" when the obligation has none.
    /// </summary>
    public string PremisesShown(ObligationResult result) =>
        result.VacuityCompanion is null ? "-" : CompanionOf(result) switch
        {
            null => "not run",
            { IsProved: true } => "yes",
            _ => "no",
        };

    public bool Equals(ProveReport? other) =>
        other is not null && WallMilliseconds == other.WallMilliseconds && Results.SequenceEqual(other.Results);

    public override int GetHashCode() => HashCode.Combine(WallMilliseconds, Results.Count);
}
