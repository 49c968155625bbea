namespace Verified.Machine;

/// <summary>
/// Builds x86-64 4-level page tables in physical memory (used by `verified exec`, tests, and
/// optionally the kernel). Intermediate entries are created Present|Writable|User so that the
/// leaf entry alone decides the permissions.
/// </summary>
public static class PageTables
{
    private const ulong TableFlags = PageTableEntry.Present | PageTableEntry.Writable | PageTableEntry.User;

    /// <summary>Maps one 4 KiB page. allocateTable must return a zeroed 4 KiB-aligned frame.</summary>
    public static void Map(PhysicalMemory memory, ulong cr3, ulong virtualAddress, ulong physicalAddress, ulong flags, Func<ulong> allocateTable)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(allocateTable);
        CheckAligned(cr3, nameof(cr3));
        CheckAligned(virtualAddress, nameof(virtualAddress));
        CheckAligned(physicalAddress, nameof(physicalAddress));
        if (!IsCanonical(virtualAddress))
        {
            throw new ArgumentOutOfRangeException(nameof(virtualAddress), virtualAddress, "Virtual address is not canonical.");
        }

        if ((flags & PageTableEntry.AddressMask) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(flags), flags, "Flags must not contain address bits.");
        }

        var table = cr3;
        for (var level = 3; level > 0; level--)
        {
            var entryAddress = table + (Index(virtualAddress, level) * 8);
            var entry = memory.ReadUInt64(entryAddress);
            if ((entry & PageTableEntry.Present) == 0)
            {
                var frame = allocateTable();
                CheckAligned(frame, "allocateTable()");
                entry = frame | TableFlags;
                memory.WriteUInt64(entryAddress, entry);
            }
            else if (level < 3 && (entry & PageTableEntry.LargePage) != 0)
            {
                throw new InvalidOperationException($"0x{virtualAddress:x} is already covered by a large page.");
            }

            table = entry & PageTableEntry.AddressMask;
        }

        memory.WriteUInt64(table + (Index(virtualAddress, 0) * 8), physicalAddress | flags | PageTableEntry.Present);
    }

    /// <summary>Clears the leaf entry of a 4 KiB page; false if it was not mapped. The caller invalidates TLBs.</summary>
    public static bool Unmap(PhysicalMemory memory, ulong cr3, ulong virtualAddress)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var table = cr3;
        for (var level = 3; level > 0; level--)
        {
            var entry = memory.ReadUInt64(table + (Index(virtualAddress, level) * 8));
            if ((entry & PageTableEntry.Present) == 0 || (level < 3 && (entry & PageTableEntry.LargePage) != 0))
            {
                return false;
            }

            table = entry & PageTableEntry.AddressMask;
        }

        var leaf = table + (Index(virtualAddress, 0) * 8);
        if ((memory.ReadUInt64(leaf) & PageTableEntry.Present) == 0)
        {
            return false;
        }

        memory.WriteUInt64(leaf, 0);
        return true;
    }

    internal static bool IsCanonical(ulong va) => (ulong)((long)(va << 16) >> 16) == va;

    private static ulong Index(ulong va, int level) => (va >> (12 + (9 * level))) & 511;

    private static void CheckAligned(ulong value, string name)
    {
        if ((value & 0xFFF) != 0)
        {
            throw new ArgumentException($"{name} (0x{value:x}) must be 4 KiB aligned.", name);
        }
    }
}
