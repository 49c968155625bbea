using Iced.Intel;

namespace Verified.Machine.Tests.Infrastructure.Generation;

/// <summary>
/// Faulting tails: after a random prefix, one instruction that must raise an exception, so the
/// test can check that faults are precise (RIP at the instruction, registers and memory as
/// before it, no partial write of a store that straddles into an unmapped page). The faulting
/// instruction does not complete, so its flag effect is None: the flags compared are those
/// defined before it.
/// </summary>
public sealed partial class SequenceGenerator
{
    private const ulong Unmapped = GuestLayout.DataAddress + (2 * GuestLayout.PageSize);

    private void FaultingTail()
    {
        while (!TryFault())
        {
        }
    }

    private bool TryFault()
    {
        var w = Pick(new[] { 8, 16, 32, 64 });
        switch (rng.Next(9))
        {
            case 0:
            {
                // Divide by a zero register or zero memory.
                if (Chance(50))
                {
                    var divisor = Writable(w, 0, 2);
                    return TryEmit(
                        (Instruction.Create(C($"Xor_r{w}_rm{w}"), divisor, divisor), FlagEffect.Logic),
                        (Instruction.Create(C(Chance(50) ? $"Div_rm{w}" : $"Idiv_rm{w}"), divisor), FlagEffect.None));
                }
                var memory = Memory(w / 8);
                return TryEmit(
                    (Instruction.Create(C($"And_rm{w}_imm8"), memory, 0), FlagEffect.Logic),
                    (Instruction.Create(C(Chance(50) ? $"Div_rm{w}" : $"Idiv_rm{w}"), memory), FlagEffect.None));
            }
            case 1:
            {
                // A quotient that does not fit: divide by one with a nonzero high half (for bytes, AH).
                var divisor = Writable(w, 0, 2);
                var high = w == 8 ? Register.AH : Register.DL;
                return TryEmit(
                    (w == 64 ? Instruction.Create(Code.Mov_r64_imm64, divisor, 1UL) : Instruction.Create(C($"Mov_r{w}_imm{w}"), divisor, 1), FlagEffect.None),
                    (Instruction.Create(Code.Or_rm8_imm8, high, 1), FlagEffect.Logic),
                    (Instruction.Create(C($"Div_rm{w}"), divisor), FlagEffect.None));
            }
            case 2:
            {
                // The most negative dividend divided by -1.
                var divisor = Writable(64, 0, 2);
                return TryEmit(
                    (Instruction.Create(Code.Mov_r64_imm64, Register.RAX, 0x8000_0000_0000_0000UL), FlagEffect.None),
                    (Instruction.Create(Code.Cqo), FlagEffect.None),
                    (Instruction.Create(Code.Mov_r64_imm64, divisor, ulong.MaxValue), FlagEffect.None),
                    (Instruction.Create(Code.Idiv_rm64, divisor), FlagEffect.None));
            }
            case 3:
                return TryEmit(Instruction.Create(Pick(new[] { Code.Ud2, Code.Int3, Code.Hlt, Code.Cli })), FlagEffect.None);
            case 4:
                // A load or store on the page after the stack page, which nobody maps.
                var target = new MemoryOperand(Register.None, (long)Unmapped + rng.Next(64), 4);
                return TryEmit(
                    Chance(50) ? Instruction.Create(C($"Mov_rm{w}_r{w}"), target, Readable(w)) : Instruction.Create(C($"Mov_r{w}_rm{w}"), Writable(w), target),
                    FlagEffect.None);
            case 5:
            {
                // A store that straddles the end of the stack page: nothing may be written.
                var size = Math.Max(w / 8, 2);
                var width = size * 8;
                var straddling = new MemoryOperand(Register.None, (long)Unmapped - rng.Next(1, size), 4);
                return TryEmit(
                    Chance(50)
                        ? Instruction.Create(C($"Mov_rm{width}_r{width}"), straddling, Readable(width))
                        : Instruction.Create(C($"Add_rm{width}_r{width}"), straddling, Readable(width)),
                    FlagEffect.None);
            }
            case 6:
                // A non-canonical address (#GP).
                return TryEmit(
                    (Instruction.Create(Code.Mov_r64_imm64, Register.RAX, 0x8000_0000_0000_0000UL | (uint)rng.Next()), FlagEffect.None),
                    (Instruction.Create(C($"Mov_r{w}_rm{w}"), Reg(2, w), new MemoryOperand(Register.RAX)), FlagEffect.None));
            case 7:
            {
                // Jumping into the no-execute data page.
                var index = WritableIndex();
                return TryEmit(
                    (Instruction.Create(Code.Mov_r32_imm32, Reg(index, 32), (uint)(GuestLayout.DataAddress + (ulong)rng.Next(4096))), FlagEffect.None),
                    (Instruction.Create(Code.Jmp_rm64, Reg(index, 64)), FlagEffect.None));
            }
            default:
                // A repeated store running off the end of the stack page: the elements before the
                // fault are written, the faulting one is not, and RDI/RCX say where it stopped.
                if (directionFlag)
                {
                    return false;
                }
                return TryEmit(
                    (Instruction.Create(Code.Mov_r32_imm32, Register.EDI, (uint)(Unmapped - (ulong)(8 * rng.Next(1, 5)))), FlagEffect.None),
                    (Instruction.Create(Code.Mov_r32_imm32, Register.ECX, 40), FlagEffect.None),
                    (Instruction.CreateStosq(64, RepPrefixKind.Repe), FlagEffect.None));
        }
    }
}
