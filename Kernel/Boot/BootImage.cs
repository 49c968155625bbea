using System.Collections.Immutable;

namespace Verified.Kernel.Boot;

/// <summary>One loadable segment of a boot image (the kernel's view of an ELF program header).</summary>
public sealed record BootSegment(ulong VirtualAddress, ImmutableArray<byte> FileBytes, ulong MemorySize, bool Writable);

/// <summary>A program to run as the root task: entry point and segments.</summary>
public sealed record BootImage(ulong Entry, ImmutableArray<BootSegment> Segments)
{
    /// <summary>A root task with no code (CPU-less tests drive it through the C# API).</summary>
    public static BootImage Empty { get; } = new(0, []);
}
