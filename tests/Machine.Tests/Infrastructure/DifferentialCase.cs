using System.Collections.Immutable;

namespace Verified.Machine.Tests.Infrastructure;

/// <summary>
/// One differential case: code placed at <see cref="GuestLayout.CodeAddress"/>, the 16 general
/// registers in encoding order, the initial RFLAGS, and the seed of the data/stack pages.
/// <see cref="ComparedFlags"/> masks out flags the architecture leaves undefined at the end.
/// <see cref="GsBase"/> is the GS segment base for gs-prefixed operands.
/// </summary>
public sealed record DifferentialCase(
    ImmutableArray<byte> Code,
    ImmutableArray<ulong> Registers,
    ulong Rflags,
    ulong MemorySeed,
    ulong ComparedFlags,
    string Listing,
    ulong GsBase = 0)
{
    public bool Equals(DifferentialCase? other) =>
        other is not null
        && Code.SequenceEqual(other.Code)
        && Registers.SequenceEqual(other.Registers)
        && Rflags == other.Rflags
        && MemorySeed == other.MemorySeed
        && ComparedFlags == other.ComparedFlags
        && Listing == other.Listing
        && GsBase == other.GsBase;

    public override int GetHashCode() => HashCode.Combine(Code.Length, Rflags, MemorySeed, Listing);

    /// <summary>Where the code ends: natively a jump back to the harness, in the emulator an int3.</summary>
    public ulong EndAddress => GuestLayout.CodeAddress + (ulong)Code.Length;
}

/// <summary>How a case stopped, in terms both the host (signals) and the emulator (vectors) map onto.</summary>
public enum StopKind
{
    /// <summary>Ran to the end of the code.</summary>
    End,
    DivideError,
    /// <summary>#PF (SIGSEGV with SEGV_MAPERR/SEGV_ACCERR natively); the outcome's FaultAddress is CR2.</summary>
    PageFault,
    /// <summary>#GP (SIGSEGV with SI_KERNEL natively).</summary>
    GeneralProtection,
    InvalidOpcode,
    Breakpoint,
    Other,
}

/// <summary>
/// The final state of a case on one side. Memory is the set of 8-byte words that changed.
/// FaultAddress is CR2 for a page fault and 0 otherwise.
/// </summary>
public sealed record CaseOutcome(
    StopKind Stop,
    ulong FaultRip,
    ulong FaultAddress,
    ImmutableArray<ulong> Registers,
    ulong Rflags,
    ImmutableSortedDictionary<int, ulong> ChangedWords)
{
    public bool Equals(CaseOutcome? other) =>
        other is not null
        && Stop == other.Stop
        && FaultRip == other.FaultRip
        && FaultAddress == other.FaultAddress
        && Registers.SequenceEqual(other.Registers)
        && Rflags == other.Rflags
        && ChangedWords.SequenceEqual(other.ChangedWords);

    public override int GetHashCode() => HashCode.Combine(Stop, FaultRip, Rflags, ChangedWords.Count);
}
