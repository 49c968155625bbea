using System.Diagnostics;
using System.Globalization;
using System.Text;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;

namespace Verified.Bench;

/// <summary>
/// Wall time of each syscall by syscall number, from the kernel's entry hook to its exit hook
/// (<see cref="ISyscallObserver.Before"/> to <see cref="ISyscallObserver.After"/>): the kernel's
/// own work plus, when it wraps the refinement checker, the checker's. Installed in place of the
/// kernel's observer for a separate pass only — its two clock reads per syscall are not part of
/// the headline figures. Collections triggered during a syscall are charged to it, which is fair
/// as the allocating kinds trigger them.
/// </summary>
internal sealed class SyscallKindTimer(ISyscallObserver? inner) : ISyscallObserver
{
    private readonly Dictionary<long, (long Count, long Ticks)> kinds = [];
    private long start;

    /// <summary>Replaces <paramref name="kernel"/>'s observer with a timer that calls the old one.</summary>
    public static SyscallKindTimer Install(Kernel.Kernel kernel)
    {
        var timer = new SyscallKindTimer(kernel.Observer);
        kernel.Observer = timer;
        return timer;
    }

    public IReadOnlyDictionary<long, (long Count, long Ticks)> Kinds => kinds;

    public void Before(Kernel.Kernel kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args)
    {
        start = Stopwatch.GetTimestamp();
        inner?.Before(kernel, caller, number, args);
    }

    public void After(Kernel.Kernel kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args, KernelError status, bool restarted)
    {
        inner?.After(kernel, caller, number, args, status, restarted);
        var elapsed = Stopwatch.GetTimestamp() - start;
        var key = Key(number);
        var (count, ticks) = kinds.GetValueOrDefault(key);
        kinds[key] = (count + 1, ticks + elapsed);
    }

    /// <summary>Adds another timer's counts (several kernels of one workload).</summary>
    public void Add(SyscallKindTimer other)
    {
        foreach (var (n, (c, t)) in other.kinds)
        {
            var (count, ticks) = kinds.GetValueOrDefault(n);
            kinds[n] = (count + c, ticks + t);
        }
    }

    /// <summary>The row a syscall number is counted in: its own, or one row for every undefined number (a fault).</summary>
    public static long Key(long number) => Enum.IsDefined((SyscallNumber)number) ? number : Undefined;

    private const long Undefined = long.MinValue;

    private static string Name(long key) => key == Undefined ? "(undefined numbers)" : ((SyscallNumber)key).ToString();

    /// <summary>
    /// A table, most expensive kind (total checked time) first: per kind the number of calls, the
    /// mean time of a checked and of an unchecked call, the checker's extra cost per call and the
    /// kind's share of the whole checked time; and how many of its calls the checker compared with
    /// a spec transition (<paramref name="compared"/>, by <see cref="Key"/>; the others were documented
    /// divergences or unmodelled). Both timers must have seen the same calls.
    /// </summary>
    public static string Table(SyscallKindTimer checkedTimer, SyscallKindTimer plainTimer, IReadOnlyDictionary<long, int> compared)
    {
        var total = checkedTimer.kinds.Values.Sum(v => v.Ticks);
        var totalExtra = checkedTimer.kinds.Sum(kv => kv.Value.Ticks - plainTimer.kinds.GetValueOrDefault(kv.Key).Ticks);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"  {"syscall",-22} {"calls",7} {"compared",8} {"checked µs",11} {"unchecked µs",13} {"extra µs",9} {"share of checked time",22}");
        foreach (var (n, (count, ticks)) in checkedTimer.kinds.OrderByDescending(kv => kv.Value.Ticks))
        {
            var plain = plainTimer.kinds.GetValueOrDefault(n);
            var mean = Micro(ticks) / count;
            var plainMean = plain.Count == 0 ? double.NaN : Micro(plain.Ticks) / plain.Count;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {Name(n),-22} {count,7} {compared.GetValueOrDefault(n),8} {mean,11:F1} {plainMean,13:F1} {mean - plainMean,9:F1} {100.0 * ticks / total,21:F1}%");
        }

        text.Append(CultureInfo.InvariantCulture, $"  all: {checkedTimer.kinds.Values.Sum(v => v.Count)} calls, checked {Micro(total) / 1000:F1} ms, unchecked {Micro(plainTimer.kinds.Values.Sum(v => v.Ticks)) / 1000:F1} ms (the kernel alone, no boot, no guest code), the checker's extra {Micro(totalExtra) / 1000:F1} ms");
        return text.ToString();
    }

    private static double Micro(long ticks) => ticks * 1e6 / Stopwatch.Frequency;
}
