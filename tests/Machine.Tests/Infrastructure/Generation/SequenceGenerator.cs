using System.Collections.Immutable;
using System.Text;
using Iced.Intel;

namespace Verified.Machine.Tests.Infrastructure.Generation;

/// <summary>
/// Generates random instruction sequences from the integer instruction set gcc emits, encoded
/// with Iced, that run without faulting on the host: memory operands stay inside the data and
/// stack pages, RSP keeps its discipline, divisions are set up so they cannot overflow, shift
/// counts are known so the flags they leave undefined are known, and no instruction reads an
/// undefined flag (which would make native and emulated control flow legitimately diverge).
///
/// Two registers (the base B and the index X, never rax/rcx/rdx/rsi/rdi/rsp/rbp because
/// instructions write those implicitly) hold known values for the whole sequence, so memory
/// operands can be built from them.
/// </summary>
public sealed partial class SequenceGenerator
{
    private static readonly int[] AddressRegisters = [3, 8, 9, 10, 11, 12, 13, 14, 15];
    private const int Rsp = 4, Rbp = 5, Rcx = 1;

    private readonly Random rng;
    private readonly List<Instruction> instructions = [];
    private readonly List<PendingLabel> pending = [];
    private readonly bool[] locked = new bool[16];
    private readonly List<ulong> returnSlots = [];
    private readonly ulong[] initial = new ulong[16];
    private ulong undefinedFlags;
    private int stackBytes;
    private bool directionFlag;
    private int baseRegister, indexRegister;
    private ulong baseValue, indexValue, gsBase;
    private int nesting;

    public SequenceGenerator(int seed) => rng = new Random(seed);

    /// <summary>
    /// A case of about <paramref name="operations"/> operations (an operation may be a few
    /// instructions); with <paramref name="faulting"/>, ending in an instruction that faults.
    /// </summary>
    public DifferentialCase Next(int operations, bool faulting = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            Reset();
            for (var i = 0; i < operations; i++)
            {
                Operation();
                AdvanceLabels();
            }
            Finish();
            if (faulting)
            {
                FaultingTail();
            }
            if (TryEncode(out var code))
            {
                return new DifferentialCase(
                    code,
                    [.. initial],
                    InitialFlags,
                    (ulong)rng.NextInt64(),
                    ~undefinedFlags & Flags.Arithmetic | Flags.DF,
                    Disassemble(code),
                    gsBase);
            }
            if (attempt > 100)
            {
                throw new InvalidOperationException("The generator keeps producing sequences Iced cannot encode.");
            }
        }
    }

    private ulong InitialFlags { get; set; }

    private void Reset()
    {
        instructions.Clear();
        pending.Clear();
        Array.Clear(locked);
        returnSlots.Clear();
        usesSlots = false;
        undefinedFlags = 0;
        stackBytes = 0;
        nesting = 0;
        for (var r = 0; r < 16; r++)
        {
            initial[r] = RandomValue(64);
        }
        baseRegister = AddressRegisters[rng.Next(AddressRegisters.Length)];
        do
        {
            indexRegister = AddressRegisters[rng.Next(AddressRegisters.Length)];
        }
        while (indexRegister == baseRegister);
        baseValue = GuestLayout.DataAddress + (ulong)rng.Next((int)GuestLayout.PageSize);
        indexValue = (ulong)rng.Next(64);
        gsBase = GuestLayout.DataAddress - 0x8000 + (ulong)rng.Next(0x9000);
        initial[baseRegister] = baseValue;
        initial[indexRegister] = indexValue;
        initial[Rsp] = GuestLayout.StackTop;
        locked[baseRegister] = locked[indexRegister] = locked[Rsp] = true;
        directionFlag = rng.Next(8) == 0;
        InitialFlags = Flags.Fixed | ((ulong)rng.NextInt64() & Flags.Arithmetic) | (directionFlag ? Flags.DF : 0);
    }

    /// <summary>One random operation, chosen by weight.</summary>
    private void Operation()
    {
        for (var tries = 0; tries < 50; tries++)
        {
            var emitted = rng.Next(100) switch
            {
                < 20 => BinaryAlu(),
                < 25 => Unary(),
                < 30 => Multiply(),
                < 34 => Divide(),
                < 42 => Shift(),
                < 45 => DoubleShift(),
                < 50 => BitOperation(),
                < 62 => Move(),
                < 67 => ConditionalMove(),
                < 70 => Exchange(),
                < 73 => CompareExchange(),
                < 76 => Misc(),
                < 80 => Stack(),
                < 85 => ForwardBranch(),
                < 88 => Block(),
                < 93 => StringOperation(),
                < 95 => SelfModifyingCall(),
                _ => Move(),
            };
            if (emitted)
            {
                return;
            }
        }
    }

    /// <summary>Balances the stack and places every pending label.</summary>
    private void Finish()
    {
        while (stackBytes > 0)
        {
            var r = WritableIndex();
            Emit(Instruction.Create(Code.Pop_r64, Reg(r, 64)), FlagEffect.None);
            stackBytes -= 8;
        }
        if (pending.Count > 0)
        {
            PlaceLabels(pending.ToList());
        }
    }

    private bool TryEncode(out ImmutableArray<byte> code)
    {
        var writer = new ByteWriter();
        var block = new InstructionBlock(writer, instructions, GuestLayout.CodeAddress);
        if (!BlockEncoder.TryEncode(64, block, out _, out _))
        {
            code = default;
            return false;
        }
        code = [.. writer.Bytes];
        // The native harness appends a 14-byte jump back; neither may reach the self-modifying slots.
        var limit = usesSlots ? SlotArea - GuestLayout.CodeAddress - 16 : GuestLayout.CodeCapacity - 16;
        return (ulong)code.Length <= limit;
    }

    private static string Disassemble(ImmutableArray<byte> code)
    {
        var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(code.ToArray()), GuestLayout.CodeAddress);
        var formatter = new IntelFormatter();
        var output = new StringOutput();
        var text = new StringBuilder();
        while (decoder.IP < GuestLayout.CodeAddress + (ulong)code.Length)
        {
            decoder.Decode(out var instruction);
            formatter.Format(instruction, output);
            text.Append($"{instruction.IP:x}: ").AppendLine(output.ToStringAndReset());
        }
        return text.ToString();
    }

    private sealed class ByteWriter : CodeWriter
    {
        public List<byte> Bytes { get; } = [];

        public override void WriteByte(byte value) => Bytes.Add(value);
    }
}
