using System.Runtime.CompilerServices;
using System.Buffers.Binary;

namespace Verified.Machine;

/// <summary>
/// Guest physical memory: an array of 4 KiB pages. Pages start as one shared zero page and are
/// copied on first write, so large memories are cheap and snapshots are copy-on-write: a snapshot
/// shares every page array, and a page is copied the first time it is written afterwards.
/// Writes to a page holding translated code bump that page's code generation, which invalidates
/// the translated blocks on it (for host writes through this API and guest stores alike).
/// </summary>
public sealed class PhysicalMemory
{
    internal const int PageShift = 12;
    internal const int PageSize = 1 << PageShift;
    private static readonly byte[] ZeroPage = new byte[PageSize];

    private byte[][] pages;
    // A page array may be written in place only if it was allocated in the current epoch: every
    // snapshot and restore starts a new epoch, which makes all existing arrays shared.
    private readonly int[] ownerEpoch;
    private int epoch = 1;
    private readonly bool[] holdsCode;
    private readonly uint[] codeGeneration;

    public PhysicalMemory(ulong sizeBytes)
    {
        if (sizeBytes == 0 || sizeBytes % PageSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), sizeBytes, "Physical memory size must be a positive multiple of 4096.");
        }

        if (sizeBytes > 1UL << 40)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), sizeBytes, "Physical memory is limited to 1 TiB.");
        }

        Size = sizeBytes;
        var count = checked((int)(sizeBytes >> PageShift));
        pages = new byte[count][];
        Array.Fill(pages, ZeroPage);
        ownerEpoch = new int[count];
        holdsCode = new bool[count];
        codeGeneration = new uint[count];
    }

    public ulong Size { get; }

    internal int PageCount => pages.Length;

    /// <summary>Bumped whenever any page holding code is written: blocks re-check their pages only then.</summary>
    internal long CodeEpoch;

    /// <summary>Raised after a page array was replaced by a private copy, so TLBs can repoint to it.</summary>
    internal event Action<ulong, byte[]>? PageCopied;

    /// <summary>Raised when every page became shared (a snapshot or restore): no direct writes may remain.</summary>
    internal event Action? AllPagesShared;

    public void Read(ulong paddr, Span<byte> destination)
    {
        CheckRange(paddr, (ulong)destination.Length);
        while (!destination.IsEmpty)
        {
            var offset = (int)(paddr & (PageSize - 1));
            var n = Math.Min(destination.Length, PageSize - offset);
            pages[paddr >> PageShift].AsSpan(offset, n).CopyTo(destination);
            destination = destination[n..];
            paddr += (ulong)n;
        }
    }

    public void Write(ulong paddr, ReadOnlySpan<byte> source)
    {
        CheckRange(paddr, (ulong)source.Length);
        while (!source.IsEmpty)
        {
            var offset = (int)(paddr & (PageSize - 1));
            var n = Math.Min(source.Length, PageSize - offset);
            var page = WritablePage(paddr >> PageShift);
            source[..n].CopyTo(page.AsSpan(offset, n));
            source = source[n..];
            paddr += (ulong)n;
        }
    }

    public ulong ReadUInt64(ulong paddr)
    {
        Span<byte> b = stackalloc byte[8];
        Read(paddr, b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    public void WriteUInt64(ulong paddr, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        Write(paddr, b);
    }

    public void Clear(ulong paddr, ulong length)
    {
        CheckRange(paddr, length);
        var end = paddr + length;
        while (paddr < end)
        {
            var offset = (int)(paddr & (PageSize - 1));
            var n = (int)Math.Min(end - paddr, (ulong)(PageSize - offset));
            var ppn = paddr >> PageShift;
            if (n == PageSize && !holdsCode[ppn] && !ReferenceEquals(pages[ppn], ZeroPage))
            {
                // A whole-page clear shares the zero page again instead of copying.
                pages[ppn] = ZeroPage;
                ownerEpoch[ppn] = 0;
                PageCopied?.Invoke(ppn, ZeroPage);
            }
            else if (!ReferenceEquals(pages[ppn], ZeroPage))
            {
                // A part of the shared zero page is zero already: copying it to clear it would
                // only allocate (a CPU-less kernel clears parts of untouched pages on every retype).
                WritablePage(ppn).AsSpan(offset, n).Clear();
            }

            paddr += (ulong)n;
        }
    }

    /// <summary>The current array of a page, for reading only.</summary>
    internal byte[] PageForRead(ulong ppn) => pages[ppn];

    /// <summary>The page array, made private to this epoch, and code on it invalidated. For writes.</summary>
    internal byte[] WritablePage(ulong ppn)
    {
        if (holdsCode[ppn])
        {
            codeGeneration[ppn]++;
            CodeEpoch++;
        }

        if (ownerEpoch[ppn] == epoch)
        {
            return pages[ppn];
        }

        var copy = (byte[])pages[ppn].Clone();
        pages[ppn] = copy;
        ownerEpoch[ppn] = epoch;
        PageCopied?.Invoke(ppn, copy);
        return copy;
    }

    /// <summary>True when a store may go straight to the page array: private and holding no code.</summary>
    internal bool IsFastWritable(ulong ppn) => ownerEpoch[ppn] == epoch && !holdsCode[ppn];

    internal bool HoldsCode(ulong ppn) => holdsCode[ppn];

    internal uint CodeGeneration(ulong ppn) => codeGeneration[ppn];

    /// <summary>Marks a page as holding translated code; returns true if it was not marked before.</summary>
    internal bool MarkCode(ulong ppn)
    {
        if (holdsCode[ppn])
        {
            return false;
        }

        holdsCode[ppn] = true;
        return true;
    }

    internal byte[][] CaptureForSnapshot()
    {
        epoch++;
        AllPagesShared?.Invoke();
        return (byte[][])pages.Clone();
    }

    internal void RestoreFromSnapshot(byte[][] saved)
    {
        if (saved.Length != pages.Length)
        {
            throw new ArgumentException("The snapshot was taken of a memory of a different size.", nameof(saved));
        }

        for (var i = 0; i < pages.Length; i++)
        {
            if (!ReferenceEquals(pages[i], saved[i]) && holdsCode[i])
            {
                codeGeneration[i]++;
                CodeEpoch++;
            }
        }

        pages = (byte[][])saved.Clone();
        epoch++;
        AllPagesShared?.Invoke();
    }

    /// <summary>A hash of the contents: equal contents give equal hashes whatever the page sharing.</summary>
    internal ulong ContentHash()
    {
        ulong h = 0xcbf29ce484222325;
        for (var i = 0; i < pages.Length; i++)
        {
            if (ReferenceEquals(pages[i], ZeroPage))
            {
                continue;
            }

            var page = pages[i];
            var pageHash = ownerEpoch[i] == epoch ? PageHash(page) : SharedPageHash(i, page);
            if (pageHash == ZeroPageHash)
            {
                continue;
            }

            h = (h ^ ((ulong)i * 0x9E3779B97F4A7C15) ^ pageHash) * 0x100000001b3;
        }

        return h;
    }

    private static readonly ulong ZeroPageHash = PageHash(new byte[PageSize]);

    // A shared page array is never written again (writers copy it first), so its hash can be kept
    // beside it: after a snapshot, fingerprints only rehash the pages written since.
    private byte[]?[]? hashedArrays;
    private ulong[]? hashes;

    private ulong SharedPageHash(int index, byte[] page)
    {
        hashedArrays ??= new byte[]?[pages.Length];
        hashes ??= new ulong[pages.Length];
        if (!ReferenceEquals(hashedArrays[index], page))
        {
            hashes[index] = PageHash(page);
            hashedArrays[index] = page;
        }

        return hashes[index];
    }

    private static ulong PageHash(byte[] page)
    {
        // A multiply-xor mix over 64-bit words: fast and good enough to tell states apart.
        ulong h = 0x9E3779B97F4A7C15;
        foreach (var w in System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(page))
        {
            h = (h ^ w) * 0xff51afd7ed558ccd;
            h ^= h >> 29;
        }

        return h;
    }

    private void CheckRange(ulong paddr, ulong length)
    {
        if (paddr > Size || length > Size - paddr)
        {
            throw new ArgumentOutOfRangeException(nameof(paddr), paddr, $"Range [0x{paddr:x}, +0x{length:x}) is outside physical memory of 0x{Size:x} bytes.");
        }
    }
}
