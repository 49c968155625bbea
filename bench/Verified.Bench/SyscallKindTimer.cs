using System.Diagnostics;
using System.Globalization;
using System.Text;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Proofs.Refinement;

namespace Verified.Bench;

/// <summary>
/// Time of each syscall by syscall number, from the kernel's entry hook to its exit hook
/// (<see cref="ISyscallObserver.Before"/> to <see cref="ISyscallObserver.After"/>): the kernel's
/// own work plus, when it wraps the refinement checker, the checker's. Wall time always; the
/// thread's CPU time too when <paramref name="cpu"/> (a system call per read, about a
/// microsecond: fine around a checked syscall, not around an unchecked one of a fraction of a
/// microsecond). Installed in place of the kernel's observer for a separate pass only, so its clock
/// reads are not part of the headline figures. Collections triggered during a syscall are charged
/// to it, which is fair as the allocating kinds trigger them.
/// </summary>
internal sealed class SyscallKindTimer(ISyscallObserver? inner, bool cpu) : ISyscallObserver
{
    private const long Undefined = long.MinValue;
    private readonly Dictionary<long, Totals> kinds = [];
    private long start;
    private long startCpu;

    /// <summary>One row: calls, wall Stopwatch ticks, thread CPU nanoseconds.</summary>
    private readonly record struct Totals(long Count, long Ticks, long CpuNs)
    {
        public static Totals operator +(Totals a, Totals b) => new(a.Count + b.Count, a.Ticks + b.Ticks, a.CpuNs + b.CpuNs);
    }

    /// <summary>Replaces <paramref name="kernel"/>'s observer with a timer that calls the old one.</summary>
    public static SyscallKindTimer Install(Kernel.Kernel kernel, bool cpu)
    {
        var timer = new SyscallKindTimer(kernel.Observer, cpu);
        kernel.Observer = timer;
        return timer;
    }

    /// <summary>The row a syscall number is counted in: its own, or one row for every undefined number (a fault).</summary>
    public static long Key(long number) => Enum.IsDefined((SyscallNumber)number) ? number : Undefined;

    public void Before(Kernel.Kernel kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args)
    {
        if (cpu) startCpu = CpuClock.ThreadNanoseconds();
        start = Stopwatch.GetTimestamp();
        inner?.Before(kernel, caller, number, args);
    }

    public void After(Kernel.Kernel kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args, KernelError status, bool restarted)
    {
        inner?.After(kernel, caller, number, args, status, restarted);
        var elapsed = Stopwatch.GetTimestamp() - start;
        var cpuNs = cpu ? CpuClock.ThreadNanoseconds() - startCpu : 0;
        var key = Key(number);
        kinds[key] = kinds.GetValueOrDefault(key) + new Totals(1, elapsed, cpuNs);
    }

    /// <summary>Adds another timer's counts (several kernels of one workload).</summary>
    public void Add(SyscallKindTimer other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (n, t) in other.kinds)
        {
            kinds[n] = kinds.GetValueOrDefault(n) + t;
        }
    }

    /// <summary>
    /// A table, most expensive kind (checked CPU time) first: per kind the number of calls, how
    /// many of them the checker compared with a spec transition (<paramref name="compared"/>, by
    /// <see cref="Key"/>; the others were documented divergences or unmodelled), the mean CPU and
    /// wall time of a checked call, the mean wall time of an unchecked call, and the kind's share
    /// of the checked CPU time. Both timers must have seen the same calls; the checked one with
    /// its CPU clock on.
    /// </summary>
    public static string Table(SyscallKindTimer checkedTimer, SyscallKindTimer plainTimer, IReadOnlyDictionary<long, int> compared)
    {
        ArgumentNullException.ThrowIfNull(checkedTimer);
        ArgumentNullException.ThrowIfNull(plainTimer);
        ArgumentNullException.ThrowIfNull(compared);
        var total = checkedTimer.kinds.Values.Aggregate(default(Totals), (a, b) => a + b);
        var plainTotal = plainTimer.kinds.Values.Aggregate(default(Totals), (a, b) => a + b);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"  {"syscall",-22} {"calls",6} {"compared",8} {"checked µs CPU",14} {"(wall)",8} {"unchecked µs",12} {"share of checked CPU",20}");
        foreach (var (n, t) in checkedTimer.kinds.OrderByDescending(kv => kv.Value.CpuNs))
        {
            var plain = plainTimer.kinds.GetValueOrDefault(n);
            var plainMean = plain.Count == 0 ? double.NaN : Micro(plain.Ticks) / plain.Count;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {Name(n),-22} {t.Count,6} {compared.GetValueOrDefault(n),8} {t.CpuNs / 1e3 / t.Count,14:F1} {Micro(t.Ticks) / t.Count,8:F1} {plainMean,12:F2} {100.0 * t.CpuNs / total.CpuNs,19:F1}%");
        }

        text.Append(CultureInfo.InvariantCulture,
            $"  all: {total.Count} calls; checked {total.CpuNs / 1e6:F1} ms CPU ({Micro(total.Ticks) / 1000:F1} ms wall); unchecked {Micro(plainTotal.Ticks) / 1000:F1} ms wall for {plainTotal.Count} calls (the kernel alone: no boot, no guest code)");
        return text.ToString();
    }

    private static string Name(long key) => key == Undefined ? "(undefined numbers)" : ((SyscallNumber)key).ToString();

    private static double Micro(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
}
