using System.Collections.Immutable;

namespace Verified.Machine.Elf;

/// <summary>One PT_LOAD segment: bytes from the file, zero-filled up to MemorySize, with its permissions.</summary>
public sealed record ElfSegment(ulong VirtualAddress, ImmutableArray<byte> FileBytes, ulong MemorySize, bool Readable, bool Writable, bool Executable)
{
    public bool Equals(ElfSegment? other) =>
        other is not null && VirtualAddress == other.VirtualAddress && MemorySize == other.MemorySize
        && Readable == other.Readable && Writable == other.Writable && Executable == other.Executable
        && FileBytes.AsSpan().SequenceEqual(other.FileBytes.AsSpan());

    public override int GetHashCode() => HashCode.Combine(VirtualAddress, MemorySize, FileBytes.Length, Readable, Writable, Executable);
}
