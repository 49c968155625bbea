using Iced.Intel;

namespace Verified.Machine.Tests.Infrastructure.Generation;

/// <summary>Operand choice and emission: registers, memory operands, values, flag bookkeeping.</summary>
public sealed partial class SequenceGenerator
{
    /// <summary>Fake instruction addresses that only identify branch targets for Iced's BlockEncoder.</summary>
    private const ulong LabelSpace = 0x7000_0000_0000;
    private static readonly Dictionary<string, Code> CodeByName = Enum.GetValues<Code>().ToDictionary(c => c.ToString(), c => c);
    private static readonly ulong[] Boundaries =
    [
        0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF,
    ];

    private sealed class PendingLabel(int operationsLeft, ulong undefined)
    {
        public List<int> Branches { get; } = [];
        public int OperationsLeft { get; set; } = operationsLeft;
        public ulong Undefined { get; set; } = undefined;
    }

    private static Code C(string name) =>
        CodeByName.TryGetValue(name, out var code) ? code : throw new InvalidOperationException($"Iced has no Code.{name}.");

    private static Register Reg(int index, int width) => width switch
    {
        64 => Register.RAX + index,
        32 => Register.EAX + index,
        16 => Register.AX + index,
        8 => index < 4 ? Register.AL + index : index < 8 ? Register.SPL + (index - 4) : Register.R8L + (index - 8),
        _ => throw new ArgumentOutOfRangeException(nameof(width), width, "Register widths are 8, 16, 32 or 64."),
    };

    private T Pick<T>(IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    private bool Chance(int percent) => rng.Next(100) < percent;

    private int RandomWidth() => rng.Next(20) switch
    {
        < 3 => 8,
        < 6 => 16,
        < 13 => 32,
        _ => 64,
    };

    private int WritableIndex(params int[] excluded)
    {
        while (true)
        {
            var r = rng.Next(16);
            if (!locked[r] && !excluded.Contains(r))
            {
                return r;
            }
        }
    }

    /// <summary>A register the instruction may overwrite; 8-bit choices include ah/ch/dh/bh.</summary>
    private Register Writable(int width, params int[] excluded)
    {
        if (width == 8 && Chance(15))
        {
            var high = rng.Next(4);
            if (!locked[high] && !excluded.Contains(high))
            {
                return Register.AH + high;
            }
        }
        return Reg(WritableIndex(excluded), width);
    }

    /// <summary>Any register, locked ones (base, index, rsp) included: reading them is harmless.</summary>
    private Register Readable(int width)
    {
        if (width == 8 && Chance(15))
        {
            return Register.AH + rng.Next(4);
        }
        return Reg(rng.Next(16), width);
    }

    /// <summary>
    /// A memory operand of <paramref name="size"/> bytes inside the data or stack page, in one of
    /// the addressing forms gcc uses. <paramref name="rspAdjust"/> is how RSP differs from the
    /// tracked value when the address is computed (pop [rsp+d] computes it after the increment).
    /// </summary>
    private MemoryOperand Memory(int size, int align = 1, int rspAdjust = 0)
    {
        var kind = rng.Next(10);
        if (kind == 9)
        {
            var rsp = (long)(GuestLayout.StackTop - (ulong)stackBytes) + rspAdjust;
            long stackTarget;
            do
            {
                stackTarget = (long)GuestLayout.StackAddress + AlignedOffset(size, align);
            }
            while (OverlapsReturnAddress(stackTarget, size));
            return Displaced(Register.RSP, Register.None, 1, stackTarget - rsp);
        }
        var target = (long)GuestLayout.DataAddress + AlignedOffset(size, align);
        // One in eight data operands goes through GS: the address is then relative to the GS base.
        var segment = kind < 8 && Chance(12) ? Register.GS : Register.None;
        var segmentBase = segment == Register.GS ? (long)gsBase : 0;
        switch (kind)
        {
            case < 4:
                return Displaced(Reg(baseRegister, 64), Register.None, 1, target - segmentBase - (long)baseValue, segment);
            case < 7:
                var scale = 1 << rng.Next(4);
                return Displaced(Reg(baseRegister, 64), Reg(indexRegister, 64), scale, target - segmentBase - (long)baseValue - ((long)indexValue * scale), segment);
            case 7:
                // Iced encodes an absolute operand with displSize 4 as 32-bit addressing (67h: the
                // displacement is zero-extended) and with 8 as [disp32] sign-extended; both occur.
                var absolute = target - segmentBase;
                return new MemoryOperand(Register.None, Register.None, 1, absolute, absolute >= 0 && Chance(50) ? 4 : 8, false, segment);
            default:
                return new MemoryOperand(Register.RIP, target, 8);
        }
    }

    /// <summary>
    /// A store over a live return address would send the ret somewhere unknown (where the host
    /// and the emulator may both fault, but with flags the generator cannot predict), so stack
    /// operands keep clear of the return-address slots of open calls.
    /// </summary>
    private bool OverlapsReturnAddress(long address, int size) =>
        returnSlots.Any(slot => address < (long)slot + 8 && (long)slot < address + size);

    /// <summary>The same addressing form, <paramref name="delta"/> bytes further.</summary>
    private static MemoryOperand Offset(MemoryOperand memory, long delta) =>
        memory.Base is Register.None or Register.RIP
            ? new MemoryOperand(memory.Base, memory.Index, memory.Scale, memory.Displacement + delta, memory.DisplSize, false, memory.SegmentPrefix)
            : Displaced(memory.Base, memory.Index, memory.Scale, memory.Displacement + delta, memory.SegmentPrefix);

    private long AlignedOffset(int size, int align) =>
        rng.Next((int)GuestLayout.PageSize - size + 1) / align * align;

    private static MemoryOperand Displaced(Register @base, Register index, int scale, long displacement, Register segment = Register.None) =>
        displacement == 0 && @base != Register.RBP && @base != Register.R13
            ? new MemoryOperand(@base, index, scale, 0, 0, false, segment)
            : new MemoryOperand(@base, index, scale, displacement, sbyte.MinValue <= displacement && displacement <= sbyte.MaxValue ? 1 : 4, false, segment);

    /// <summary>Register values biased towards the edges where flags change.</summary>
    private ulong RandomValue(int width)
    {
        var value = rng.Next(10) switch
        {
            < 3 => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 62),
            < 4 => (ulong)rng.Next(17),
            < 5 => (ulong)-rng.Next(1, 17),
            < 7 => Boundaries[rng.Next(Boundaries.Length)] + (ulong)(rng.Next(3) - 1),
            _ => (ulong)rng.NextInt64() >> rng.Next(64),
        };
        return width == 64 ? value : value & ((1UL << width) - 1);
    }

    /// <summary>A signed immediate of <paramref name="bits"/> bits, biased to edges.</summary>
    private int Immediate(int bits)
    {
        var max = bits == 32 ? int.MaxValue : (1 << (bits - 1)) - 1;
        var min = -max - 1;
        return rng.Next(8) switch
        {
            0 => 0,
            1 => rng.Next(-2, 3),
            2 => max,
            3 => min,
            4 => rng.Next(2) == 0 ? max - 1 : min + 1,
            _ => (int)((long)rng.NextInt64(min, (long)max + 1)),
        };
    }

    /// <summary>Shift and rotate counts: 0, 1, the operand size and its neighbours, the masks.</summary>
    private int ShiftCount(int width) => rng.Next(10) switch
    {
        0 => 0,
        < 3 => 1,
        3 => width - 1,
        4 => width,
        5 => width + 1,
        6 => Pick(new[] { 31, 32, 33, 63, 64, 65, 255 }),
        _ => rng.Next(256),
    };

    private static bool Encodable(in Instruction instruction)
    {
        var encoder = Encoder.Create(64, new ByteSink());
        return encoder.TryEncode(instruction, GuestLayout.CodeAddress, out _, out _);
    }

    /// <summary>
    /// Emits the instructions if each is encodable and none reads a flag left undefined by the
    /// ones before it; otherwise emits nothing and returns false.
    /// </summary>
    private bool TryEmit(params (Instruction Instruction, FlagEffect Effect)[] items)
    {
        var undefined = undefinedFlags;
        foreach (var (instruction, effect) in items)
        {
            if ((effect.Reads & undefined) != 0 || (!instruction.IsJccShortOrNear && !Encodable(instruction)))
            {
                return false;
            }
            undefined = effect.Apply(undefined);
        }
        foreach (var (instruction, effect) in items)
        {
            Emit(instruction, effect);
        }
        return true;
    }

    private bool TryEmit(Instruction instruction, FlagEffect effect) => TryEmit((instruction, effect));

    private void Emit(Instruction instruction, FlagEffect effect)
    {
        instruction.IP = LabelSpace + ((ulong)instructions.Count * 16);
        instructions.Add(instruction);
        undefinedFlags = effect.Apply(undefinedFlags);
    }

    private ulong NextIp => LabelSpace + ((ulong)instructions.Count * 16);

    private static Instruction Locked(Instruction instruction)
    {
        instruction.HasLockPrefix = true;
        return instruction;
    }

    private sealed class ByteSink : CodeWriter
    {
        public override void WriteByte(byte value)
        {
        }
    }
}
