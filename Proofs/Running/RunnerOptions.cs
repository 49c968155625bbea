namespace Verified.Proofs;

/// <summary>How <see cref="ObligationRunner"/> discharges a list of obligations.</summary>
public sealed record RunnerOptions
{
    /// <summary>Worker threads, each with its own Z3 context. Default: the machine's cores.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

    /// <summary>Z3's time limit per obligation; running out is <see cref="ObligationResult.Unknown"/>, a failure.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Wall-clock guard: if a check is still running this long after it started (Z3 does not
    /// always honour its own limit promptly, e.g. inside some tactics), the runner interrupts the
    /// context; the obligation then reports unknown. Null: twice the time limit plus one second.
    /// </summary>
    public TimeSpan? WallClockGuard { get; init; }

    /// <summary>When set, each query is written there as an SMT-LIB2 script that the z3 binary reruns.</summary>
    public string? Smt2Directory { get; init; }

    internal TimeSpan EffectiveGuard => WallClockGuard ?? (Timeout * 2) + TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        if (Jobs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Jobs), Jobs, "Jobs must be at least 1 (one worker thread per job).");
        }

        if (Timeout < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The per-obligation time limit must be at least 1 ms.");
        }

        if (WallClockGuard is { } guard && guard < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(WallClockGuard), guard, "The wall-clock guard must be at least 1 ms.");
        }
    }
}
