using Verified.Machine.Translation;

namespace Verified.Machine;

/// <summary>xchg, cmpxchg, cmpxchg8b/16b, xadd, pop to memory, and the accumulator sign extensions.</summary>
public sealed partial class Cpu
{
    private void ExecXchg(ref MicroOp op)
    {
        var size = op.Size;
        var regValue = GetReg(op.Reg, size);
        if (op.IsMem)
        {
            var address = Ea(ref op);
            var memValue = Read(address, size);
            Write(address, size, regValue);
            SetReg(op.Reg, size, memValue);
        }
        else
        {
            var other = GetReg(op.Rm, size);
            SetReg(op.Rm, size, regValue);
            SetReg(op.Reg, size, other);
        }
    }

    private void ExecCmpxchg(ref MicroOp op)
    {
        var size = op.Size;
        var address = op.IsMem ? Ea(ref op) : 0;
        var dest = op.IsMem ? Read(address, size) : GetReg(op.Rm, size);
        var acc = GetReg(0, size);
        var equal = acc == dest;
        // A memory destination is always written (the old value when unequal), so a read-only page
        // faults either way; a register destination is left whole when unequal (no 32-bit zeroing).
        if (op.IsMem)
        {
            Write(address, size, equal ? GetReg(op.Reg, size) : dest);
        }
        else if (equal)
        {
            SetReg(op.Rm, size, GetReg(op.Reg, size));
        }

        if (!equal)
        {
            SetReg(0, size, dest);
        }

        SetLazy(Lazy.Sub, size, acc, dest, (acc - dest) & Mask(size));
    }

    private void ExecCmpxchgWide(ref MicroOp op)
    {
        var address = Ea(ref op);
        var f = GetFlags();
        if (op.Size == 16)
        {
            if ((address & 15) != 0)
            {
                throw new GuestFault(Vector.GP, 0, 0);
            }

            EnsureWritable(address, 16);
            var low = Read64(address);
            var high = Read64(address + 8);
            if (low == R(0) && high == R(2))
            {
                Write64(address, R(3));
                Write64(address + 8, R(1));
                SetFlagBits(f | ZF);
            }
            else
            {
                Write64(address, low);
                Write64(address + 8, high);
                R(0) = low;
                R(2) = high;
                SetFlagBits(f & ~ZF);
            }

            return;
        }

        var value = Read64(address);
        var expected = ((ulong)(uint)R(2) << 32) | (uint)R(0);
        if (value == expected)
        {
            Write64(address, ((ulong)(uint)R(1) << 32) | (uint)R(3));
            SetFlagBits(f | ZF);
        }
        else
        {
            Write64(address, value);
            R(0) = (uint)value;
            R(2) = value >> 32;
            SetFlagBits(f & ~ZF);
        }
    }

    private void ExecXadd(ref MicroOp op)
    {
        var size = op.Size;
        var address = op.IsMem ? Ea(ref op) : 0;
        var dest = op.IsMem ? Read(address, size) : GetReg(op.Rm, size);
        var src = GetReg(op.Reg, size);
        var sum = (dest + src) & Mask(size);
        if (op.IsMem)
        {
            Write(address, size, sum);
            SetReg(op.Reg, size, dest);
        }
        else
        {
            SetReg(op.Reg, size, dest);
            SetReg(op.Rm, size, sum);
        }

        SetLazy(Lazy.Add, size, dest, src, sum);
    }

    private void ExecPopMemory(ref MicroOp op)
    {
        var size = op.Size;
        ref var rsp = ref R(4);
        var value = Read(rsp, size);
        // The address uses RSP after the pop has incremented it.
        var address = Ea(ref op);
        if (op.Base == 4)
        {
            address += (ulong)size;
        }

        if (op.Index == 4)
        {
            address += (ulong)size << op.Scale;
        }

        Write(address, size, value);
        rsp += (ulong)size;
    }

    private void ExecSignExtendAcc(int size)
    {
        var half = size / 2;
        SetReg(0, size, (ulong)SignExtend(GetReg(0, half), half));
    }

    private void ExecSignSplitAcc(int size)
    {
        var negative = (GetReg(0, size) & SignBit(size)) != 0;
        SetReg(2, size, negative ? ulong.MaxValue : 0);
    }
}
