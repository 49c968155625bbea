using System.Collections.Immutable;
using System.Security.Cryptography;

namespace Verified.Trace;

/// <summary>
/// The machine a CPU-driven run booted (format version 2): everything needed to run the same
/// guest programs on the same kernel configuration again, deterministically, and how far the
/// original run got. Present only in traces of runs on the emulated CPU; a trace of syscalls
/// driven from C# has none (its initial state is enough to replay it).
/// </summary>
/// <param name="Images">The ELF images and boot modules by value: the first is the root task, the rest are boot modules.</param>
/// <param name="MemoryBytes">Physical memory of the machine.</param>
/// <param name="TimeSlice">Instructions a task runs before it is preempted.</param>
/// <param name="SliceInstructions">The run loop's granularity: the system is run this many instructions at a time (the schedule depends on it).</param>
/// <param name="RevokeDeletionsPerEntry">The kernel's revoke preemption setting.</param>
/// <param name="CrossCheckEvery">The checker's cross-check period (0 = off).</param>
/// <param name="PlantedFaults">Names of the planted kernel faults the run had on.</param>
/// <param name="Step">Syscalls the checker had seen when it reported the violation (the violating one included).</param>
/// <param name="Instructions">Guest instructions retired when the run stopped at the violation.</param>
/// <param name="Origin">How the images came about, for people (e.g. the fuzz seed and its parameters); not used to replay.</param>
public sealed record TraceMachine(
    ImmutableArray<TraceImage> Images,
    ulong MemoryBytes,
    long TimeSlice,
    long SliceInstructions,
    int RevokeDeletionsPerEntry,
    int CrossCheckEvery,
    ImmutableArray<string> PlantedFaults,
    long Step,
    long Instructions,
    string? Origin = null)
{
    public bool Equals(TraceMachine? other) =>
        other is not null
        && Images.SequenceEqual(other.Images)
        && MemoryBytes == other.MemoryBytes
        && TimeSlice == other.TimeSlice
        && SliceInstructions == other.SliceInstructions
        && RevokeDeletionsPerEntry == other.RevokeDeletionsPerEntry
        && CrossCheckEvery == other.CrossCheckEvery
        && PlantedFaults.SequenceEqual(other.PlantedFaults)
        && Step == other.Step
        && Instructions == other.Instructions
        && Origin == other.Origin;

    public override int GetHashCode() => HashCode.Combine(Images.Length, MemoryBytes, Step, Instructions);
}

/// <summary>One image by value. The JSON form carries its SHA-256 so an altered file is refused, not run.</summary>
public sealed record TraceImage(string Name, ImmutableArray<byte> Bytes)
{
    /// <summary>The lower-case hexadecimal SHA-256 of <see cref="Bytes"/>.</summary>
    public string Sha256 => Hash(Bytes.AsSpan());

    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public bool Equals(TraceImage? other) => other is not null && Name == other.Name && Bytes.AsSpan().SequenceEqual(other.Bytes.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Name, Bytes.Length);
}
