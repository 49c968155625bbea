using Iced.Intel;

namespace Verified.Machine.Tests.Infrastructure.Generation;

/// <summary>add/adc/sub/sbb/cmp/and/or/xor/test, inc/dec/neg/not, mul/imul, div/idiv.</summary>
public sealed partial class SequenceGenerator
{
    private static readonly string[] BinaryMnemonics = ["Add", "Or", "Adc", "Sbb", "And", "Sub", "Xor", "Cmp", "Test"];

    private static FlagEffect BinaryEffect(string mnemonic) => mnemonic switch
    {
        "Adc" or "Sbb" => FlagEffect.AllDefined.Reading(Flags.CF),
        "And" or "Or" or "Xor" or "Test" => FlagEffect.Logic,
        _ => FlagEffect.AllDefined,
    };

    private bool BinaryAlu()
    {
        var mn = Pick(BinaryMnemonics);
        var w = RandomWidth();
        var writes = mn is not ("Cmp" or "Test");
        var effect = BinaryEffect(mn);
        Register Dest() => writes ? Writable(w) : Readable(w);
        Instruction instruction;
        switch (rng.Next(6))
        {
            case 0:
                instruction = Instruction.Create(C($"{mn}_rm{w}_r{w}"), Dest(), Readable(w));
                break;
            case 1:
                instruction = Instruction.Create(C($"{mn}_rm{w}_r{w}"), Memory(w / 8), Readable(w));
                if (writes && Chance(30))
                {
                    instruction = Locked(instruction);
                }
                break;
            case 2 when mn != "Test":
                instruction = Instruction.Create(C($"{mn}_r{w}_rm{w}"), Dest(), Memory(w / 8));
                break;
            case 3:
                var accumulator = w switch { 8 => "AL", 16 => "AX", 32 => "EAX", _ => "RAX" };
                instruction = Instruction.Create(C($"{mn}_{accumulator}_imm{Math.Min(w, 32)}"), Reg(0, w), Immediate(Math.Min(w, 32)));
                break;
            default:
                var short8 = w > 8 && mn != "Test" && Chance(50);
                var code = C(short8 ? $"{mn}_rm{w}_imm8" : $"{mn}_rm{w}_imm{Math.Min(w, 32)}");
                var imm = Immediate(short8 ? 8 : Math.Min(w, 32));
                if (Chance(50))
                {
                    instruction = Instruction.Create(code, Dest(), imm);
                }
                else
                {
                    instruction = Instruction.Create(code, Memory(w / 8), imm);
                    if (writes && Chance(30))
                    {
                        instruction = Locked(instruction);
                    }
                }
                break;
        }
        return TryEmit(instruction, effect);
    }

    private bool Unary()
    {
        var mn = Pick(new[] { "Inc", "Dec", "Neg", "Not" });
        var w = RandomWidth();
        var effect = mn switch
        {
            "Inc" or "Dec" => FlagEffect.IncDec,
            "Neg" => FlagEffect.AllDefined,
            _ => FlagEffect.None,
        };
        var instruction = Chance(50)
            ? Instruction.Create(C($"{mn}_rm{w}"), Writable(w))
            : Instruction.Create(C($"{mn}_rm{w}"), Memory(w / 8));
        if (instruction.Op0Kind == OpKind.Memory && Chance(30))
        {
            instruction = Locked(instruction);
        }
        return TryEmit(instruction, effect);
    }

    private bool Multiply()
    {
        var w = RandomWidth();
        switch (rng.Next(4))
        {
            case 0:
                var mn = Chance(50) ? "Mul" : "Imul";
                return TryEmit(
                    Chance(50)
                        ? Instruction.Create(C($"{mn}_rm{w}"), Readable(w))
                        : Instruction.Create(C($"{mn}_rm{w}"), Memory(w / 8)),
                    FlagEffect.Multiply);
            case 1:
                w = Math.Max(w, 16);
                return TryEmit(
                    Chance(50)
                        ? Instruction.Create(C($"Imul_r{w}_rm{w}"), Writable(w), Readable(w))
                        : Instruction.Create(C($"Imul_r{w}_rm{w}"), Writable(w), Memory(w / 8)),
                    FlagEffect.Multiply);
            default:
                w = Math.Max(w, 16);
                var short8 = Chance(50);
                var code = C(short8 ? $"Imul_r{w}_rm{w}_imm8" : $"Imul_r{w}_rm{w}_imm{Math.Min(w, 32)}");
                var imm = Immediate(short8 ? 8 : Math.Min(w, 32));
                return TryEmit(
                    Chance(50)
                        ? Instruction.Create(code, Writable(w), Readable(w), imm)
                        : Instruction.Create(code, Writable(w), Memory(w / 8), imm),
                    FlagEffect.Multiply);
        }
    }

    /// <summary>
    /// div/idiv with the dividend's high half and the divisor arranged so the quotient fits:
    /// unsigned, the divisor gets bit k set and the high half is shifted below 2^k; signed, the
    /// divisor's magnitude is at least 2 and the dividend is the sign extension of its low half.
    /// </summary>
    private bool Divide()
    {
        var w = RandomWidth();
        var signed = Chance(50);
        var inMemory = Chance(40);
        var steps = new List<(Instruction, FlagEffect)>();
        if (w == 8)
        {
            // The dividend is AX; the divisor may be any byte register but al and ah.
            Register divisor8 = default;
            var memory8 = inMemory ? Memory(1) : default;
            if (!inMemory)
            {
                do
                {
                    divisor8 = Writable(8, 0);
                }
                while (divisor8 == Register.AH);
            }
            Instruction On(Code code, int imm) => inMemory ? Instruction.Create(code, memory8, imm) : Instruction.Create(code, divisor8, imm);
            if (signed)
            {
                steps.Add((On(Code.And_rm8_imm8, 0x7F), FlagEffect.Logic));
                steps.Add((On(Code.Or_rm8_imm8, 1 << rng.Next(1, 7)), FlagEffect.Logic));
                if (Chance(50))
                {
                    steps.Add((inMemory ? Instruction.Create(Code.Neg_rm8, memory8) : Instruction.Create(Code.Neg_rm8, divisor8), FlagEffect.AllDefined));
                }
                steps.Add((Instruction.Create(Code.Cbw), FlagEffect.None));
            }
            else
            {
                var k = rng.Next(8);
                steps.Add((On(Code.Or_rm8_imm8, (sbyte)(1 << k)), FlagEffect.Logic));
                steps.Add((Instruction.Create(Code.And_rm8_imm8, Register.AH, (1 << k) - 1), FlagEffect.Logic));
            }
            var divide = C(signed ? "Idiv_rm8" : "Div_rm8");
            steps.Add((inMemory ? Instruction.Create(divide, memory8) : Instruction.Create(divide, divisor8), FlagEffect.Divide));
            return TryEmit([.. steps]);
        }

        var memory = inMemory ? Memory(w / 8) : default;
        var divisor = inMemory ? Register.None : Writable(w, 0, 2);
        Instruction Bit(string mn, int bit) => inMemory
            ? Instruction.Create(C($"{mn}_rm{w}_imm8"), memory, bit)
            : Instruction.Create(C($"{mn}_rm{w}_imm8"), divisor, bit);
        if (signed)
        {
            steps.Add((Bit("Btr", w - 1), FlagEffect.BitTest));
            steps.Add((Bit("Bts", rng.Next(1, w - 1)), FlagEffect.BitTest));
            if (Chance(50))
            {
                steps.Add((inMemory ? Instruction.Create(C($"Neg_rm{w}"), memory) : Instruction.Create(C($"Neg_rm{w}"), divisor), FlagEffect.AllDefined));
            }
            steps.Add((Instruction.Create(w switch { 16 => Code.Cwd, 32 => Code.Cdq, _ => Code.Cqo }), FlagEffect.None));
        }
        else
        {
            var k = rng.Next(1, w);
            steps.Add((Bit("Bts", k), FlagEffect.BitTest));
            steps.Add((Instruction.Create(C($"Shr_rm{w}_imm8"), Reg(2, w), w - k), new FlagEffect(0, Flags.CF | Flags.SF | Flags.ZF | Flags.PF, Flags.AF | Flags.OF)));
        }
        var code = C(signed ? $"Idiv_rm{w}" : $"Div_rm{w}");
        steps.Add((inMemory ? Instruction.Create(code, memory) : Instruction.Create(code, divisor), FlagEffect.Divide));
        return TryEmit([.. steps]);
    }
}
