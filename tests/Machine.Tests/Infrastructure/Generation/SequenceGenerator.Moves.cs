using Iced.Intel;

namespace Verified.Machine.Tests.Infrastructure.Generation;

/// <summary>Data movement: mov (all forms), movzx/movsx/movsxd, lea, cmovcc/setcc, xchg, xadd, cmpxchg.</summary>
public sealed partial class SequenceGenerator
{
    private bool Move()
    {
        var w = RandomWidth();
        var imm = Math.Min(w, 32);
        switch (rng.Next(12))
        {
            case 0:
                return TryEmit(Instruction.Create(C($"Mov_rm{w}_r{w}"), Writable(w), Readable(w)), FlagEffect.None);
            case 1:
                return TryEmit(Instruction.Create(C($"Mov_rm{w}_r{w}"), Memory(w / 8), Readable(w)), FlagEffect.None);
            case 2:
                return TryEmit(Instruction.Create(C($"Mov_r{w}_rm{w}"), Writable(w), Memory(w / 8)), FlagEffect.None);
            case 3:
                return TryEmit(Instruction.Create(C($"Mov_rm{w}_imm{imm}"), Memory(w / 8), Immediate(imm)), FlagEffect.None);
            case 4:
                return TryEmit(
                    w == 64 ? Instruction.Create(Code.Mov_r64_imm64, Writable(64), RandomValue(64)) : Instruction.Create(C($"Mov_r{w}_imm{w}"), Writable(w), Immediate(w)),
                    FlagEffect.None);
            case 5:
                // moffs: mov al/ax/eax/rax to or from a 64-bit absolute address.
                var accumulator = w switch { 8 => "AL", 16 => "AX", 32 => "EAX", _ => "RAX" };
                var address = new MemoryOperand(Register.None, (long)GuestLayout.DataAddress + AlignedOffset(w / 8, 1), 8);
                return TryEmit(
                    Chance(50)
                        ? Instruction.Create(C($"Mov_{accumulator}_moffs{w}"), Reg(0, w), address)
                        : Instruction.Create(C($"Mov_moffs{w}_{accumulator}"), address, Reg(0, w)),
                    FlagEffect.None);
            case 6:
            case 7:
                return Extend();
            default:
                return Lea();
        }
    }

    private bool Extend()
    {
        var (mn, from, to) = rng.Next(9) switch
        {
            0 => ("Movzx", 8, 16),
            1 => ("Movzx", 8, 32),
            2 => ("Movzx", 8, 64),
            3 => ("Movzx", 16, 32),
            4 => ("Movzx", 16, 64),
            5 => ("Movsx", 8, Pick(new[] { 16, 32, 64 })),
            6 => ("Movsx", 16, Pick(new[] { 32, 64 })),
            _ => ("Movsxd", 32, 64),
        };
        var code = C($"{mn}_r{to}_rm{from}");
        return TryEmit(
            Chance(50) ? Instruction.Create(code, Writable(to), Readable(from)) : Instruction.Create(code, Writable(to), Memory(from / 8)),
            FlagEffect.None);
    }

    /// <summary>lea computes an address without touching memory, so any base and index will do.</summary>
    private bool Lea()
    {
        var w = Pick(new[] { 16, 32, 64, 64 });
        var @base = Chance(85) ? Reg(rng.Next(16), 64) : Register.None;
        Register index;
        do
        {
            index = Chance(50) ? Reg(rng.Next(16), 64) : Register.None;
        }
        while (index == Register.RSP);
        var displacement = Chance(30) ? 0 : Immediate(Chance(50) ? 8 : 32);
        var operand = @base == Register.None && index == Register.None
            ? new MemoryOperand(Register.None, displacement, 4)
            : Chance(10) && index == Register.None
                ? new MemoryOperand(Register.RIP, (long)GuestLayout.CodeAddress + displacement, 8)
                : Displaced(@base, index, 1 << rng.Next(4), displacement);
        return TryEmit(Instruction.Create(C($"Lea_r{w}_m"), Writable(w), operand), FlagEffect.None);
    }

    private bool ConditionalMove()
    {
        var (cc, reads) = Pick(Conditions.All);
        if (Chance(40))
        {
            var code = C($"Set{cc}_rm8");
            return TryEmit(Chance(60) ? Instruction.Create(code, Writable(8)) : Instruction.Create(code, Memory(1)), new FlagEffect(reads, 0, 0));
        }
        var w = Pick(new[] { 16, 32, 64 });
        var cmov = C($"Cmov{cc}_r{w}_rm{w}");
        return TryEmit(
            Chance(50) ? Instruction.Create(cmov, Writable(w), Readable(w)) : Instruction.Create(cmov, Writable(w), Memory(w / 8)),
            new FlagEffect(reads, 0, 0));
    }

    private bool Exchange()
    {
        var w = RandomWidth();
        switch (rng.Next(4))
        {
            case 0:
                return TryEmit(Instruction.Create(C($"Xchg_rm{w}_r{w}"), Writable(w), Writable(w)), FlagEffect.None);
            case 1:
                return TryEmit(Instruction.Create(C($"Xchg_rm{w}_r{w}"), Memory(w / 8), Writable(w)), FlagEffect.None);
            case 2 when w > 8:
                var accumulator = w switch { 16 => "AX", 32 => "EAX", _ => "RAX" };
                return TryEmit(Instruction.Create(C($"Xchg_r{w}_{accumulator}"), Writable(w), Reg(0, w)), FlagEffect.None);
            default:
                var xadd = C($"Xadd_rm{w}_r{w}");
                var instruction = Chance(50) ? Instruction.Create(xadd, Writable(w), Writable(w)) : Instruction.Create(xadd, Memory(w / 8), Writable(w));
                if (instruction.Op0Kind == OpKind.Memory && Chance(50))
                {
                    instruction = Locked(instruction);
                }
                return TryEmit(instruction, FlagEffect.AllDefined);
        }
    }

    /// <summary>cmpxchg, cmpxchg8b, cmpxchg16b; half the time the accumulator is loaded from the
    /// destination first so the exchange succeeds.</summary>
    private bool CompareExchange()
    {
        var steps = new List<(Instruction, FlagEffect)>();
        if (Chance(25))
        {
            var sixteen = Chance(50);
            var size = sixteen ? 16 : 8;
            var memory = Memory(size, size);
            if (Chance(50))
            {
                var half = sixteen ? 64 : 32;
                steps.Add((Instruction.Create(C($"Mov_r{half}_rm{half}"), Reg(0, half), memory), FlagEffect.None));
                var high = Offset(memory, size / 2);
                steps.Add((Instruction.Create(C($"Mov_r{half}_rm{half}"), Reg(2, half), high), FlagEffect.None));
            }
            var exchange = Instruction.Create(sixteen ? Code.Cmpxchg16b_m128 : Code.Cmpxchg8b_m64, memory);
            steps.Add((Chance(50) ? Locked(exchange) : exchange, new FlagEffect(0, Flags.ZF, 0)));
            return TryEmit([.. steps]);
        }
        var w = RandomWidth();
        var code = C($"Cmpxchg_rm{w}_r{w}");
        if (Chance(50))
        {
            var destination = Writable(w);
            if (Chance(50))
            {
                steps.Add((Instruction.Create(C($"Mov_r{w}_rm{w}"), Reg(0, w), destination), FlagEffect.None));
            }
            steps.Add((Instruction.Create(code, destination, Readable(w)), FlagEffect.AllDefined));
        }
        else
        {
            var memory = Memory(w / 8);
            if (Chance(50))
            {
                steps.Add((Instruction.Create(C($"Mov_r{w}_rm{w}"), Reg(0, w), memory), FlagEffect.None));
            }
            var exchange = Instruction.Create(code, memory, Readable(w));
            steps.Add((Chance(50) ? Locked(exchange) : exchange, FlagEffect.AllDefined));
        }
        return TryEmit([.. steps]);
    }
}
