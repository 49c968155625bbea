namespace Verified.Kernel.Memory;

/// <summary>
/// The kernel's view of physical memory. The machine's memory is adapted to it
/// (MachineMemory); <see cref="ArrayPhysicalMemory"/> serves tests without a CPU.
/// Addresses are the kernel's own (already checked): out-of-range is host misuse and throws.
/// </summary>
public interface IPhysicalMemory
{
    /// <summary>Size in bytes (a multiple of 4096).</summary>
    ulong Size { get; }

    /// <summary>Reads bytes.</summary>
    void Read(ulong paddr, Span<byte> destination);

    /// <summary>Writes bytes.</summary>
    void Write(ulong paddr, ReadOnlySpan<byte> source);

    /// <summary>Reads a little-endian word.</summary>
    ulong ReadUInt64(ulong paddr);

    /// <summary>Writes a little-endian word.</summary>
    void WriteUInt64(ulong paddr, ulong value);

    /// <summary>Zeroes a range.</summary>
    void Clear(ulong paddr, ulong length);
}
