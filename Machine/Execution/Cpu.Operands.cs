using System.Runtime.CompilerServices;
using Verified.Machine.Translation;

namespace Verified.Machine;

/// <summary>Operand access shared by the executors: effective addresses, r/m operands, the stack.</summary>
public sealed partial class Cpu
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong EaNoSegment(ref MicroOp op)
    {
        // An absent base or index is register 16, which is always zero.
        var a = (ulong)op.Disp + R(op.Base) + (R(op.Index) << op.Scale);
        return (op.Flags & OpFlags.Addr32) != 0 ? (uint)a : a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Ea(ref MicroOp op)
    {
        if ((op.Flags & OpFlags.ComplexEa) == 0)
        {
            return (ulong)op.Disp + R(op.Base) + (R(op.Index) << op.Scale);
        }

        return EaComplex(ref op);
    }

    private ulong EaComplex(ref MicroOp op)
    {
        var a = EaNoSegment(ref op);
        return op.Seg switch
        {
            1 => a + regs.FsBase,
            2 => a + regs.GsBase,
            _ => a,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong ReadRm(ref MicroOp op, int size) => op.IsMem ? Read(Ea(ref op), size) : GetReg(op.Rm, size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteRm(ref MicroOp op, int size, ulong value)
    {
        if (op.IsMem)
        {
            Write(Ea(ref op), size, value);
        }
        else
        {
            SetReg(op.Rm, size, value);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Push64(ulong value)
    {
        ref var rsp = ref R(4);
        var top = rsp - 8;
        Write64(top, value);
        rsp = top;
    }

    private void PushValue(int size, ulong value)
    {
        ref var rsp = ref R(4);
        var top = rsp - (ulong)size;
        Write(top, size, value);
        rsp = top;
    }
}
