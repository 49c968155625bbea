using System.Globalization;
using System.Text;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Proofs.Refinement;

namespace Verified.Bench;

/// <summary>
/// The checker's CPU time per syscall kind and phase: wraps the kernel's observer (the checker,
/// with its phase clocks on) and charges the growth of each phase's total between a syscall's
/// entry and exit to the syscall's number. Tells which phase makes a kind expensive (the table by
/// kind says only that it is). Reads no clock of its own.
/// </summary>
internal sealed class KindPhaseTimer(ISyscallObserver inner, RefinementChecker checker) : ISyscallObserver
{
    private static readonly CheckerPhase[] Phases = [CheckerPhase.AbstractPre, CheckerPhase.Decide, CheckerPhase.AbstractPost, CheckerPhase.Transition, CheckerPhase.Invariants];
    private readonly Dictionary<long, (long Count, double[] Micros)> kinds = [];
    private readonly double[] start = new double[Phases.Length];

    /// <summary>Replaces <paramref name="kernel"/>'s observer (which must call <paramref name="checker"/>) with a timer that calls it.</summary>
    public static KindPhaseTimer Install(Kernel.Kernel kernel, RefinementChecker checker)
    {
        var timer = new KindPhaseTimer(kernel.Observer ?? throw new InvalidOperationException("KindPhaseTimer: the kernel has no observer to wrap"), checker);
        kernel.Observer = timer;
        return timer;
    }

    public void Before(Kernel.Kernel kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args)
    {
        for (var i = 0; i < Phases.Length; i++) start[i] = checker.Timings.Cpu(Phases[i]).TotalMicroseconds;
        inner.Before(kernel, caller, number, args);
    }

    public void After(Kernel.Kernel kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args, KernelError status, bool restarted)
    {
        inner.After(kernel, caller, number, args, status, restarted);
        var key = SyscallKindTimer.Key(number);
        if (!kinds.TryGetValue(key, out var row)) row = (0, new double[Phases.Length]);
        for (var i = 0; i < Phases.Length; i++) row.Micros[i] += checker.Timings.Cpu(Phases[i]).TotalMicroseconds - start[i];
        kinds[key] = (row.Count + 1, row.Micros);
    }

    /// <summary>Per kind, most expensive first: calls, the mean checker CPU µs per call, and its split by phase.</summary>
    public string Table()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"  {"syscall",-22} {"calls",6} {"checker µs",10} {string.Join(" ", Phases.Select(p => $"{p,12}"))}");
        foreach (var (n, (count, micros)) in kinds.OrderByDescending(kv => kv.Value.Micros.Sum()))
        {
            text.AppendLine(inv, $"  {(Enum.IsDefined((SyscallNumber)n) ? ((SyscallNumber)n).ToString() : "(undefined numbers)"),-22} {count,6} {micros.Sum() / count,10:F1} {string.Join(" ", micros.Select(m => $"{m / count,12:F1}"))}");
        }

        return text.ToString().TrimEnd();
    }
}
