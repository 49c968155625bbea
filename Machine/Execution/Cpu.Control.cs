using Verified.Machine.Translation;

namespace Verified.Machine;

/// <summary>loop, leave, enter, syscall, flag instructions, FS/GS base access, fetch faults.</summary>
public sealed partial class Cpu
{
    private void ExecLoop(ref MicroOp op)
    {
        var count = (GetReg(1, op.Size) - 1) & Mask(op.Size);
        SetReg(1, op.Size, count);
        var taken = op.Aux switch
        {
            0 => count != 0,
            1 => count != 0 && Condition(4),
            _ => count != 0 && !Condition(4),
        };
        regs.Rip = taken ? op.Imm : op.NextRip;
    }

    private void ExecLeave()
    {
        var rbp = R(5);
        var saved = Read64(rbp);
        R(4) = rbp + 8;
        R(5) = saved;
    }

    private void ExecEnter(ref MicroOp op)
    {
        var level = op.Aux;
        var rsp = R(4);
        var rbp = R(5);
        // Gather everything first so a fault part-way leaves no trace.
        var values = new List<ulong> { rbp };
        for (var i = 1; i < level; i++)
        {
            values.Add(Read64(rbp - (ulong)(8 * i)));
        }

        var frame = rsp - 8;
        if (level > 0)
        {
            values.Add(frame);
        }

        var bottom = rsp - (ulong)(8 * values.Count);
        ProbeWrite(bottom, 8 * values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            Write64(rsp - (ulong)(8 * (i + 1)), values[i]);
        }

        R(5) = frame;
        R(4) = bottom - op.Imm;
    }

    private void ExecSyscall(ref MicroOp op)
    {
        var next = op.NextRip;
        R(1) = next;
        R(11) = GetFlags() & ~0x10000UL;
        regs.Rip = next;
        exit = SyscallExit;
    }

    private void ExecFlagOp(ref MicroOp op)
    {
        var f = GetFlags();
        switch ((FlagOpKind)op.Aux)
        {
            case FlagOpKind.Clc: f &= ~CF; break;
            case FlagOpKind.Stc: f |= CF; break;
            case FlagOpKind.Cmc: f ^= CF; break;
            case FlagOpKind.Cld: f &= ~DF; break;
            case FlagOpKind.Std: f |= DF; break;
            case FlagOpKind.Lahf:
                SetReg(16, 1, (f & 0xD5) | 2);
                return;
            default:
                f = (f & ~0xD5UL) | (GetReg(16, 1) & 0xD5);
                break;
        }

        SetFlagBits(f);
    }

    private void ExecPopf(ref MicroOp op)
    {
        ref var rsp = ref R(4);
        var value = Read(rsp, op.Size);
        rsp += op.Size;
        var writable = op.Size == 2 ? UserWritableFlags & 0xFFFF : UserWritableFlags;
        SetFlagBits((GetFlags() & ~writable) | (value & writable));
    }

    private void ExecSegBase(ref MicroOp op)
    {
        switch (op.Aux)
        {
            case 0: SetReg(op.Reg, op.Size, regs.FsBase); break;
            case 1: SetReg(op.Reg, op.Size, regs.GsBase); break;
            default:
                {
                    var value = GetReg(op.Reg, op.Size);
                    if (!PageTables.IsCanonical(value))
                    {
                        throw new GuestFault(Vector.GP, 0, 0);
                    }

                    if (op.Aux == 2)
                    {
                        regs.FsBase = value;
                    }
                    else
                    {
                        regs.GsBase = value;
                    }

                    break;
                }
        }
    }

    /// <summary>The rest of an instruction lay on a page that could not be fetched at translation time.</summary>
    private bool ExecFetchFault(ref MicroOp op)
    {
        TranslateFetch(op.Imm);
        // The page has become fetchable since: drop the stale block and translate again.
        blocks.Forget(currentBlock!);
        regs.Rip = op.Rip;
        budget++;
        return false;
    }
}
