using Iced.Intel;

namespace Verified.Machine.Tests.Infrastructure.Generation;

/// <summary>Shifts, rotates, double shifts, bit tests and scans, popcnt, bswap.</summary>
public sealed partial class SequenceGenerator
{
    private static readonly string[] ShiftMnemonics = ["Rol", "Ror", "Rcl", "Rcr", "Shl", "Shr", "Sar"];

    /// <summary>
    /// Flags after a shift or rotate whose count, masked to 5 bits (6 for 64-bit operands), is
    /// <paramref name="masked"/> (SDM: SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR). A masked count of 0
    /// changes nothing; OF is defined only for a count of 1; AF is undefined after a shift; CF is
    /// undefined for shl/shr when the count reaches the operand size.
    /// </summary>
    private static FlagEffect ShiftEffect(string mnemonic, int width, int masked)
    {
        if (masked == 0)
        {
            return FlagEffect.None;
        }
        var overflow = masked == 1 ? Flags.OF : 0;
        var undefinedOverflow = masked == 1 ? 0 : Flags.OF;
        return mnemonic switch
        {
            "Rol" or "Ror" => new FlagEffect(0, Flags.CF | overflow, undefinedOverflow),
            "Rcl" or "Rcr" => new FlagEffect(Flags.CF, Flags.CF | overflow, undefinedOverflow),
            "Sar" => new FlagEffect(0, Flags.CF | Flags.SF | Flags.ZF | Flags.PF | overflow, Flags.AF | undefinedOverflow),
            _ when masked >= width => new FlagEffect(0, Flags.SF | Flags.ZF | Flags.PF | overflow, Flags.AF | Flags.CF | undefinedOverflow),
            _ => new FlagEffect(0, Flags.CF | Flags.SF | Flags.ZF | Flags.PF | overflow, Flags.AF | undefinedOverflow),
        };
    }

    private static int CountMask(int width) => width == 64 ? 63 : 31;

    private bool Shift()
    {
        var mn = Pick(ShiftMnemonics);
        var w = RandomWidth();
        var form = rng.Next(3);
        var count = form == 0 ? 1 : ShiftCount(w);
        var effect = ShiftEffect(mn, w, count & CountMask(w));
        var code = C(form switch { 0 => $"{mn}_rm{w}_1", 1 => $"{mn}_rm{w}_CL", _ => $"{mn}_rm{w}_imm8" });
        var steps = new List<(Instruction, FlagEffect)>();
        if (form == 1)
        {
            if (locked[Rcx])
            {
                return false;
            }
            steps.Add((Instruction.Create(Code.Mov_r8_imm8, Register.CL, count), FlagEffect.None));
        }
        var inMemory = Chance(40);
        var memory = inMemory ? Memory(w / 8) : default;
        var target = inMemory ? Register.None : Writable(w, form == 1 ? [Rcx] : []);
        Instruction instruction = (form, inMemory) switch
        {
            (0, true) => Instruction.Create(code, memory, 1),
            (0, false) => Instruction.Create(code, target, 1),
            (1, true) => Instruction.Create(code, memory, Register.CL),
            (1, false) => Instruction.Create(code, target, Register.CL),
            (_, true) => Instruction.Create(code, memory, count),
            _ => Instruction.Create(code, target, count),
        };
        steps.Add((instruction, effect));
        return TryEmit([.. steps]);
    }

    /// <summary>shld/shrd; a 16-bit operand with a count above 16 leaves the result undefined, so it is not generated.</summary>
    private bool DoubleShift()
    {
        var mn = Chance(50) ? "Shld" : "Shrd";
        var w = Pick(new[] { 16, 32, 64 });
        var count = ShiftCount(w);
        var masked = count & CountMask(w);
        if (w == 16 && masked > 16)
        {
            return false;
        }
        var effect = masked == 0
            ? FlagEffect.None
            : new FlagEffect(0, Flags.CF | Flags.SF | Flags.ZF | Flags.PF | (masked == 1 ? Flags.OF : 0), Flags.AF | (masked == 1 ? 0 : Flags.OF));
        var useCl = Chance(50);
        if (useCl && locked[Rcx])
        {
            return false;
        }
        var code = C(useCl ? $"{mn}_rm{w}_r{w}_CL" : $"{mn}_rm{w}_r{w}_imm8");
        var source = Readable(w);
        var steps = new List<(Instruction, FlagEffect)>();
        if (useCl)
        {
            steps.Add((Instruction.Create(Code.Mov_r8_imm8, Register.CL, count), FlagEffect.None));
        }
        var inMemory = Chance(40);
        var memory = inMemory ? Memory(w / 8) : default;
        var target = inMemory ? Register.None : Writable(w, useCl ? [Rcx] : []);
        steps.Add(((useCl, inMemory) switch
        {
            (true, true) => Instruction.Create(code, memory, source, Register.CL),
            (true, false) => Instruction.Create(code, target, source, Register.CL),
            (false, true) => Instruction.Create(code, memory, source, count),
            _ => Instruction.Create(code, target, source, count),
        }, effect));
        return TryEmit([.. steps]);
    }

    /// <summary>bt*, bsf/bsr, tzcnt/lzcnt, popcnt, bswap. A bit test on memory with a register
    /// offset addresses a bit string (offset / width operands further on), so its offset is
    /// always the index register, whose value 0..63 the generator knows.</summary>
    private bool BitOperation()
    {
        var w = Pick(new[] { 16, 32, 64 });
        switch (rng.Next(5))
        {
            case 0:
            case 1:
                var mn = Pick(new[] { "Bt", "Bts", "Btr", "Btc" });
                var writes = mn != "Bt";
                Register Target() => writes ? Writable(w) : Readable(w);
                Instruction instruction = rng.Next(4) switch
                {
                    0 => Instruction.Create(C($"{mn}_rm{w}_r{w}"), Target(), Readable(w)),
                    1 => Instruction.Create(C($"{mn}_rm{w}_imm8"), Target(), rng.Next(256)),
                    // The index register holds 0..63, so the bit string reaches at most 8 bytes on.
                    2 => Instruction.Create(C($"{mn}_rm{w}_r{w}"), Memory((w / 8) + 8), Reg(indexRegister, w)),
                    _ => Instruction.Create(C($"{mn}_rm{w}_imm8"), Memory(w / 8), rng.Next(256)),
                };
                if (writes && instruction.Op0Kind == OpKind.Memory && Chance(30))
                {
                    instruction = Locked(instruction);
                }
                return TryEmit(instruction, FlagEffect.BitTest);
            case 2:
            case 3:
                var (scan, effect) = rng.Next(5) switch
                {
                    0 => ("Bsf", FlagEffect.BitScan),
                    1 => ("Bsr", FlagEffect.BitScan),
                    2 => ("Tzcnt", FlagEffect.Count),
                    3 => ("Lzcnt", FlagEffect.Count),
                    _ => ("Popcnt", FlagEffect.AllDefined),
                };
                var code = C($"{scan}_r{w}_rm{w}");
                return TryEmit(
                    Chance(50) ? Instruction.Create(code, Writable(w), Readable(w)) : Instruction.Create(code, Writable(w), Memory(w / 8)),
                    effect);
            default:
                w = Chance(50) ? 32 : 64;
                return TryEmit(Instruction.Create(C($"Bswap_r{w}"), Writable(w)), FlagEffect.None);
        }
    }
}
