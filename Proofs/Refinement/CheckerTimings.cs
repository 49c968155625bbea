using System.Diagnostics;
using System.Globalization;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Where the checker's time goes, per phase (Stopwatch ticks summed over all steps): what the
/// bench's `refinement` mode prints so a slowdown can be attributed before it is "fixed".
/// </summary>
public sealed class CheckerTimings
{
    private readonly long[] ticks = new long[Enum.GetValues<CheckerPhase>().Length];
    private readonly long[] bytes = new long[Enum.GetValues<CheckerPhase>().Length];

    public void Add(CheckerPhase phase, long elapsedTicks) => ticks[(int)phase] += elapsedTicks;

    /// <summary>A point in time and in this thread's allocations, to measure a phase from.</summary>
    public static (long Ticks, long Bytes) Mark() => (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread());

    /// <summary>Adds the time and the bytes allocated since <paramref name="from"/> to <paramref name="phase"/>; returns the new mark.</summary>
    public (long Ticks, long Bytes) Add(CheckerPhase phase, (long Ticks, long Bytes) from)
    {
        var now = Mark();
        ticks[(int)phase] += now.Ticks - from.Ticks;
        bytes[(int)phase] += now.Bytes - from.Bytes;
        return now;
    }

    public TimeSpan this[CheckerPhase phase] => TimeSpan.FromSeconds((double)ticks[(int)phase] / Stopwatch.Frequency);

    /// <summary>Bytes this thread allocated in the phase (the garbage collector's work follows them).</summary>
    public long Allocated(CheckerPhase phase) => bytes[(int)phase];

    public override string ToString() => string.Join(", ", Enum.GetValues<CheckerPhase>()
        .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p} {this[p].TotalMilliseconds:F1} ms")));
}

/// <summary>The phases of one checked step.</summary>
public enum CheckerPhase
{
    AbstractPre,
    Decide,
    AbstractPost,
    Transition,
    Invariants,
    CrossCheck,
}
