using System.Runtime.InteropServices;

namespace Verified.Machine.Translation;

/// <summary>
/// One translated instruction: everything the executor needs, pre-decoded once. Registers are
/// numbered 0..15 (encoding order); 16..19 name AH, CH, DH, BH in byte operations.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MicroOp
{
    public Kind Kind;
    public byte Size;      // operand size in bytes
    public byte Len;       // instruction length
    public byte Reg;       // the ModRM.reg operand (or the only register operand)
    public byte Rm;        // the ModRM.rm register when the operand is not memory
    public byte Base;      // memory base register, NoReg for none
    public byte Index;     // memory index register, NoReg for none
    public byte Scale;     // index shift (0..3)
    public byte Seg;       // 0 none, 1 FS, 2 GS
    public byte Aux;       // family selector (AluOp, condition code, source size, ...)
    public byte Flags;     // OpFlags
    public byte Aux2;      // second selector (e.g. the vector of Raise)
    public long Disp;
    public ulong Imm;      // immediate, branch target, or second immediate
    public ulong Rip;      // address of this instruction

    /// <summary>The always-zero register slot: an absent base or index reads 0.</summary>
    public const byte NoReg = 16;

    public readonly ulong NextRip => Rip + Len;

    public readonly bool IsMem => (Flags & OpFlags.Mem) != 0;
}
