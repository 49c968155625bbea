namespace Verified.Kernel.Memory;

/// <summary>
/// Physical memory in host arrays (tests and model checking without a CPU). It is kept as 4 KiB
/// pages allocated on first write, and a page never written reads as zeroes: a booted kernel
/// writes only a few pages of its memory, and allocating the whole memory as one array put
/// megabytes on the large-object heap per boot, which forced a full collection for nearly every
/// kernel a property test boots.
/// </summary>
public sealed class ArrayPhysicalMemory : IPhysicalMemory
{
    private const int PageShift = 12;
    private const int PageSize = 1 << PageShift;

    private byte[]?[] pages;

    /// <summary>Creates zeroed memory of the given size.</summary>
    public ArrayPhysicalMemory(ulong size)
    {
        if (size % PageSize != 0 || size == 0 || size > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "memory size must be a non-zero multiple of 4096 below 2 GiB");
        }

        Size = size;
        pages = new byte[]?[size >> PageShift];
    }

    /// <inheritdoc/>
    public ulong Size { get; }

    /// <inheritdoc/>
    public void Read(ulong paddr, Span<byte> destination)
    {
        Checked(paddr, destination.Length);
        while (!destination.IsEmpty)
        {
            var (page, offset, n) = Piece(paddr, destination.Length);
            var bytes = pages[page];
            if (bytes is null)
            {
                destination[..n].Clear();
            }
            else
            {
                bytes.AsSpan(offset, n).CopyTo(destination);
            }

            destination = destination[n..];
            paddr += (ulong)n;
        }
    }

    /// <inheritdoc/>
    public void Write(ulong paddr, ReadOnlySpan<byte> source)
    {
        Checked(paddr, source.Length);
        while (!source.IsEmpty)
        {
            var (page, offset, n) = Piece(paddr, source.Length);
            source[..n].CopyTo(Writable(page).AsSpan(offset, n));
            source = source[n..];
            paddr += (ulong)n;
        }
    }

    /// <inheritdoc/>
    public ulong ReadUInt64(ulong paddr)
    {
        Span<byte> word = stackalloc byte[8];
        Read(paddr, word);
        return BitConverter.ToUInt64(word);
    }

    /// <inheritdoc/>
    public void WriteUInt64(ulong paddr, ulong value)
    {
        Span<byte> word = stackalloc byte[8];
        BitConverter.TryWriteBytes(word, value);
        Write(paddr, word);
    }

    /// <inheritdoc/>
    public void Clear(ulong paddr, ulong length)
    {
        if (length > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"cannot clear {length} bytes at once");
        }

        var remaining = (int)length;
        Checked(paddr, remaining);
        while (remaining > 0)
        {
            var (page, offset, n) = Piece(paddr, remaining);
            if (n == PageSize)
            {
                // A whole page cleared reads as zeroes without its array.
                pages[page] = null;
            }
            else
            {
                pages[page]?.AsSpan(offset, n).Clear();
            }

            remaining -= n;
            paddr += (ulong)n;
        }
    }

    /// <summary>A copy of the contents (snapshots of CPU-less kernels).</summary>
    public byte[] CopyOut()
    {
        var contents = new byte[Size];
        for (var page = 0; page < pages.Length; page++)
        {
            pages[page]?.CopyTo(contents, page << PageShift);
        }

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

        var copied = new byte[]?[pages.Length];
        for (var page = 0; page < copied.Length; page++)
        {
            var source = contents.AsSpan(page << PageShift, PageSize);
            if (source.ContainsAnyExcept((byte)0))
            {
                copied[page] = source.ToArray();
            }
        }

        pages = copied;
    }

    private static (int Page, int Offset, int Length) Piece(ulong paddr, int remaining)
    {
        var offset = (int)(paddr & (PageSize - 1));
        return ((int)(paddr >> PageShift), offset, Math.Min(remaining, PageSize - offset));
    }

    private byte[] Writable(int page) => pages[page] ??= new byte[PageSize];

    private void Checked(ulong paddr, int length)
    {
        if (length < 0 || paddr > Size || (ulong)length > Size - paddr)
        {
            throw new ArgumentOutOfRangeException(nameof(paddr), $"physical range 0x{paddr:x}+{length} is outside memory of {Size} bytes");
        }
    }
}
