using Verified.Machine.Translation;

namespace Verified.Machine;

/// <summary>mul/imul (all forms) and div/idiv with #DE on a zero divisor or quotient overflow.</summary>
public sealed partial class Cpu
{
    private void ExecMul1(ref MicroOp op)
    {
        var size = op.Size;
        var src = ReadRm(ref op, size);
        var signed = op.Aux == 1;
        ulong low;
        ulong high;
        bool overflow;
        if (size == 8)
        {
            if (signed)
            {
                var product = (Int128)(long)R(0) * (long)src;
                low = (ulong)product;
                high = (ulong)(product >> 64);
                overflow = product != (long)low;
            }
            else
            {
                high = Math.BigMul(R(0), src, out low);
                overflow = high != 0;
            }

            R(0) = low;
            R(2) = high;
        }
        else
        {
            var bits = size * 8;
            var mask = Mask(size);
            var acc = GetReg(0, size);
            var product = signed ? (ulong)(SignExtend(acc, size) * SignExtend(src, size)) : acc * src;
            low = product & mask;
            high = (product >> bits) & mask;
            overflow = signed ? (long)product != SignExtend(low, size) : high != 0;
            if (size == 1)
            {
                SetReg(0, 2, product & 0xFFFF);
            }
            else
            {
                SetReg(0, size, low);
                SetReg(2, size, high);
            }
        }

        SetLazy(Lazy.Result, size, 0, overflow ? CF | OF : 0, low);
    }

    private void ExecImul(ref MicroOp op, ulong a, ulong b)
    {
        var size = op.Size;
        ulong low;
        bool overflow;
        if (size == 8)
        {
            var product = (Int128)(long)a * (long)b;
            low = (ulong)product;
            overflow = product != (long)low;
        }
        else
        {
            var product = SignExtend(a, size) * SignExtend(b, size);
            low = (ulong)product & Mask(size);
            overflow = product != SignExtend(low, size);
        }

        SetReg(op.Reg, size, low);
        SetLazy(Lazy.Result, size, 0, overflow ? CF | OF : 0, low);
    }

    private void ExecDiv(ref MicroOp op)
    {
        var size = op.Size;
        var divisor = ReadRm(ref op, size);
        if (divisor == 0)
        {
            throw new GuestFault(Vector.DE, 0, 0);
        }

        if (size == 8)
        {
            var dividendU = ((UInt128)R(2) << 64) | R(0);
            if (op.Aux == 0)
            {
                var q = dividendU / divisor;
                if (q > ulong.MaxValue)
                {
                    throw new GuestFault(Vector.DE, 0, 0);
                }

                R(2) = (ulong)(dividendU % divisor);
                R(0) = (ulong)q;
            }
            else
            {
                var dividend = (Int128)dividendU;
                var d = (long)divisor;
                if (dividend == Int128.MinValue && d == -1)
                {
                    throw new GuestFault(Vector.DE, 0, 0);
                }

                var q = dividend / d;
                if (q > long.MaxValue || q < long.MinValue)
                {
                    throw new GuestFault(Vector.DE, 0, 0);
                }

                R(2) = (ulong)(long)(dividend % d);
                R(0) = (ulong)(long)q;
            }

            return;
        }

        var bits = size * 8;
        var mask = Mask(size);
        ulong quotient;
        ulong remainder;
        if (size == 1)
        {
            var dividend = R(0) & 0xFFFF;
            if (op.Aux == 0)
            {
                quotient = dividend / divisor;
                remainder = dividend % divisor;
                if (quotient > mask)
                {
                    throw new GuestFault(Vector.DE, 0, 0);
                }
            }
            else
            {
                long n = (short)dividend;
                long d = (sbyte)divisor;
                var q = n / d;
                if (q > sbyte.MaxValue || q < sbyte.MinValue)
                {
                    throw new GuestFault(Vector.DE, 0, 0);
                }

                quotient = (ulong)q & mask;
                remainder = (ulong)(n % d) & mask;
            }

            SetReg(0, 2, (remainder << 8) | quotient);
            return;
        }

        var wide = (GetReg(2, size) << bits) | GetReg(0, size);
        if (op.Aux == 0)
        {
            quotient = wide / divisor;
            remainder = wide % divisor;
            if (quotient > mask)
            {
                throw new GuestFault(Vector.DE, 0, 0);
            }
        }
        else
        {
            var n = SignExtend(wide, size * 2);
            var d = SignExtend(divisor, size);
            var q = n / d;
            if (q != SignExtend((ulong)q & mask, size))
            {
                throw new GuestFault(Vector.DE, 0, 0);
            }

            quotient = (ulong)q & mask;
            remainder = (ulong)(n % d) & mask;
        }

        SetReg(0, size, quotient);
        SetReg(2, size, remainder);
    }
}
