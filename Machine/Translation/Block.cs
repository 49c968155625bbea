namespace Verified.Machine.Translation;

/// <summary>
/// A run of translated instructions starting at one virtual address on one physical code page.
/// It is valid while the code generation of its page(s) is unchanged; Chain caches the blocks that
/// followed it last time, so a jump finds its successor without a lookup.
/// </summary>
internal sealed class Block
{
    public const ulong NoPage = ulong.MaxValue;

    public Block(ulong start, ulong ppn, uint generation, ulong ppn2, uint generation2, MicroOp[] ops, ulong endRip)
    {
        Start = start;
        Ppn = ppn;
        Generation = generation;
        Ppn2 = ppn2;
        Generation2 = generation2;
        Ops = ops;
        EndRip = endRip;
    }

    public ulong Start { get; }

    public ulong Ppn { get; }

    public uint Generation { get; }

    /// <summary>The physical page of the second half of an instruction that crosses a page end, or NoPage.</summary>
    public ulong Ppn2 { get; }

    public uint Generation2 { get; }

    public MicroOp[] Ops { get; }

    public ulong EndRip { get; }

    /// <summary>The mapping epoch in which this block's virtual-to-physical placement was last confirmed.</summary>
    public long MapEpoch;

    /// <summary>The memory code epoch at which the page generations were last confirmed.</summary>
    public long CodeEpoch;

    public Block? Chain0;
    public Block? Chain1;
}
