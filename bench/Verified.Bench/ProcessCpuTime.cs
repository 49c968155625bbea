using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Verified.Bench;

/// <summary>
/// CPU time of this process, all threads (the garbage collector's included), to the nanosecond
/// from clock_gettime(CLOCK_PROCESS_CPUTIME_ID) on Linux: Process.TotalProcessorTime reads
/// /proc in clock ticks (10 ms), too coarse for a run of an example program that takes a few
/// milliseconds. Elsewhere it falls back to Process.TotalProcessorTime.
/// </summary>
internal static partial class ProcessCpuTime
{
    private const int ClockProcessCpuTimeId = 2;

    public static TimeSpan Now
    {
        get
        {
            if (!OperatingSystem.IsLinux()) return Process.GetCurrentProcess().TotalProcessorTime;
            if (ClockGetTime(ClockProcessCpuTimeId, out var ts) != 0)
            {
                throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed.");
            }

            return TimeSpan.FromTicks((ts.Seconds * TimeSpan.TicksPerSecond) + (ts.Nanoseconds / 100));
        }
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
