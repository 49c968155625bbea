namespace Verified.Machine;

/// <summary>Snapshot, restore and fingerprint of the whole machine.</summary>
public sealed partial class Cpu
{
    public CpuSnapshot Snapshot() => new(regs, cr3, InstructionsRetired, Memory.CaptureForSnapshot(), Memory);

    public void Restore(CpuSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!ReferenceEquals(snapshot.Memory, Memory))
        {
            throw new ArgumentException("The snapshot was taken of a different PhysicalMemory.", nameof(snapshot));
        }

        Memory.RestoreFromSnapshot(snapshot.Pages);
        regs = snapshot.Registers;
        cr3 = snapshot.Cr3;
        InstructionsRetired = snapshot.InstructionsRetired;
        FlushTlb();
    }

    /// <summary>A hash of registers, CR3 and memory contents; stable across processes.</summary>
    public ulong Fingerprint()
    {
        var h = Memory.ContentHash();
        void Mix(ulong v)
        {
            h = (h ^ v) * 0x9E3779B97F4A7C15;
            h ^= h >> 31;
        }

        for (var i = 0; i < 16; i++)
        {
            Mix(R(i));
        }

        Mix(regs.Rip);
        Mix(regs.Rflags);
        Mix(regs.FsBase);
        Mix(regs.GsBase);
        Mix(cr3);
        return h;
    }
}
