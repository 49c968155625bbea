using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Verified.Machine.Mmu;
using Verified.Machine.Translation;

namespace Verified.Machine;

/// <summary>
/// One user-mode (CPL 3) x86-64 hardware thread over a <see cref="PhysicalMemory"/>. Run executes
/// translated blocks until a syscall, an exception or the end of the instruction budget.
/// Deterministic: the same state and budget give the same exit and instruction count.
/// </summary>
public sealed partial class Cpu
{
    private RegisterFile regs;
    private ulong cr3;
    private readonly BlockCache blocks;

    public Cpu(PhysicalMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        Memory = memory;
        memory.PageCopied += OnPageCopied;
        memory.AllPagesShared += RevokeAllFastWrites;
        blocks = new BlockCache(this);
        FlushTlb();
        regs.Rflags = 0x202;
    }

    public PhysicalMemory Memory { get; }

    /// <summary>The registers of the running thread. Written back (flags included) whenever Run returns.</summary>
    public ref RegisterFile Registers => ref regs;

    /// <summary>Physical address of the PML4; setting it flushes the TLB, as a mov to CR3 does.</summary>
    public ulong Cr3
    {
        get => cr3;
        set
        {
            if ((value & 0xFFF) != 0 || value >= Memory.Size)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "CR3 must be a 4 KiB aligned address inside physical memory.");
            }

            cr3 = value;
            FlushTlb();
        }
    }

    /// <summary>Instructions retired so far (a rep-prefixed string instruction counts one per iteration).</summary>
    public long InstructionsRetired { get; private set; }

    /// <summary>What rdtsc returns: the instructions retired, so time is deterministic.</summary>
    public ulong VirtualTime => (ulong)InstructionsRetired;

    /// <summary>Number of blocks translated so far (for tests and statistics).</summary>
    public long BlocksTranslated => blocks.Translated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref ulong R(int index) => ref Unsafe.Add(ref Unsafe.As<GprArray, ulong>(ref regs.Gprs), index);

    /// <summary>Reads a register operand of the given size (index 16..19 = AH..BH for size 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ulong GetReg(int index, int size)
    {
        if (size == 8)
        {
            return R(index);
        }

        if (size == 4)
        {
            return (uint)R(index);
        }

        if (size == 2)
        {
            return (ushort)R(index);
        }

        return index < 16 ? (byte)R(index) : (byte)(R(index - 16) >> 8);
    }

    /// <summary>Writes a register operand: 32-bit writes zero the upper half, 8/16-bit writes merge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetReg(int index, int size, ulong value)
    {
        if (size == 8)
        {
            R(index) = value;
        }
        else if (size == 4)
        {
            R(index) = (uint)value;
        }
        else if (size == 2)
        {
            ref var r = ref R(index);
            r = (r & ~0xFFFFUL) | (ushort)value;
        }
        else if (index < 16)
        {
            ref var r = ref R(index);
            r = (r & ~0xFFUL) | (byte)value;
        }
        else
        {
            ref var r = ref R(index - 16);
            r = (r & ~0xFF00UL) | ((ulong)(byte)value << 8);
        }
    }

    /// <summary>Up to 15 instruction bytes at an address, as many as are readable (for error messages).</summary>
    internal ImmutableArray<byte> BytesAt(ulong va)
    {
        Span<byte> buffer = stackalloc byte[15];
        var n = 0;
        while (n < 15 && TryReadVirtual(va + (ulong)n, buffer.Slice(n, 1)))
        {
            n++;
        }

        return [.. buffer[..n]];
    }

    internal void OnCodePageMarked(ulong ppn) => RevokeFastWrites(ppn);

    internal long MapEpoch => mapEpoch;

    internal ulong PageNumberOfFetch(ulong va) => TranslateFetch(va);
}
