using System.Collections.Immutable;
using Verified.Kernel.Run;
using Verified.Trace;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Everything that decides a run of guest programs on the emulated CPU with the refinement checker
/// on: the images by value (root task first, then boot modules), the machine's memory, the
/// scheduler's time slice, the run loop's slice, the kernel's settings and the planted faults.
/// The machine and kernel are deterministic, so the same recipe gives the same run — which is
/// what makes a counterexample found on the CPU replayable.
/// </summary>
/// <param name="RevokeDeletionsPerEntry">The kernel's revoke preemption setting; null keeps the kernel's default.</param>
/// <param name="Origin">How the images came about, for people (recorded, not used to run).</param>
public sealed record MachineRecipe(
    ImmutableArray<TraceImage> Images,
    ulong MemoryBytes,
    long TimeSlice,
    long SliceInstructions,
    ImmutableArray<string> PlantedFaults,
    int CrossCheckEvery = 16,
    int? RevokeDeletionsPerEntry = null,
    string? Origin = null)
{
    /// <summary>
    /// A program booted as the root task (with optional boot modules), as the kernel tests and
    /// `verified boot` run it: 32 MiB unless given, the default time slice of 20,000 instructions,
    /// run 20,000 instructions at a time (so a bound is tested often).
    /// </summary>
    public static MachineRecipe Program(string name, byte[] elf, IEnumerable<string>? plantedFaults = null, IEnumerable<(string Name, byte[] Bytes)>? modules = null, ulong memoryBytes = 32 << 20)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(elf);
        ImmutableArray<TraceImage> images = [new(name, [.. elf]), .. (modules ?? []).Select(m => new TraceImage(m.Name, [.. m.Bytes]))];
        return new MachineRecipe(images, memoryBytes, 20_000, 20_000, [.. plantedFaults ?? []], Origin: $"program {name}");
    }

    /// <summary>The random x86 tasks of <see cref="MachineFuzz"/> with a seed: the same boot, time slice and run loop as MachineFuzz.Run.</summary>
    public static MachineRecipe Fuzz(byte[] fuzzElf, ulong seed, IEnumerable<string>? plantedFaults = null)
    {
        ArgumentNullException.ThrowIfNull(fuzzElf);
        return new MachineRecipe(
            [new("fuzz.elf", [.. fuzzElf]), new("seed", [.. MachineFuzz.SeedModule(seed)])],
            MachineFuzz.MemoryBytes,
            MachineFuzz.TimeSlice,
            MachineFuzz.SliceInstructions,
            [.. plantedFaults ?? []],
            Origin: $"machine fuzz (Userland/examples/fuzz.c), seed 0x{seed:x}, time slice {MachineFuzz.TimeSlice}, run slice {MachineFuzz.SliceInstructions}");
    }

    public bool Equals(MachineRecipe? other) =>
        other is not null
        && Images.SequenceEqual(other.Images)
        && MemoryBytes == other.MemoryBytes
        && TimeSlice == other.TimeSlice
        && SliceInstructions == other.SliceInstructions
        && PlantedFaults.SequenceEqual(other.PlantedFaults)
        && CrossCheckEvery == other.CrossCheckEvery
        && RevokeDeletionsPerEntry == other.RevokeDeletionsPerEntry
        && Origin == other.Origin;

    public override int GetHashCode() => HashCode.Combine(Images.Length, MemoryBytes, TimeSlice, SliceInstructions);
}
