using System.Runtime.InteropServices;

namespace Verified.Proofs.Refinement;

/// <summary>
/// CPU time to the nanosecond from clock_gettime on Linux: of this process, all threads (the
/// garbage collector's included), and of the calling thread. Process.TotalProcessorTime reads
/// /proc in clock ticks (10 ms), too coarse for a run of an example program that takes a few
/// milliseconds. Elsewhere the process clock falls back to Process.TotalProcessorTime and the
/// thread clock reads 0. Used by the checker's per-phase timings and by the bench.
/// </summary>
public static partial class CpuClock
{
    private const int ClockProcessCpuTimeId = 2;
    private const int ClockThreadCpuTimeId = 3;

    public static TimeSpan Process
    {
        get
        {
            if (!OperatingSystem.IsLinux()) return System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            return TimeSpan.FromTicks(Read(ClockProcessCpuTimeId) / 100);
        }
    }

    /// <summary>CPU nanoseconds of the calling thread (a system call: about a microsecond, fine around a checked syscall, not around an unchecked one).</summary>
    public static long ThreadNanoseconds() => OperatingSystem.IsLinux() ? Read(ClockThreadCpuTimeId) : 0;

    private static long Read(int clock)
    {
        if (ClockGetTime(clock, out var ts) != 0)
        {
            throw new InvalidOperationException($"clock_gettime({clock}) failed.");
        }

        return (ts.Seconds * 1_000_000_000) + ts.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec ts);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
