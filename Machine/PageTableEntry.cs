namespace Verified.Machine;

/// <summary>Bits of an x86-64 4-level paging entry (the real format).</summary>
public static class PageTableEntry
{
    public const ulong Present = 1, Writable = 2, User = 4, Accessed = 0x20, Dirty = 0x40, NoExecute = 1UL << 63;

    /// <summary>Bit 7 in a PDPT or PD entry: the entry maps a 1 GiB or 2 MiB page directly.</summary>
    public const ulong LargePage = 0x80;

    public const ulong AddressMask = 0x000F_FFFF_FFFF_F000;
}
