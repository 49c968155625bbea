using Verified.Machine.Translation;

namespace Verified.Machine;

/// <summary>shl/shr/sar/rol/ror/rcl/rcr and shld/shrd with the architectural flag rules.</summary>
public sealed partial class Cpu
{
    private void ExecShift(ref MicroOp op)
    {
        var size = op.Size;
        var bits = size * 8;
        var mask = Mask(size);
        var sign = SignBit(size);
        var rawCount = (op.Flags & OpFlags.Imm) != 0 ? (int)op.Imm : (int)(R(1) & 0xFF);
        var count = rawCount & (size == 8 ? 63 : 31);
        var address = op.IsMem ? Ea(ref op) : 0;
        var a = op.IsMem ? Read(address, size) : GetReg(op.Rm, size);
        if (count == 0)
        {
            // No flags change; a 32-bit register destination is still written (upper half cleared).
            if (!op.IsMem)
            {
                SetReg(op.Rm, size, a);
            }

            return;
        }

        if (op.IsMem)
        {
            EnsureWritable(address, size);
        }

        ulong r;
        bool cf;
        bool of;
        var shiftOp = (ShiftOp)op.Aux;
        switch (shiftOp)
        {
            case ShiftOp.Shl:
            case ShiftOp.Sal:
                r = count >= 64 ? 0 : (a << count) & mask;
                cf = count <= bits && ((a >> (bits - count)) & 1) != 0;
                of = ((r & sign) != 0) != cf;
                Store(ref op, address, r);
                SetLazy(Lazy.Result, size, 0, (cf ? CF : 0) | (of ? OF : 0), r);
                return;
            case ShiftOp.Shr:
                r = a >> count;
                cf = ((a >> (count - 1)) & 1) != 0;
                of = (a & sign) != 0;
                Store(ref op, address, r);
                SetLazy(Lazy.Result, size, 0, (cf ? CF : 0) | (of ? OF : 0), r);
                return;
            case ShiftOp.Sar:
                {
                    var sa = SignExtend(a, size);
                    r = (ulong)(sa >> Math.Min(count, 63)) & mask;
                    cf = ((sa >> Math.Min(count - 1, 63)) & 1) != 0;
                    Store(ref op, address, r);
                    SetLazy(Lazy.Result, size, 0, cf ? CF : 0, r);
                    return;
                }

            default:
                break;
        }

        // Rotates change only CF and OF.
        var f = GetFlags();
        switch (shiftOp)
        {
            case ShiftOp.Rol:
                {
                    var c = count % bits;
                    r = c == 0 ? a : ((a << c) | (a >> (bits - c))) & mask;
                    cf = (r & 1) != 0;
                    of = ((r & sign) != 0) != cf;
                    break;
                }

            case ShiftOp.Ror:
                {
                    var c = count % bits;
                    r = c == 0 ? a : ((a >> c) | (a << (bits - c))) & mask;
                    cf = (r & sign) != 0;
                    of = cf != ((r & (sign >> 1)) != 0);
                    break;
                }

            case ShiftOp.Rcl:
                {
                    var c = count % (bits + 1);
                    cf = (f & CF) != 0;
                    r = a;
                    for (var i = 0; i < c; i++)
                    {
                        var outBit = (r & sign) != 0;
                        r = ((r << 1) | (cf ? 1UL : 0)) & mask;
                        cf = outBit;
                    }

                    of = ((r & sign) != 0) != cf;
                    break;
                }

            default:
                {
                    var c = count % (bits + 1);
                    cf = (f & CF) != 0;
                    r = a;
                    for (var i = 0; i < c; i++)
                    {
                        var outBit = (r & 1) != 0;
                        r = (r >> 1) | (cf ? sign : 0);
                        cf = outBit;
                    }

                    of = ((r & sign) != 0) != ((r & (sign >> 1)) != 0);
                    break;
                }
        }

        Store(ref op, address, r);
        SetFlagBits((f & ~(CF | OF)) | (cf ? CF : 0) | (of ? OF : 0));
    }

    /// <summary>shl/shr/sar of a 32- or 64-bit register by an immediate: the common compiled form.</summary>
    private void ShiftRegisterByImmediate(ref MicroOp op)
    {
        var size = op.Size;
        var wide = size == 8;
        ref var reg = ref R(op.Rm);
        var a = wide ? reg : (uint)reg;
        var count = (int)op.Imm & (wide ? 63 : 31);
        if (count == 0)
        {
            reg = a;
            return;
        }

        var bits = wide ? 64 : 32;
        var sign = SignBit(size);
        ulong r;
        bool cf;
        bool of;
        switch ((ShiftOp)op.Aux)
        {
            case ShiftOp.Shr:
                r = a >> count;
                cf = ((a >> (count - 1)) & 1) != 0;
                of = (a & sign) != 0;
                break;
            case ShiftOp.Sar:
                {
                    var sa = wide ? (long)a : (int)a;
                    r = (ulong)(sa >> count) & Mask(size);
                    cf = ((sa >> (count - 1)) & 1) != 0;
                    of = false;
                    break;
                }

            default:
                r = (a << count) & Mask(size);
                cf = ((a >> (bits - count)) & 1) != 0;
                of = ((r & sign) != 0) != cf;
                break;
        }

        reg = r;
        SetLazy(Lazy.Result, size, 0, (cf ? CF : 0) | (of ? OF : 0), r);
    }

    private void ExecDoubleShift(ref MicroOp op)
    {
        var size = op.Size;
        var bits = size * 8;
        var mask = Mask(size);
        var sign = SignBit(size);
        var rawCount = (op.Flags & OpFlags.Imm) != 0 ? (int)op.Imm : (int)(R(1) & 0xFF);
        var count = rawCount & (size == 8 ? 63 : 31);
        var address = op.IsMem ? Ea(ref op) : 0;
        var dst = op.IsMem ? Read(address, size) : GetReg(op.Rm, size);
        var src = GetReg(op.Reg, size);
        if (count == 0)
        {
            if (!op.IsMem)
            {
                SetReg(op.Rm, size, dst);
            }

            return;
        }

        if (op.IsMem)
        {
            EnsureWritable(address, size);
        }

        ulong r;
        bool cf;
        if (size == 2)
        {
            // 16-bit counts above 16 are architecturally undefined; use the 32-bit concatenation hardware uses.
            var wide = op.Aux == 0 ? ((dst << 16) | src) : ((src << 16) | dst);
            var rotated = op.Aux == 0 ? (wide << count) | (wide << 32 >> (32 - count)) : (wide >> count) | (wide << (32 - count));
            r = op.Aux == 0 ? (rotated >> 16) & mask : rotated & mask;
            cf = op.Aux == 0 ? ((dst >> (bits - Math.Min(count, bits))) & 1) != 0 : ((dst >> (count - 1)) & 1) != 0;
        }
        else if (op.Aux == 0)
        {
            r = ((dst << count) | (src >> (bits - count))) & mask;
            cf = ((dst >> (bits - count)) & 1) != 0;
        }
        else
        {
            r = ((dst >> count) | (src << (bits - count))) & mask;
            cf = ((dst >> (count - 1)) & 1) != 0;
        }

        var of = ((r ^ dst) & sign) != 0;
        Store(ref op, address, r);
        SetLazy(Lazy.Result, size, 0, (cf ? CF : 0) | (of ? OF : 0), r);
    }
}
