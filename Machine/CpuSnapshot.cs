namespace Verified.Machine;

/// <summary>
/// A saved machine state: registers, CR3, the retired-instruction count and memory. Memory is held
/// by sharing page arrays (copy-on-write), so taking one costs one reference per physical page.
/// </summary>
public sealed class CpuSnapshot
{
    internal CpuSnapshot(RegisterFile registers, ulong cr3, long retired, byte[][] pages, PhysicalMemory memory)
    {
        Registers = registers;
        Cr3 = cr3;
        InstructionsRetired = retired;
        Pages = pages;
        Memory = memory;
    }

    public RegisterFile Registers { get; }

    public ulong Cr3 { get; }

    public long InstructionsRetired { get; }

    internal byte[][] Pages { get; }

    internal PhysicalMemory Memory { get; }
}
