namespace Verified.Machine.Mmu;

/// <summary>
/// One direct-mapped TLB entry. A tag is the virtual page number that may use the entry for that
/// kind of access, or NoTag. WriteTag is only set when a store may go straight to the page array
/// (writable mapping, page private to this snapshot epoch, and no translated code on it).
/// </summary>
internal struct TlbEntry
{
    public const ulong NoTag = ulong.MaxValue;

    public ulong ReadTag;
    public ulong WriteTag;
    public ulong FetchTag;
    public ulong Ppn;
    public byte[] Page;
}
