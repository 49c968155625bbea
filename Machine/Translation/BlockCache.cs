namespace Verified.Machine.Translation;

/// <summary>
/// Translated blocks keyed by (virtual start, physical page), with a small direct-mapped cache in
/// front keyed by virtual address. A block is used only while its page's code generation is the
/// one it was translated from and its placement was confirmed in the current mapping epoch.
/// </summary>
internal sealed class BlockCache
{
    private const int JumpCacheBits = 12;
    private readonly Cpu cpu;
    private readonly Dictionary<(ulong Rip, ulong Ppn), Block> byAddress = [];
    private readonly Block?[] jumpCache = new Block?[1 << JumpCacheBits];

    /// <summary>The direct-mapped cache by virtual address, read inline by the run loop.</summary>
    public Block?[] JumpCache => jumpCache;

    public static int JumpSlot(ulong rip) => (int)((rip ^ (rip >> JumpCacheBits)) & ((1 << JumpCacheBits) - 1));

    public BlockCache(Cpu cpu) => this.cpu = cpu;

    public long Translated { get; private set; }

    public bool IsCurrent(Block b)
    {
        var memory = cpu.Memory;
        if (b.MapEpoch != cpu.MapEpoch)
        {
            return false;
        }

        if (b.CodeEpoch == memory.CodeEpoch)
        {
            return true;
        }

        // Some code page was written since: check this block's own pages.
        var valid = memory.CodeGeneration(b.Ppn) == b.Generation
            && (b.Ppn2 == Block.NoPage || memory.CodeGeneration(b.Ppn2) == b.Generation2);
        if (valid)
        {
            b.CodeEpoch = memory.CodeEpoch;
        }

        return valid;
    }

    /// <summary>The block at rip; translates it if needed. Throws the fetch fault if rip cannot be fetched.</summary>
    public Block Lookup(ulong rip)
    {
        var slot = JumpSlot(rip);
        var cached = jumpCache[slot];
        if (cached is not null && cached.Start == rip && IsCurrent(cached))
        {
            return cached;
        }

        var ppn = cpu.PageNumberOfFetch(rip);
        var memory = cpu.Memory;
        if (byAddress.TryGetValue((rip, ppn), out var b) && memory.CodeGeneration(ppn) == b.Generation && SecondPageStillMatches(b))
        {
            b.MapEpoch = cpu.MapEpoch;
            b.CodeEpoch = memory.CodeEpoch;
        }
        else
        {
            b = Translator.Translate(cpu, rip, ppn);
            b.MapEpoch = cpu.MapEpoch;
            b.CodeEpoch = memory.CodeEpoch;
            byAddress[(rip, ppn)] = b;
            Translated++;
        }

        jumpCache[slot] = b;
        return b;
    }

    public void Forget(Block b)
    {
        byAddress.Remove((b.Start, b.Ppn));
        Array.Clear(jumpCache);
    }

    private bool SecondPageStillMatches(Block b)
    {
        if (b.Ppn2 == Block.NoPage)
        {
            return true;
        }

        var secondPage = (b.Start | 0xFFF) + 1;
        return cpu.TryTranslateFetch(secondPage, out var ppn2) && ppn2 == b.Ppn2
            && cpu.Memory.CodeGeneration(ppn2) == b.Generation2;
    }
}
