using System.Runtime.CompilerServices;
using Verified.Machine.Translation;

namespace Verified.Machine;

/// <summary>add/or/adc/sbb/and/sub/xor/cmp/test and not/neg/inc/dec, recording lazy flags.</summary>
public sealed partial class Cpu
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AluToReg(ref MicroOp op, ulong source)
    {
        var size = op.Size;
        var result = Alu((AluOp)op.Aux, size, GetReg(op.Reg, size), source);
        if (op.Aux < (byte)AluOp.Cmp)
        {
            SetReg(op.Reg, size, result);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AluToReg64(ref MicroOp op, ulong source)
    {
        ref var dest = ref R(op.Reg);
        var result = Alu((AluOp)op.Aux, 8, dest, source);
        if (op.Aux < (byte)AluOp.Cmp)
        {
            dest = result;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AluToReg32(ref MicroOp op, ulong source)
    {
        ref var dest = ref R(op.Reg);
        var result = Alu((AluOp)op.Aux, 4, (uint)dest, source);
        if (op.Aux < (byte)AluOp.Cmp)
        {
            dest = result;
        }
    }

    private void AluToMemory(ref MicroOp op, ulong source)
    {
        var size = op.Size;
        var address = Ea(ref op);
        var aluOp = (AluOp)op.Aux;
        var value = Read(address, size);
        if (aluOp >= AluOp.Cmp)
        {
            Alu(aluOp, size, value, source);
            return;
        }

        // Check the store first so a faulting store leaves the flags untouched.
        EnsureWritable(address, size);
        Write(address, size, Alu(aluOp, size, value, source));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Alu(AluOp op, int size, ulong a, ulong b)
    {
        var mask = Mask(size);
        ulong r;
        switch (op)
        {
            case AluOp.Add:
                r = (a + b) & mask;
                SetLazy(Lazy.Add, size, a, b, r);
                return r;
            case AluOp.Sub:
            case AluOp.Cmp:
                r = (a - b) & mask;
                SetLazy(Lazy.Sub, size, a, b, r);
                return r;
            case AluOp.And:
            case AluOp.Test:
                r = a & b;
                SetLazy(Lazy.Logic, size, 0, 0, r);
                return r;
            case AluOp.Or:
                r = a | b;
                SetLazy(Lazy.Logic, size, 0, 0, r);
                return r;
            case AluOp.Xor:
                r = a ^ b;
                SetLazy(Lazy.Logic, size, 0, 0, r);
                return r;
            case AluOp.Adc:
                {
                    var carry = GetCarry();
                    r = (a + b + (carry ? 1UL : 0)) & mask;
                    SetLazy(carry ? Lazy.Adc : Lazy.Add, size, a, b, r);
                    return r;
                }

            default:
                {
                    var carry = GetCarry();
                    r = (a - b - (carry ? 1UL : 0)) & mask;
                    SetLazy(carry ? Lazy.Sbb : Lazy.Sub, size, a, b, r);
                    return r;
                }
        }
    }

    /// <summary>not/neg/inc/dec of a 32- or 64-bit register.</summary>
    private void UnaryRegister(ref MicroOp op)
    {
        var size = op.Size;
        ref var reg = ref R(op.Rm);
        var mask = Mask(size);
        var a = reg & mask;
        switch ((UnaryOp)op.Aux)
        {
            case UnaryOp.Not:
                reg = ~a & mask;
                return;
            case UnaryOp.Neg:
                reg = (0 - a) & mask;
                SetLazy(Lazy.Sub, size, 0, a, reg);
                return;
            case UnaryOp.Inc:
                reg = (a + 1) & mask;
                SetLazyKeepCarry(Lazy.Inc, size, a, reg);
                return;
            default:
                reg = (a - 1) & mask;
                SetLazyKeepCarry(Lazy.Dec, size, a, reg);
                return;
        }
    }

    private void ExecUnary(ref MicroOp op)
    {
        var size = op.Size;
        var mask = Mask(size);
        var address = op.IsMem ? Ea(ref op) : 0;
        var a = op.IsMem ? Read(address, size) : GetReg(op.Rm, size);
        if (op.IsMem)
        {
            EnsureWritable(address, size);
        }

        ulong r;
        switch ((UnaryOp)op.Aux)
        {
            case UnaryOp.Not:
                r = ~a & mask;
                Store(ref op, address, r);
                return;
            case UnaryOp.Neg:
                r = (0 - a) & mask;
                Store(ref op, address, r);
                SetLazy(Lazy.Sub, size, 0, a, r);
                return;
            case UnaryOp.Inc:
                r = (a + 1) & mask;
                Store(ref op, address, r);
                SetLazyKeepCarry(Lazy.Inc, size, a, r);
                return;
            default:
                r = (a - 1) & mask;
                Store(ref op, address, r);
                SetLazyKeepCarry(Lazy.Dec, size, a, r);
                return;
        }
    }

    /// <summary>Writes the r/m operand at a precomputed address (so the address is computed once).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store(ref MicroOp op, ulong address, ulong value)
    {
        if (op.IsMem)
        {
            Write(address, op.Size, value);
        }
        else
        {
            SetReg(op.Rm, op.Size, value);
        }
    }
}
