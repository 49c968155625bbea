using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Verified.Machine.Mmu;
using Verified.Machine.Translation;

namespace Verified.Machine;

/// <summary>The soft MMU: a 4-level page walk and a direct-mapped TLB in front of it.</summary>
public sealed partial class Cpu
{
    private const int TlbBits = 10;
    private const int TlbMask = (1 << TlbBits) - 1;
    private readonly TlbEntry[] tlb = new TlbEntry[1 << TlbBits];

    /// <summary>Bumped whenever translations may have changed; cached block placements are re-checked then.</summary>
    private long mapEpoch = 1;

    /// <summary>Set when a store hit a page holding translated code (checked by rep string instructions).</summary>
    private bool codeWritten;

    /// <summary>
    /// A store hit the page the running block was translated from: the rest of the block may be stale.
    /// The block is dead anyway (its page generation changes with this store), so its next micro-op is
    /// overwritten with a stop that resumes at that instruction from a fresh translation. This keeps a
    /// per-instruction check out of the dispatch loop.
    /// </summary>
    private void StopRunningBlockAfterThisOp(ulong ppn)
    {
        var block = currentBlock;
        if (block is not null && (block.Ppn == ppn || block.Ppn2 == ppn) && opIndex + 1 < block.Ops.Length)
        {
            block.Ops[opIndex + 1].Kind = Kind.SmcStop;
        }
    }

    public void FlushTlb()
    {
        for (var i = 0; i < tlb.Length; i++)
        {
            tlb[i] = new TlbEntry { ReadTag = TlbEntry.NoTag, WriteTag = TlbEntry.NoTag, FetchTag = TlbEntry.NoTag, Page = ZeroPage };
        }

        mapEpoch++;
    }

    public void InvalidatePage(ulong virtualAddress)
    {
        ref var e = ref tlb[(int)(virtualAddress >> 12) & TlbMask];
        e.ReadTag = e.WriteTag = e.FetchTag = TlbEntry.NoTag;
        mapEpoch++;
    }

    private static readonly byte[] ZeroPage = new byte[PhysicalMemory.PageSize];

    private void OnPageCopied(ulong ppn, byte[] page)
    {
        for (var i = 0; i < tlb.Length; i++)
        {
            ref var e = ref tlb[i];
            if (e.Ppn == ppn && e.Page != ZeroPage)
            {
                e.Page = page;
                if (!Memory.IsFastWritable(ppn))
                {
                    e.WriteTag = TlbEntry.NoTag;
                }
            }
        }
    }

    /// <summary>Every page became shared (copy-on-write): stores must take the slow path again.</summary>
    private void RevokeAllFastWrites()
    {
        for (var i = 0; i < tlb.Length; i++)
        {
            tlb[i].WriteTag = TlbEntry.NoTag;
        }
    }

    /// <summary>A page now holds code: no TLB entry may keep writing to it directly.</summary>
    private void RevokeFastWrites(ulong ppn)
    {
        for (var i = 0; i < tlb.Length; i++)
        {
            if (tlb[i].Ppn == ppn)
            {
                tlb[i].WriteTag = TlbEntry.NoTag;
            }
        }
    }

    /// <summary>Walks the page tables for a user-mode access; throws the architectural fault.</summary>
    private ulong Walk(ulong va, Access access)
    {
        if (!PageTables.IsCanonical(va))
        {
            throw new GuestFault(Vector.GP, 0, 0);
        }

        var baseCode = PageFaultCode.User
            | (access == Access.Write ? PageFaultCode.Write : 0)
            | (access == Access.Fetch ? PageFaultCode.Fetch : 0);
        var table = Cr3 & PageTableEntry.AddressMask;
        var writable = true;
        var user = true;
        var noExecute = false;
        for (var level = 3; level >= 0; level--)
        {
            var entryAddress = table + (((va >> (12 + (9 * level))) & 511) * 8);
            if (entryAddress + 8 > Memory.Size)
            {
                throw new GuestFault(Vector.PF, baseCode | PageFaultCode.Present | PageFaultCode.Reserved, va);
            }

            var entry = ReadPhys64(entryAddress);
            if ((entry & PageTableEntry.Present) == 0)
            {
                throw new GuestFault(Vector.PF, baseCode, va);
            }

            writable &= (entry & PageTableEntry.Writable) != 0;
            user &= (entry & PageTableEntry.User) != 0;
            noExecute |= (entry & PageTableEntry.NoExecute) != 0;
            var large = (entry & PageTableEntry.LargePage) != 0 && level is 1 or 2;
            if ((entry & PageTableEntry.LargePage) != 0 && level == 3)
            {
                throw new GuestFault(Vector.PF, baseCode | PageFaultCode.Present | PageFaultCode.Reserved, va);
            }

            var next = entry & PageTableEntry.AddressMask;
            if (large)
            {
                var pageMask = (1UL << (12 + (9 * level))) - 1;
                next = (next & ~pageMask) | (va & pageMask & ~0xFFFUL);
                level = 0;
            }

            if (level == 0)
            {
                if (next >= Memory.Size)
                {
                    throw new GuestFault(Vector.PF, baseCode | PageFaultCode.Present | PageFaultCode.Reserved, va);
                }

                var denied = !user
                    || (access == Access.Write && !writable)
                    || (access == Access.Fetch && noExecute);
                if (denied)
                {
                    throw new GuestFault(Vector.PF, baseCode | PageFaultCode.Present, va);
                }

                return next >> 12;
            }

            table = next;
        }

        throw new InvalidOperationException("unreachable: the walk returns at level 0");
    }

    private ulong ReadPhys64(ulong paddr)
    {
        var page = Memory.PageForRead(paddr >> 12);
        return Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(page), (nint)(paddr & 0xFFF)));
    }

    /// <summary>Translates for an access and fills the TLB; returns the physical page number.</summary>
    private ulong Fill(ulong va, Access access)
    {
        var ppn = Walk(va, access);
        var vpn = va >> 12;
        ref var e = ref tlb[(int)vpn & TlbMask];
        if (e.Ppn != ppn || e.ReadTag != vpn)
        {
            e.ReadTag = e.WriteTag = e.FetchTag = TlbEntry.NoTag;
        }

        e.Ppn = ppn;
        e.Page = Memory.PageForRead(ppn);
        e.ReadTag = vpn;
        if (access == Access.Write && Memory.IsFastWritable(ppn))
        {
            e.WriteTag = vpn;
        }
        else if (access == Access.Fetch)
        {
            e.FetchTag = vpn;
        }

        return ppn;
    }

    internal ulong TranslateFetch(ulong va)
    {
        ref var e = ref tlb[(int)(va >> 12) & TlbMask];
        return e.FetchTag == va >> 12 ? e.Ppn : Fill(va, Access.Fetch);
    }

    internal bool TryTranslateFetch(ulong va, out ulong ppn)
    {
        try
        {
            ppn = TranslateFetch(va);
            return true;
        }
        catch (GuestFault)
        {
            ppn = 0;
            return false;
        }
    }

    // ---- data accesses: fast path through the TLB, slow path walks and handles page crossings ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte HostRef(byte[] page, ulong va) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(page), (nint)(va & 0xFFF));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref TlbEntry TlbFor(ulong va) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(tlb), (nint)((va >> 12) & TlbMask));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong Read64(ulong va)
    {
        ref var e = ref TlbFor(va);
        if (e.ReadTag == va >> 12 && (va & 0xFFF) <= 0xFF8)
        {
            return Unsafe.ReadUnaligned<ulong>(ref HostRef(e.Page, va));
        }

        return ReadSlow(va, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong Read(ulong va, int size)
    {
        ref var e = ref TlbFor(va);
        if (e.ReadTag == va >> 12 && (va & 0xFFF) <= (ulong)(0x1000 - size))
        {
            ref var b = ref HostRef(e.Page, va);
            return size switch
            {
                8 => Unsafe.ReadUnaligned<ulong>(ref b),
                4 => Unsafe.ReadUnaligned<uint>(ref b),
                2 => Unsafe.ReadUnaligned<ushort>(ref b),
                _ => b,
            };
        }

        return ReadSlow(va, size);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Write64(ulong va, ulong value)
    {
        ref var e = ref TlbFor(va);
        if (e.WriteTag == va >> 12 && (va & 0xFFF) <= 0xFF8)
        {
            Unsafe.WriteUnaligned(ref HostRef(e.Page, va), value);
            return;
        }

        WriteSlow(va, 8, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Write(ulong va, int size, ulong value)
    {
        ref var e = ref TlbFor(va);
        if (e.WriteTag == va >> 12 && (va & 0xFFF) <= (ulong)(0x1000 - size))
        {
            ref var b = ref HostRef(e.Page, va);
            switch (size)
            {
                case 8: Unsafe.WriteUnaligned(ref b, value); break;
                case 4: Unsafe.WriteUnaligned(ref b, (uint)value); break;
                case 2: Unsafe.WriteUnaligned(ref b, (ushort)value); break;
                default: b = (byte)value; break;
            }

            return;
        }

        WriteSlow(va, size, value);
    }

    /// <summary>Makes sure a store of size bytes at va cannot fault (throws the fault now if it would).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void EnsureWritable(ulong va, int size)
    {
        ref var e = ref TlbFor(va);
        if (e.WriteTag != va >> 12 || (va & 0xFFF) > (ulong)(0x1000 - size))
        {
            ProbeWrite(va, size);
        }
    }

    /// <summary>Checks that a write of size bytes at va would succeed, without writing (for multi-part stores).</summary>
    internal void ProbeWrite(ulong va, int size)
    {
        ProbeTranslate(va, Access.Write);
        var last = va + (ulong)size - 1;
        if ((last >> 12) != (va >> 12))
        {
            // CR2 of a fault on the second page is that page's first byte, as on hardware.
            ProbeTranslate((va | 0xFFF) + 1, Access.Write);
        }
    }

    private ulong ProbeTranslate(ulong va, Access access)
    {
        ref var e = ref TlbFor(va);
        if (access == Access.Read ? e.ReadTag == va >> 12 : (access == Access.Write ? e.WriteTag == va >> 12 : e.FetchTag == va >> 12))
        {
            return e.Ppn;
        }

        return Fill(va, access);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong ReadSlow(ulong va, int size)
    {
        var last = va + (ulong)size - 1;
        var ppn = ProbeTranslate(va, Access.Read);
        if ((last >> 12) == (va >> 12))
        {
            return Read(va, size);
        }

        var ppn2 = ProbeTranslate((va | 0xFFF) + 1, Access.Read);
        ulong value = 0;
        for (var i = 0; i < size; i++)
        {
            var a = va + (ulong)i;
            var page = Memory.PageForRead((a >> 12) == (va >> 12) ? ppn : ppn2);
            value |= (ulong)page[(int)(a & 0xFFF)] << (8 * i);
        }

        return value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteSlow(ulong va, int size, ulong value)
    {
        // Translate every page first: a store that faults writes nothing.
        var last = va + (ulong)size - 1;
        var ppn = ProbeTranslate(va, Access.Write);
        var ppn2 = (last >> 12) == (va >> 12) ? ppn : ProbeTranslate((va | 0xFFF) + 1, Access.Write);
        for (var i = 0; i < size; i++)
        {
            var a = va + (ulong)i;
            var p = (a >> 12) == (va >> 12) ? ppn : ppn2;
            StoreByte(p, a, (byte)(value >> (8 * i)));
        }
    }

    private void StoreByte(ulong ppn, ulong va, byte b)
    {
        if (Memory.HoldsCode(ppn))
        {
            codeWritten = true;
            StopRunningBlockAfterThisOp(ppn);
        }

        Memory.WritablePage(ppn)[(int)(va & 0xFFF)] = b;
    }

    // ---- host access through the page tables, as the user sees them ----

    public bool TryReadVirtual(ulong va, Span<byte> destination)
    {
        if (!TryTranslateRange(va, destination.Length, Access.Read, out var ppns))
        {
            return false;
        }

        var index = 0;
        for (var offset = 0; offset < destination.Length; index++)
        {
            var a = va + (ulong)offset;
            var n = (int)Math.Min((ulong)(destination.Length - offset), 0x1000 - (a & 0xFFF));
            Memory.Read((ppns[index] << 12) | (a & 0xFFF), destination.Slice(offset, n));
            offset += n;
        }

        return true;
    }

    private bool TryTranslateRange(ulong va, int length, Access access, out List<ulong> ppns)
    {
        ppns = [];
        try
        {
            for (var offset = 0UL; offset < (ulong)length; offset = ((va + offset) & ~0xFFFUL) + 0x1000 - va)
            {
                ppns.Add(Walk(va + offset, access));
            }

            return true;
        }
        catch (GuestFault)
        {
            return false;
        }
    }

    public bool TryWriteVirtual(ulong va, ReadOnlySpan<byte> source)
    {
        if (!TryTranslateRange(va, source.Length, Access.Write, out var ppns))
        {
            return false;
        }

        var index = 0;
        for (var offset = 0; offset < source.Length; index++)
        {
            var a = va + (ulong)offset;
            var n = (int)Math.Min((ulong)(source.Length - offset), 0x1000 - (a & 0xFFF));
            Memory.Write((ppns[index] << 12) | (a & 0xFFF), source.Slice(offset, n));
            offset += n;
        }

        return true;
    }
}
