using Iced.Intel;
using Verified.Machine;

namespace Verified.Machine.Tests.Support;

/// <summary>
/// A small machine for unit tests: 4 MiB of physical memory, page tables, code assembled with
/// Iced's assembler at <see cref="CodeBase"/>, a data page and a stack.
/// </summary>
internal sealed class TestMachine
{
    public const ulong CodeBase = 0x40_0000;
    public const ulong DataBase = 0x60_0000;
    public const ulong StackTop = 0x7F_0000;
    private const ulong Rwx = PageTableEntry.User | PageTableEntry.Writable;
    private ulong nextFrame = 0x1000;

    public TestMachine(Action<Assembler> program, ulong memoryBytes = 4 << 20)
    {
        Memory = new PhysicalMemory(memoryBytes);
        Cr3 = Allocate();
        Cpu = new Cpu(Memory);
        var assembler = new Assembler(64);
        program(assembler);
        using var stream = new MemoryStream();
        assembler.Assemble(new StreamCodeWriter(stream), CodeBase);
        Code = stream.ToArray();
        for (ulong offset = 0; offset < (ulong)Code.Length + 1; offset += 0x1000)
        {
            CodeFrames.Add(MapNew(CodeBase + offset, PageTableEntry.User));
        }

        Memory.Write(CodeFrames[0], Code.AsSpan(0, Math.Min(Code.Length, 0x1000)));
        for (var i = 1; i < CodeFrames.Count; i++)
        {
            var from = i * 0x1000;
            if (from < Code.Length)
            {
                Memory.Write(CodeFrames[i], Code.AsSpan(from, Math.Min(0x1000, Code.Length - from)));
            }
        }

        DataFrame = MapNew(DataBase, Rwx | PageTableEntry.NoExecute);
        MapNew(DataBase + 0x1000, Rwx | PageTableEntry.NoExecute);
        for (var page = StackTop - 0x4000; page < StackTop; page += 0x1000)
        {
            MapNew(page, Rwx | PageTableEntry.NoExecute);
        }

        Cpu.Cr3 = Cr3;
        Cpu.Registers.Rip = CodeBase;
        Cpu.Registers[Gpr.Rsp] = StackTop;
        Cpu.Registers.Rflags = 0x202;
    }

    public PhysicalMemory Memory { get; }

    public Cpu Cpu { get; }

    public ulong Cr3 { get; }

    public byte[] Code { get; }

    public List<ulong> CodeFrames { get; } = [];

    public ulong DataFrame { get; }

    public ulong Allocate()
    {
        var frame = nextFrame;
        nextFrame += 0x1000;
        return frame;
    }

    /// <summary>Maps a fresh frame at va with the given leaf flags; returns the frame.</summary>
    public ulong MapNew(ulong va, ulong flags)
    {
        var frame = Allocate();
        PageTables.Map(Memory, Cr3, va, frame, flags, Allocate);
        return frame;
    }

    public ulong this[Gpr r] => Cpu.Registers[r];

    /// <summary>Runs until the first exit and returns it.</summary>
    public ExitReason Run(long budget = 1_000_000) => Cpu.Run(budget);

    /// <summary>The length of the code an assembler action produces (to locate an instruction).</summary>
    public static ulong AssembledLength(Action<Assembler> code)
    {
        var assembler = new Assembler(64);
        code(assembler);
        using var stream = new MemoryStream();
        assembler.Assemble(new StreamCodeWriter(stream), CodeBase);
        return (ulong)stream.Length;
    }

    /// <summary>Assembles a program that ends with int3 so tests can tell normal completion apart.</summary>
    public static TestMachine Program(Action<Assembler> body) => new(a =>
    {
        body(a);
        a.int3();
    });
}
