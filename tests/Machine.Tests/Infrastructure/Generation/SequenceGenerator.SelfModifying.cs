using Iced.Intel;

namespace Verified.Machine.Tests.Infrastructure.Generation;

/// <summary>
/// Self-modifying code: a store writes a tiny routine (mov/add/xor al, imm8; ret) into a slot
/// on the code page the sequence itself runs from, then calls it. Slots are rewritten with new
/// immediates later in the same sequence, so stale translated code shows as a wrong AL.
/// </summary>
public sealed partial class SequenceGenerator
{
    /// <summary>Slots live here, on the first code page; sequences using them must end before.</summary>
    public const ulong SlotArea = GuestLayout.CodeAddress + 0xF00;
    private const int SlotCount = 2;

    private bool usesSlots;

    private bool SelfModifyingCall()
    {
        if (nesting > 0 || stackBytes > 0x500)
        {
            return false;
        }
        var slot = SlotArea + (ulong)(16 * rng.Next(SlotCount));
        var (opcode, effect) = rng.Next(3) switch
        {
            0 => ((byte)0xB0, FlagEffect.None),        // mov al, imm8
            1 => ((byte)0x04, FlagEffect.AllDefined),  // add al, imm8
            _ => ((byte)0x34, FlagEffect.Logic),       // xor al, imm8
        };
        var routine = opcode | ((uint)rng.Next(256) << 8) | (0xC3u << 16) | (0x90u << 24);
        var target = WritableIndex();
        if (!TryEmit(
                (Instruction.Create(Code.Mov_rm32_imm32, new MemoryOperand(Register.None, (long)slot, 4), routine), FlagEffect.None),
                (Instruction.Create(Code.Mov_r32_imm32, Reg(target, 32), (uint)slot), FlagEffect.None),
                (Instruction.Create(Code.Call_rm64, Reg(target, 64)), effect)))
        {
            return false;
        }
        usesSlots = true;
        return true;
    }
}
