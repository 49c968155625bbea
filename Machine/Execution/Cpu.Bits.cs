using System.Buffers.Binary;
using System.Numerics;
using Verified.Machine.Translation;

namespace Verified.Machine;

/// <summary>bt/bts/btr/btc, bsf/bsr/tzcnt/lzcnt/popcnt, bswap, setcc/cmovcc helpers.</summary>
public sealed partial class Cpu
{
    private void ExecBt(ref MicroOp op)
    {
        var size = op.Size;
        var bits = size * 8;
        ulong address = 0;
        int bit;
        if ((op.Flags & OpFlags.Imm) != 0)
        {
            bit = (int)(op.Imm & (ulong)(bits - 1));
            if (op.IsMem)
            {
                address = Ea(ref op);
            }
        }
        else
        {
            var offset = SignExtend(GetReg(op.Reg, size), size);
            bit = (int)(offset & (bits - 1));
            if (op.IsMem)
            {
                // Bit-string addressing: a register offset selects any operand-sized word around the address.
                address = Ea(ref op) + (ulong)((offset >> BitOperations.Log2((uint)bits)) * size);
            }
        }

        var value = op.IsMem ? Read(address, size) : GetReg(op.Rm, size);
        var cf = ((value >> bit) & 1) != 0;
        if (op.Aux != 0)
        {
            var m = 1UL << bit;
            var r = op.Aux switch { 1 => value | m, 2 => value & ~m, _ => value ^ m };
            if (op.IsMem)
            {
                Write(address, size, r);
            }
            else
            {
                SetReg(op.Rm, size, r);
            }
        }

        var f = GetFlags();
        SetFlagBits((f & ~CF) | (cf ? CF : 0));
    }

    private void ExecBitScan(ref MicroOp op)
    {
        var size = op.Size;
        var bits = size * 8;
        var src = ReadRm(ref op, size);
        var f = GetFlags() & ~StatusMask;
        switch ((BitScanOp)op.Aux)
        {
            case BitScanOp.Bsf:
            case BitScanOp.Bsr:
                if (src == 0)
                {
                    // The destination is left unchanged, as both vendors' hardware does.
                    SetFlagBits(f | ZF);
                    return;
                }

                SetReg(op.Reg, size, op.Aux == (byte)BitScanOp.Bsf ? (ulong)BitOperations.TrailingZeroCount(src) : (ulong)BitOperations.Log2(src));
                SetFlagBits(f);
                return;
            case BitScanOp.Tzcnt:
                {
                    var r = src == 0 ? (ulong)bits : (ulong)BitOperations.TrailingZeroCount(src);
                    SetReg(op.Reg, size, r);
                    SetFlagBits(f | (src == 0 ? CF : 0) | (r == 0 ? ZF : 0));
                    return;
                }

            case BitScanOp.Lzcnt:
                {
                    var r = src == 0 ? (ulong)bits : (ulong)(BitOperations.LeadingZeroCount(src) - (64 - bits));
                    SetReg(op.Reg, size, r);
                    SetFlagBits(f | (src == 0 ? CF : 0) | (r == 0 ? ZF : 0));
                    return;
                }

            default:
                SetReg(op.Reg, size, (ulong)BitOperations.PopCount(src));
                SetFlagBits(f | (src == 0 ? ZF : 0));
                return;
        }
    }

    private void ExecBswap(ref MicroOp op)
    {
        if (op.Size == 8)
        {
            R(op.Reg) = BinaryPrimitives.ReverseEndianness(R(op.Reg));
        }
        else if (op.Size == 4)
        {
            R(op.Reg) = BinaryPrimitives.ReverseEndianness((uint)R(op.Reg));
        }
        else
        {
            // bswap of a 16-bit register is undefined; hardware zeroes the low word.
            SetReg(op.Reg, 2, 0);
        }
    }

    private void ExecCmov(ref MicroOp op)
    {
        var size = op.Size;
        // The source is read (and may fault) whether or not the condition holds.
        var value = ReadRm(ref op, size);
        if (Condition(op.Aux))
        {
            SetReg(op.Reg, size, value);
        }
        else if (size == 4)
        {
            R(op.Reg) = (uint)R(op.Reg);
        }
    }
}
