using System.Diagnostics;
using System.Globalization;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Where the checker's time goes, per phase (Stopwatch ticks summed over all steps): what the
/// bench's `refinement` mode prints so a slowdown can be attributed before it is "fixed". Off
/// unless <see cref="Enabled"/>: reading the thread's CPU clock is a system call, and six of them
/// per syscall were about 5% of a checked run — the measurement must not be part of the cost it
/// measures.
/// </summary>
public sealed class CheckerTimings
{
    /// <summary>Whether phases are measured (off: <see cref="Mark"/> and <see cref="Add(CheckerPhase, ValueTuple{long, long, long})"/> do nothing).</summary>
    public bool Enabled { get; set; }

    private readonly long[] ticks = new long[Enum.GetValues<CheckerPhase>().Length];
    private readonly long[] bytes = new long[Enum.GetValues<CheckerPhase>().Length];
    private readonly long[] cpu = new long[Enum.GetValues<CheckerPhase>().Length];

    public void Add(CheckerPhase phase, long elapsedTicks) => ticks[(int)phase] += elapsedTicks;

    /// <summary>A point in time and in this thread's allocations, to measure a phase from (zero when not <see cref="Enabled"/>).</summary>
    public (long Ticks, long Bytes, long CpuNs) Mark() => Enabled ? (Stopwatch.GetTimestamp(), GC.GetAllocatedBytesForCurrentThread(), CpuClock.ThreadNanoseconds()) : default;

    /// <summary>Adds the time and the bytes allocated since <paramref name="from"/> to <paramref name="phase"/>; returns the new mark.</summary>
    public (long Ticks, long Bytes, long CpuNs) Add(CheckerPhase phase, (long Ticks, long Bytes, long CpuNs) from)
    {
        if (!Enabled) return default;
        var now = Mark();
        ticks[(int)phase] += now.Ticks - from.Ticks;
        bytes[(int)phase] += now.Bytes - from.Bytes;
        cpu[(int)phase] += now.CpuNs - from.CpuNs;
        return now;
    }

    /// <summary>CPU time this thread spent in the phase (steadier than wall time on a shared machine; 0 where the OS does not report it).</summary>
    public TimeSpan Cpu(CheckerPhase phase) => TimeSpan.FromMicroseconds(cpu[(int)phase] / 1000.0);

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
