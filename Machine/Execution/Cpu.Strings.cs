using Verified.Machine.Translation;

namespace Verified.Machine;

/// <summary>
/// movs/stos/lods/cmps/scas with rep/repe/repne. Each iteration completes (pointers and count
/// updated) before the next starts, so a fault or the end of the budget leaves the registers as
/// hardware would at an interrupt: RIP at the instruction, the completed iterations reflected.
/// Every iteration after the first consumes one unit of the instruction budget.
/// </summary>
public sealed partial class Cpu
{
    private bool ExecString(ref MicroOp op)
    {
        var size = op.Size;
        var kind = (StringKind)op.Aux;
        var addr32 = (op.Flags & OpFlags.Addr32) != 0;
        var step = (GetFlags() & DF) != 0 ? -size : size;
        var sourceBase = op.Seg switch { 1 => regs.FsBase, 2 => regs.GsBase, _ => 0UL };
        var repeat = (op.Flags & (OpFlags.Rep | OpFlags.Repne)) != 0;
        if (!repeat)
        {
            StringIteration(kind, size, step, addr32, sourceBase);
            return true;
        }

        var first = true;
        codeWritten = false;
        while (true)
        {
            var count = addr32 ? (uint)R(1) : R(1);
            if (count == 0)
            {
                return true;
            }

            if (!first)
            {
                if (budget <= 0)
                {
                    // Preempted between iterations: resume at this instruction later.
                    regs.Rip = op.Rip;
                    return false;
                }

                budget--;
            }

            first = false;
            StringIteration(kind, size, step, addr32, sourceBase);
            count--;
            if (addr32)
            {
                R(1) = (uint)count;
            }
            else
            {
                R(1) = count;
            }

            if (kind is StringKind.Cmps or StringKind.Scas)
            {
                var zf = Condition(4);
                if ((op.Flags & OpFlags.Repne) != 0 ? zf : !zf)
                {
                    return true;
                }
            }

            if (codeWritten)
            {
                // This store changed translated code; finish the instruction later from a fresh block.
                codeWritten = false;
                regs.Rip = count == 0 ? op.NextRip : op.Rip;
                return false;
            }
        }
    }

    private void StringIteration(StringKind kind, int size, long step, bool addr32, ulong sourceBase)
    {
        var si = addr32 ? (uint)R(6) : R(6);
        var di = addr32 ? (uint)R(7) : R(7);
        switch (kind)
        {
            case StringKind.Movs:
                Write(di, size, Read(sourceBase + si, size));
                Advance(6, si, step, addr32);
                Advance(7, di, step, addr32);
                return;
            case StringKind.Stos:
                Write(di, size, GetReg(0, size));
                Advance(7, di, step, addr32);
                return;
            case StringKind.Lods:
                SetReg(0, size, Read(sourceBase + si, size));
                Advance(6, si, step, addr32);
                return;
            case StringKind.Cmps:
                {
                    var a = Read(sourceBase + si, size);
                    var b = Read(di, size);
                    SetLazy(Lazy.Sub, size, a, b, (a - b) & Mask(size));
                    Advance(6, si, step, addr32);
                    Advance(7, di, step, addr32);
                    return;
                }

            default:
                {
                    var a = GetReg(0, size);
                    var b = Read(di, size);
                    SetLazy(Lazy.Sub, size, a, b, (a - b) & Mask(size));
                    Advance(7, di, step, addr32);
                    return;
                }
        }
    }

    private void Advance(int reg, ulong value, long step, bool addr32)
    {
        var next = value + (ulong)step;
        R(reg) = addr32 ? (uint)next : next;
    }
}
