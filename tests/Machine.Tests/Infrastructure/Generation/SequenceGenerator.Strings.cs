using Iced.Intel;

namespace Verified.Machine.Tests.Infrastructure.Generation;

/// <summary>
/// movs/stos/lods/cmps/scas in every width, with and without rep/repe/repne, in either
/// direction. RSI, RDI and RCX are loaded first so every element stays inside the data page.
/// </summary>
public sealed partial class SequenceGenerator
{
    private bool StringOperation()
    {
        if (locked[Rcx])
        {
            return false;
        }
        var size = 1 << rng.Next(4);
        var kind = rng.Next(5);
        var repeated = Chance(70);
        var count = repeated ? (Chance(10) ? 0 : rng.Next(1, 40)) : 1;
        var steps = new List<(Instruction, FlagEffect)>();
        if (kind is 0 or 2 or 3)
        {
            steps.Add((Instruction.Create(Code.Mov_r32_imm32, Register.ESI, (uint)StringStart(size, count)), FlagEffect.None));
        }
        if (kind is not 2)
        {
            steps.Add((Instruction.Create(Code.Mov_r32_imm32, Register.EDI, (uint)StringStart(size, count)), FlagEffect.None));
        }
        if (repeated)
        {
            steps.Add((Chance(50)
                ? Instruction.Create(Code.Mov_r32_imm32, Register.ECX, count)
                : Instruction.Create(Code.Mov_r64_imm64, Register.RCX, (ulong)count), FlagEffect.None));
        }
        var compares = kind is 3 or 4;
        var rep = !repeated ? RepPrefixKind.None : compares ? (Chance(50) ? RepPrefixKind.Repe : RepPrefixKind.Repne) : RepPrefixKind.Repe;
        var instruction = (kind, size) switch
        {
            (0, 1) => Instruction.CreateMovsb(64, Register.None, rep),
            (0, 2) => Instruction.CreateMovsw(64, Register.None, rep),
            (0, 4) => Instruction.CreateMovsd(64, Register.None, rep),
            (0, _) => Instruction.CreateMovsq(64, Register.None, rep),
            (1, 1) => Instruction.CreateStosb(64, rep),
            (1, 2) => Instruction.CreateStosw(64, rep),
            (1, 4) => Instruction.CreateStosd(64, rep),
            (1, _) => Instruction.CreateStosq(64, rep),
            (2, 1) => Instruction.CreateLodsb(64, Register.None, rep),
            (2, 2) => Instruction.CreateLodsw(64, Register.None, rep),
            (2, 4) => Instruction.CreateLodsd(64, Register.None, rep),
            (2, _) => Instruction.CreateLodsq(64, Register.None, rep),
            (3, 1) => Instruction.CreateCmpsb(64, Register.None, rep),
            (3, 2) => Instruction.CreateCmpsw(64, Register.None, rep),
            (3, 4) => Instruction.CreateCmpsd(64, Register.None, rep),
            (3, _) => Instruction.CreateCmpsq(64, Register.None, rep),
            (_, 1) => Instruction.CreateScasb(64, rep),
            (_, 2) => Instruction.CreateScasw(64, rep),
            (_, 4) => Instruction.CreateScasd(64, rep),
            _ => Instruction.CreateScasq(64, rep),
        };
        // A repeated compare with RCX = 0 does nothing, flags included.
        steps.Add((instruction, compares && count > 0 ? FlagEffect.AllDefined : FlagEffect.None));
        return TryEmit([.. steps]);
    }

    /// <summary>A start address from which <paramref name="count"/> elements, walked in the current direction, stay in the data page.</summary>
    private ulong StringStart(int size, int count)
    {
        var span = Math.Max(count, 1) * size;
        var page = (int)GuestLayout.PageSize;
        var offset = directionFlag
            ? rng.Next(span - size, page - size + 1)
            : rng.Next(0, page - span + 1);
        return GuestLayout.DataAddress + (ulong)offset;
    }
}
