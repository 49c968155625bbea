using System.Runtime.InteropServices;

namespace Verified.Bench;

/// <summary>
/// CPU time (user + system) used by this process's waited-for children, from getrusage
/// (RUSAGE_CHILDREN): the machine is shared, so CPU time is the fair measure of a child run.
/// </summary>
internal static partial class ChildCpuTime
{
    private const int RusageChildren = -1;

    public static TimeSpan Total
    {
        get
        {
            if (GetRusage(RusageChildren, out var usage) != 0)
            {
                throw new InvalidOperationException("getrusage(RUSAGE_CHILDREN) failed.");
            }
            return TimeSpan.FromMicroseconds((usage.UserSeconds * 1_000_000) + usage.UserMicroseconds + (usage.SystemSeconds * 1_000_000) + usage.SystemMicroseconds);
        }
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, out Rusage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRss, Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }
}
