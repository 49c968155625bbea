using System.Collections.Immutable;
using Verified.Trace;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Replays a counterexample found on the emulated CPU: boots the recorded images with the
/// recorded settings and planted faults, runs the same loop with the checker on, and compares
/// the violation (property and clause) with the recorded one. Bounded: it stops once the run has
/// gone <see cref="StepMargin"/> syscalls past the recorded step, or as many instructions again
/// as the recording needed (at least <see cref="MinimumSlices"/> slices, at most
/// <see cref="MaximumInstructionMargin"/>) — so a kernel that no longer fails, or now keeps its
/// guests from making syscalls, still ends. The step bound is exact (the machine is interrupted at
/// that syscall); the instruction bound is tested between run slices.
/// </summary>
public static class MachineReplayer
{
    /// <summary>Checked syscalls the replay may run past the recorded violation step.</summary>
    public const long StepMargin = 1_000;

    /// <summary>The instruction margin is at least this many run slices.</summary>
    public const long MinimumSlices = 64;

    /// <summary>The instruction margin is at most this (about a minute of guest time with the checker on).</summary>
    public const long MaximumInstructionMargin = 1_000_000_000;

    public static ReplayOutcome Replay(TraceDocument trace, TraceMachine m, TraceViolation recorded)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(recorded);
        var recipe = new MachineRecipe(m.Images, m.MemoryBytes, m.TimeSlice, m.SliceInstructions, m.PlantedFaults, m.CrossCheckEvery, m.RevokeDeletionsPerEntry, m.Origin);
        if (!CheckedMachineRun.TryStart(recipe, out var run, out var error)) return new ReplayOutcome.BadInput(error!);
        var margin = Math.Min(MaximumInstructionMargin, Math.Max(m.Instructions, SaturatingMultiply(m.SliceInstructions, MinimumSlices)));
        var maxInstructions = SaturatingAdd(m.Instructions, margin);
        var v = run!.Run(SaturatingAdd(m.Step, StepMargin), maxInstructions);
        var steps = run.Checker.Steps.Count;
        var divergence = FirstDifference(trace.Steps, Counterexample.ToTrace(run.Checker, "replay").Steps);
        if (v is null)
        {
            var why = run.Ended is { } ended
                ? $"the machine ran to its end ({ended}) after {steps} syscalls, all passing the checker"
                : $"no violation within the bound: {steps} syscalls (recorded at step {m.Step}, margin {StepMargin}), {run.Instructions} instructions";
            return new ReplayOutcome.NotReproduced(why + divergence);
        }

        if (v.Property != recorded.Property || v.Clause != recorded.Clause)
        {
            return new ReplayOutcome.NotReproduced($"step {steps} broke {v.Property}/{v.Clause} instead: {v.Message}{divergence}");
        }

        var note = steps == m.Step && divergence.Length == 0
            ? $"the same {steps} syscalls as recorded"
            : $"recorded at step {m.Step}{divergence}";
        return new ReplayOutcome.Reproduced(v, steps, note);
    }

    // Where the replayed syscalls (task, number, arguments, status) first differ from the recorded
    // ones, for a reader who wants to know whether the run went the same way.
    private static string FirstDifference(ImmutableArray<TraceStep> recorded, ImmutableArray<TraceStep> replayed)
    {
        var common = Math.Min(recorded.Length, replayed.Length);
        for (var i = 0; i < common; i++)
        {
            if (!recorded[i].Equals(replayed[i])) return $"; the syscalls differ from the recording from step {i + 1} on";
        }

        return recorded.Length == replayed.Length ? "" : $"; the recording has {recorded.Length} syscalls, the replay {replayed.Length}";
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static long SaturatingMultiply(long a, long b) => a > long.MaxValue / b ? long.MaxValue : a * b;
}
