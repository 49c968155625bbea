namespace Verified.Kernel.Memory;

/// <summary>
/// The kernel's own walker of x86-64 4-level page tables in physical memory (real entry format).
/// Intermediate entries are present|writable|user so that the leaf alone decides the access.
/// </summary>
public static class PageTables
{
    /// <summary>Entry bits.</summary>
    public const ulong Present = 1, Writable = 2, User = 4, AddressMask = 0x000F_FFFF_FFFF_F000;

    /// <summary>Bits of an intermediate (table) entry.</summary>
    public const ulong TableFlags = Present | Writable | User;

    /// <summary>Index of va at a level (3 = PML4 ... 0 = PT).</summary>
    public static int Index(ulong va, int level) => (int)((va >> (12 + (9 * level))) & 511);

    /// <summary>How many new table pages mapping va needs (0..3).</summary>
    public static int TablesNeeded(IPhysicalMemory memory, ulong pml4, ulong va)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var table = pml4;
        for (var level = 3; level >= 1; level--)
        {
            var entry = memory.ReadUInt64(table + ((ulong)Index(va, level) * 8));
            if ((entry & Present) == 0)
            {
                return level;
            }

            table = entry & AddressMask;
        }

        return 0;
    }

    /// <summary>The leaf entry for va, or 0 when any level is absent.</summary>
    public static ulong Leaf(IPhysicalMemory memory, ulong pml4, ulong va)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var table = pml4;
        for (var level = 3; level >= 1; level--)
        {
            var entry = memory.ReadUInt64(table + ((ulong)Index(va, level) * 8));
            if ((entry & Present) == 0)
            {
                return 0;
            }

            table = entry & AddressMask;
        }

        return memory.ReadUInt64(table + ((ulong)Index(va, 0) * 8));
    }

    /// <summary>Writes a leaf, taking new tables from <paramref name="nextTable"/> (zeroed pages). Cannot fail when enough tables are supplied.</summary>
    public static void MapLeaf(IPhysicalMemory memory, ulong pml4, ulong va, ulong leaf, Func<ulong> nextTable)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(nextTable);
        var table = pml4;
        for (var level = 3; level >= 1; level--)
        {
            var at = table + ((ulong)Index(va, level) * 8);
            var entry = memory.ReadUInt64(at);
            if ((entry & Present) == 0)
            {
                var fresh = nextTable();
                entry = fresh | TableFlags;
                memory.WriteUInt64(at, entry);
            }

            table = entry & AddressMask;
        }

        memory.WriteUInt64(table + ((ulong)Index(va, 0) * 8), leaf);
    }

    /// <summary>Clears the leaf of va when present; true when something was cleared.</summary>
    public static bool ClearLeaf(IPhysicalMemory memory, ulong pml4, ulong va)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var table = pml4;
        for (var level = 3; level >= 1; level--)
        {
            var entry = memory.ReadUInt64(table + ((ulong)Index(va, level) * 8));
            if ((entry & Present) == 0)
            {
                return false;
            }

            table = entry & AddressMask;
        }

        var leafAt = table + ((ulong)Index(va, 0) * 8);
        var present = (memory.ReadUInt64(leafAt) & Present) != 0;
        memory.WriteUInt64(leafAt, 0);
        return present;
    }

    /// <summary>Physical address of a user-accessible va with the access asked, or null.</summary>
    public static ulong? Translate(IPhysicalMemory memory, ulong pml4, ulong va, bool write)
    {
        var leaf = Leaf(memory, pml4, va);
        if ((leaf & Present) == 0 || (leaf & User) == 0 || (write && (leaf & Writable) == 0))
        {
            return null;
        }

        return (leaf & AddressMask) + (va & 0xFFF);
    }

    /// <summary>Every present leaf (va, entry) under a PML4, in address order (consistency checks).</summary>
    public static List<(ulong Va, ulong Entry)> Leaves(IPhysicalMemory memory, ulong pml4)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var leaves = new List<(ulong, ulong)>();
        Walk(memory, pml4, 3, 0, leaves, null);
        return leaves;
    }

    /// <summary>Every table page (physical address) reachable from a PML4, the PML4 excluded.</summary>
    public static List<ulong> TablePages(IPhysicalMemory memory, ulong pml4)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var tables = new List<ulong>();
        Walk(memory, pml4, 3, 0, null, tables);
        return tables;
    }

    /// <summary>Reads each table page once (512 entries in one read) and descends into present entries; user half only.</summary>
    private static void Walk(IPhysicalMemory memory, ulong table, int level, ulong vaBase, List<(ulong, ulong)>? leaves, List<ulong>? tables)
    {
        var bytes = new byte[4096];
        memory.Read(table, bytes);
        var entries = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(bytes);
        var count = level == 3 ? 256 : 512;
        for (var i = 0; i < count; i++)
        {
            var e = entries[i];
            if ((e & Present) == 0)
            {
                continue;
            }

            var va = vaBase | ((ulong)i << (12 + (9 * level)));
            if (level == 0)
            {
                leaves?.Add((va, e));
            }
            else
            {
                tables?.Add(e & AddressMask);
                Walk(memory, e & AddressMask, level - 1, va, leaves, tables);
            }
        }
    }
}
