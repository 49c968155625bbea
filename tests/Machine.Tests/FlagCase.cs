using System.Collections.Immutable;
using Iced.Intel;
using Verified.Machine.Tests.Infrastructure;

namespace Verified.Machine.Tests;

/// <summary>
/// One hand-written edge case: a few instructions written with Iced's Assembler, the inputs,
/// and the result derived by hand from the Intel SDM. The test checks the hand-derived result
/// against the host CPU (so the expectation is known to be the architecture's) and then the
/// emulator against both. <see cref="DefinedFlags"/> are the flags the SDM defines after the
/// case; only those are compared.
/// </summary>
public sealed class FlagCase(string name, Action<Assembler> program)
{
    public const int Rax = 0, Rcx = 1, Rdx = 2, Rbx = 3, Rsp = 4, Rbp = 5, Rsi = 6, Rdi = 7;

    private readonly Dictionary<int, ulong> inputs = [];
    private readonly Dictionary<int, ulong> expected = [];

    public string Name { get; } = name;
    public ulong FlagsIn { get; private set; } = Flags.Fixed;
    public ulong DefinedFlags { get; private set; } = Flags.Arithmetic;
    public ulong? ExpectedFlags { get; private set; }
    public StopKind Stop { get; private set; } = StopKind.End;
    public IReadOnlyDictionary<int, ulong> Expected => expected;

    public FlagCase In(int register, ulong value)
    {
        inputs[register] = value;
        return this;
    }

    public FlagCase FlagsBefore(ulong arithmetic)
    {
        FlagsIn = Flags.Fixed | arithmetic;
        return this;
    }

    public FlagCase Out(int register, ulong value)
    {
        expected[register] = value;
        return this;
    }

    /// <summary>The defined flags after the case are exactly <paramref name="set"/> (the others in <paramref name="defined"/> clear).</summary>
    public FlagCase FlagsAfter(ulong set, ulong defined = Flags.Arithmetic)
    {
        ExpectedFlags = set;
        DefinedFlags = defined;
        return this;
    }

    public FlagCase Defined(ulong defined)
    {
        DefinedFlags = defined;
        return this;
    }

    /// <summary>The last instruction faults (for #BP: the address after the int3).</summary>
    public FlagCase Faults(StopKind stop)
    {
        Stop = stop;
        return this;
    }

    /// <summary>For a page fault: the address (CR2) it must report.</summary>
    public ulong? ExpectedFaultAddress { get; private set; }

    public FlagCase FaultsOn(ulong address)
    {
        Stop = StopKind.PageFault;
        ExpectedFaultAddress = address;
        return this;
    }

    /// <summary>Where the last instruction starts: the fault RIP the case expects.</summary>
    public ulong LastInstructionAddress { get; private set; }

    public DifferentialCase ToDifferentialCase()
    {
        var assembler = new Assembler(64);
        program(assembler);
        var writer = new BytesWriter();
        var result = assembler.Assemble(writer, GuestLayout.CodeAddress, BlockEncoderOptions.ReturnNewInstructionOffsets);
        var offsets = result.Result[0].NewInstructionOffsets;
        LastInstructionAddress = GuestLayout.CodeAddress + offsets[^1];
        var registers = new ulong[16];
        foreach (var (register, value) in inputs)
        {
            registers[register] = value;
        }
        registers[Rsp] = GuestLayout.StackTop;
        return new DifferentialCase([.. writer.Bytes], [.. registers], FlagsIn, 0x5EED, DefinedFlags | Flags.DF, Name);
    }

    public override string ToString() => Name;

    private sealed class BytesWriter : CodeWriter
    {
        public List<byte> Bytes { get; } = [];

        public override void WriteByte(byte value) => Bytes.Add(value);
    }
}
