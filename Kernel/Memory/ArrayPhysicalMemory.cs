using Verified.Machine;

namespace Verified.Kernel.Memory;

/// <summary>
/// Physical memory for kernels without a CPU (tests and model checking), kept in the machine's
/// <see cref="PhysicalMemory"/>: pages are allocated on first write and a page never written reads
/// as zeroes. A booted kernel writes only a few pages of its memory; allocating the whole memory as
/// one array put megabytes on the large-object heap per boot, which forced a full collection for
/// nearly every kernel a property test boots. Adds whole-memory copies for snapshots of CPU-less
/// kernels.
/// </summary>
public sealed class ArrayPhysicalMemory : IPhysicalMemory
{
    private const int PageSize = 4096;

    private PhysicalMemory pages;

    /// <summary>Creates zeroed memory of the given size.</summary>
    public ArrayPhysicalMemory(ulong size)
    {
        // Below 2 GiB: CopyOut returns the whole memory as one array.
        if (size % PageSize != 0 || size == 0 || size > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "memory size must be a non-zero multiple of 4096 below 2 GiB");
        }

        pages = new PhysicalMemory(size);
    }

    /// <inheritdoc/>
    public ulong Size => pages.Size;

    /// <inheritdoc/>
    public void Read(ulong paddr, Span<byte> destination) => pages.Read(paddr, destination);

    /// <inheritdoc/>
    public void Write(ulong paddr, ReadOnlySpan<byte> source) => pages.Write(paddr, source);

    /// <inheritdoc/>
    public ulong ReadUInt64(ulong paddr) => pages.ReadUInt64(paddr);

    /// <inheritdoc/>
    public void WriteUInt64(ulong paddr, ulong value) => pages.WriteUInt64(paddr, value);

    /// <inheritdoc/>
    public void Clear(ulong paddr, ulong length) => pages.Clear(paddr, length);

    /// <summary>A copy of the contents (snapshots of CPU-less kernels).</summary>
    public byte[] CopyOut()
    {
        var contents = new byte[Size];
        pages.Read(0, contents);
        return contents;
    }

    /// <summary>Replaces the contents.</summary>
    public void CopyIn(byte[] contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        if ((ulong)contents.Length != Size)
        {
            throw new ArgumentException("snapshot size differs from the memory size", nameof(contents));
        }

        // Fresh memory, written only where the snapshot is not zero, so zero pages stay unallocated.
        var copied = new PhysicalMemory(Size);
        for (var offset = 0; offset < contents.Length; offset += PageSize)
        {
            var page = contents.AsSpan(offset, PageSize);
            if (page.ContainsAnyExcept((byte)0)) copied.Write((ulong)offset, page);
        }

        pages = copied;
    }
}
