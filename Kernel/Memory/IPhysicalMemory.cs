namespace Verified.Kernel.Memory;

/// <summary>
/// The kernel's view of physical memory. The machine's memory is adapted to it
/// (MachineMemory, once the machine is merged); <see cref="ArrayPhysicalMemory"/> serves tests without a CPU.
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

/// <summary>Physical memory in a host array (tests and model checking without a CPU).</summary>
public sealed class ArrayPhysicalMemory : IPhysicalMemory
{
    private byte[] bytes;

    /// <summary>Creates zeroed memory of the given size.</summary>
    public ArrayPhysicalMemory(ulong size)
    {
        if (size % 4096 != 0 || size == 0 || size > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "memory size must be a non-zero multiple of 4096 below 2 GiB");
        }

        bytes = new byte[size];
    }

    /// <inheritdoc/>
    public ulong Size => (ulong)bytes.Length;

    /// <inheritdoc/>
    public void Read(ulong paddr, Span<byte> destination) => bytes.AsSpan(Checked(paddr, destination.Length), destination.Length).CopyTo(destination);

    /// <inheritdoc/>
    public void Write(ulong paddr, ReadOnlySpan<byte> source) => source.CopyTo(bytes.AsSpan(Checked(paddr, source.Length), source.Length));

    /// <inheritdoc/>
    public ulong ReadUInt64(ulong paddr) => BitConverter.ToUInt64(bytes, Checked(paddr, 8));

    /// <inheritdoc/>
    public void WriteUInt64(ulong paddr, ulong value) => BitConverter.TryWriteBytes(bytes.AsSpan(Checked(paddr, 8)), value);

    /// <inheritdoc/>
    public void Clear(ulong paddr, ulong length) => bytes.AsSpan(Checked(paddr, (int)length), (int)length).Clear();

    /// <summary>A copy of the contents (snapshots of CPU-less kernels).</summary>
    public byte[] CopyOut() => (byte[])bytes.Clone();

    /// <summary>Replaces the contents.</summary>
    public void CopyIn(byte[] contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        if (contents.Length != bytes.Length)
        {
            throw new ArgumentException("snapshot size differs from the memory size", nameof(contents));
        }

        bytes = (byte[])contents.Clone();
    }

    private int Checked(ulong paddr, int length)
    {
        if (length < 0 || paddr > (ulong)bytes.Length || (ulong)length > (ulong)bytes.Length - paddr)
        {
            throw new ArgumentOutOfRangeException(nameof(paddr), $"physical range 0x{paddr:x}+{length} is outside memory of {bytes.Length} bytes");
        }

        return (int)paddr;
    }
}
