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

    public void Add(CheckerPhase phase, long elapsedTicks) => ticks[(int)phase] += elapsedTicks;

    public TimeSpan this[CheckerPhase phase] => TimeSpan.FromSeconds((double)ticks[(int)phase] / Stopwatch.Frequency);

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
