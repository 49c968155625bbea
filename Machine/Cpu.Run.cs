using System.Runtime.CompilerServices;
using Verified.Machine.Translation;

namespace Verified.Machine;

/// <summary>The run loop: block lookup and chaining, budget accounting, and turning faults into exits.</summary>
public sealed partial class Cpu
{
    private static readonly ExitReason BudgetExit = new ExitReason.BudgetExhausted();
    private static readonly ExitReason SyscallExit = new ExitReason.Syscall();

    private long budget;
    private long runBudget;
    private long retiredAtRunStart;
    private int opIndex;
    private bool chargedAhead;
    private Block? currentBlock;
    private ExitReason? exit;

    /// <summary>Runs user-mode code until a syscall, an exception, or instructionBudget instructions have retired.</summary>
    public ExitReason Run(long instructionBudget)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(instructionBudget);
        SetFlagBits(regs.Rflags);
        budget = runBudget = instructionBudget;
        retiredAtRunStart = InstructionsRetired;
        exit = null;
        try
        {
            RunLoop();
        }
        catch (GuestFault fault)
        {
            if (currentBlock is not null)
            {
                // The faulting instruction did not retire; RIP points at it. Give back the budget
                // charged for it and, when the block was charged in advance, for the ops after it.
                regs.Rip = currentBlock.Ops[opIndex].Rip;
                budget += chargedAhead ? currentBlock.Ops.Length - opIndex : 1;
            }

            exit = new ExitReason.Exception(fault.Vector, fault.ErrorCode, fault.FaultAddress, BytesAt(regs.Rip));
        }

        currentBlock = null;
        regs.Rflags = GetFlags();
        InstructionsRetired = retiredAtRunStart + (runBudget - budget);
        return exit ?? throw new InvalidOperationException("unreachable: the run loop returns only with an exit");
    }

    /// <summary>Instructions retired including those of the current run so far (for rdtsc).</summary>
    /// The block being run may have been charged in advance: the ops after the current one do not count yet.
    private ulong LiveRetired => (ulong)(retiredAtRunStart + (runBudget - budget)
        - (chargedAhead && currentBlock is not null ? currentBlock.Ops.Length - opIndex - 1 : 0));

    /// <summary>
    /// The hot loop, kept free of try/catch so the JIT can keep its locals in registers. A block is
    /// found through the previous block's chain links when possible, else through the cache.
    /// </summary>
    private void RunLoop()
    {
        Block? previous = null;
        var memory = Memory;
        while (true)
        {
            if (budget <= 0)
            {
                exit = BudgetExit;
                return;
            }

            var rip = regs.Rip;
            Block? block = null;
            if (previous is not null)
            {
                var c = previous.Chain0;
                if (c is not null && c.Start == rip && c.MapEpoch == mapEpoch && c.CodeEpoch == memory.CodeEpoch)
                {
                    block = c;
                }
                else
                {
                    c = previous.Chain1;
                    if (c is not null && c.Start == rip && c.MapEpoch == mapEpoch && c.CodeEpoch == memory.CodeEpoch)
                    {
                        block = c;
                    }
                }
            }

            if (block is null)
            {
                currentBlock = null;
                block = NextBlock(previous);
            }

            currentBlock = block;
            var ops = block.Ops;
            var n = ops.Length;
            if (budget < n)
            {
                previous = ExecuteBlockCounted(block) ? block : null;
                if (exit is not null)
                {
                    return;
                }

                continue;
            }

            // The common case: charge the whole block up front, refund what did not run.
            budget -= n;
            chargedAhead = true;
            var completed = true;
            for (var i = 0; i < n; i++)
            {
                ref var op = ref ops[i];
                opIndex = i;
                if (!Step(ref op))
                {
                    budget += n - i - 1;
                    completed = false;
                    break;
                }

                if (codeWritten)
                {
                    // A store changed translated code: continue from fresh translations.
                    codeWritten = false;
                    budget += n - i - 1;
                    regs.Rip = op.NextRip;
                    block = null;
                    completed = false;
                    break;
                }
            }

            if (exit is not null)
            {
                return;
            }

            if (completed)
            {
                regs.Rip = block!.EndRip;
            }

            previous = block;
        }
    }

    private Block NextBlock(Block? previous)
    {
        var rip = regs.Rip;
        if (previous is not null)
        {
            var c = previous.Chain0;
            if (c is not null && c.Start == rip && blocks.IsCurrent(c))
            {
                return c;
            }

            c = previous.Chain1;
            if (c is not null && c.Start == rip && blocks.IsCurrent(c))
            {
                return c;
            }

            var found = blocks.Lookup(rip);
            if (previous.Chain0 is null)
            {
                previous.Chain0 = found;
            }
            else
            {
                previous.Chain1 = found;
            }

            return found;
        }

        return blocks.Lookup(rip);
    }

    /// <summary>
    /// Executes a block one budgeted instruction at a time (when the budget ends inside it); true
    /// when it ended by ordinary control flow (so it may be chained).
    /// </summary>
    private bool ExecuteBlockCounted(Block block)
    {
        var ops = block.Ops;
        chargedAhead = false;
        for (var i = 0; i < ops.Length; i++)
        {
            ref var op = ref ops[i];
            if (budget <= 0)
            {
                regs.Rip = op.Rip;
                return false;
            }

            budget--;
            opIndex = i;
            if (!Step(ref op))
            {
                return exit is null;
            }

            if (codeWritten)
            {
                // A store changed translated code: continue from fresh translations.
                codeWritten = false;
                regs.Rip = op.NextRip;
                return false;
            }
        }

        regs.Rip = block.EndRip;
        return true;
    }

    /// <summary>Executes one micro-op. Returns false when it transferred control or exited (RIP is set).</summary>
    private bool Step(ref MicroOp op)
    {
        switch (op.Kind)
        {
            case Kind.Nop:
                return true;
            case Kind.MovRR64:
                R(op.Reg) = R(op.Rm);
                return true;
            case Kind.MovRR32:
                R(op.Reg) = (uint)R(op.Rm);
                return true;
            case Kind.MovRM64:
                R(op.Reg) = Read64(Ea(ref op));
                return true;
            case Kind.MovRM32:
                R(op.Reg) = Read(Ea(ref op), 4);
                return true;
            case Kind.MovMR64:
                Write64(Ea(ref op), R(op.Reg));
                return true;
            case Kind.MovMR32:
                Write(Ea(ref op), 4, (uint)R(op.Reg));
                return true;
            case Kind.LeaSimple:
                R(op.Reg) = (ulong)op.Disp + R(op.Base) + (R(op.Index) << op.Scale);
                return true;
            case Kind.AluRR64:
                AluToReg64(ref op, R(op.Rm));
                return true;
            case Kind.AluRI64:
                AluToReg64(ref op, op.Imm);
                return true;
            case Kind.AluRM64:
                AluToReg64(ref op, Read64(Ea(ref op)));
                return true;
            case Kind.AluRR32:
                AluToReg32(ref op, (uint)R(op.Rm));
                return true;
            case Kind.AluRI32:
                AluToReg32(ref op, op.Imm);
                return true;
            case Kind.AluRM32:
                AluToReg32(ref op, Read(Ea(ref op), 4));
                return true;
            case Kind.Push64:
                Push64(R(op.Reg));
                return true;
            case Kind.Pop64:
                {
                    ref var rsp = ref R(4);
                    var v = Read64(rsp);
                    rsp += 8;
                    R(op.Reg) = v;
                    return true;
                }

            case Kind.MovRR:
                SetReg(op.Reg, op.Size, GetReg(op.Rm, op.Size));
                return true;
            case Kind.MovRI:
                SetReg(op.Reg, op.Size, op.Imm);
                return true;
            case Kind.MovRM:
                SetReg(op.Reg, op.Size, Read(Ea(ref op), op.Size));
                return true;
            case Kind.MovMR:
                Write(Ea(ref op), op.Size, GetReg(op.Reg, op.Size));
                return true;
            case Kind.MovMI:
                Write(Ea(ref op), op.Size, op.Imm);
                return true;
            case Kind.Movzx:
                SetReg(op.Reg, op.Size, ReadRm(ref op, op.Aux));
                return true;
            case Kind.Movsx:
                SetReg(op.Reg, op.Size, (ulong)SignExtend(ReadRm(ref op, op.Aux), op.Aux));
                return true;
            case Kind.Lea:
                SetReg(op.Reg, op.Size, EaNoSegment(ref op));
                return true;
            case Kind.AluRR:
                AluToReg(ref op, GetReg(op.Rm, op.Size));
                return true;
            case Kind.AluRI:
                AluToReg(ref op, op.Imm);
                return true;
            case Kind.AluRM:
                AluToReg(ref op, Read(Ea(ref op), op.Size));
                return true;
            case Kind.AluMR:
                AluToMemory(ref op, GetReg(op.Reg, op.Size));
                return true;
            case Kind.AluMI:
                AluToMemory(ref op, op.Imm);
                return true;
            case Kind.Jcc:
                regs.Rip = Condition(op.Aux) ? op.Imm : op.NextRip;
                return false;
            case Kind.Jmp:
                regs.Rip = op.Imm;
                return false;
            case Kind.Call:
                Push64(op.NextRip);
                regs.Rip = op.Imm;
                return false;
            case Kind.Ret:
                {
                    ref var rsp = ref R(4);
                    var target = Read64(rsp);
                    rsp += 8 + op.Imm;
                    regs.Rip = target;
                    return false;
                }

            case Kind.Push:
                PushValue(op.Size, GetReg(op.Reg, op.Size));
                return true;
            case Kind.Pop:
                {
                    ref var rsp = ref R(4);
                    var v = Read(rsp, op.Size);
                    rsp += op.Size;
                    SetReg(op.Reg, op.Size, v);
                    return true;
                }

            default:
                return StepRare(ref op);
        }
    }

    private bool StepRare(ref MicroOp op)
    {
        switch (op.Kind)
        {
            case Kind.Unary: ExecUnary(ref op); return true;
            case Kind.Shift: ExecShift(ref op); return true;
            case Kind.DoubleShift: ExecDoubleShift(ref op); return true;
            case Kind.Mul1: ExecMul1(ref op); return true;
            case Kind.Imul2: ExecImul(ref op, GetReg(op.Reg, op.Size), ReadRm(ref op, op.Size)); return true;
            case Kind.Imul3: ExecImul(ref op, ReadRm(ref op, op.Size), op.Imm); return true;
            case Kind.Div: ExecDiv(ref op); return true;
            case Kind.PushI: PushValue(op.Size, op.Imm); return true;
            case Kind.PushM: PushValue(op.Size, Read(Ea(ref op), op.Size)); return true;
            case Kind.PopM: ExecPopMemory(ref op); return true;
            case Kind.Xchg: ExecXchg(ref op); return true;
            case Kind.Cmpxchg: ExecCmpxchg(ref op); return true;
            case Kind.Cmpxchg16b: ExecCmpxchgWide(ref op); return true;
            case Kind.Xadd: ExecXadd(ref op); return true;
            case Kind.Cmov: ExecCmov(ref op); return true;
            case Kind.Setcc: WriteRm(ref op, 1, Condition(op.Aux) ? 1UL : 0UL); return true;
            case Kind.Bt: ExecBt(ref op); return true;
            case Kind.BitScan: ExecBitScan(ref op); return true;
            case Kind.Bswap: ExecBswap(ref op); return true;
            case Kind.SignExtendAcc: ExecSignExtendAcc(op.Size); return true;
            case Kind.SignSplitAcc: ExecSignSplitAcc(op.Size); return true;
            case Kind.JmpInd: regs.Rip = ReadRm(ref op, 8); return false;
            case Kind.CallInd:
                {
                    var target = ReadRm(ref op, 8);
                    Push64(op.NextRip);
                    regs.Rip = target;
                    return false;
                }

            case Kind.Jrcxz:
                regs.Rip = GetReg(1, op.Size) == 0 ? op.Imm : op.NextRip;
                return false;
            case Kind.Loop: ExecLoop(ref op); return false;
            case Kind.Leave: ExecLeave(); return true;
            case Kind.Enter: ExecEnter(ref op); return true;
            case Kind.StringOp: return ExecString(ref op);
            case Kind.Syscall: ExecSyscall(ref op); return false;
            case Kind.Int3:
                // A trap: int3 retires and RIP is past it.
                regs.Rip = op.NextRip;
                exit = new ExitReason.Exception(Vector.BP, 0, 0, BytesAt(regs.Rip));
                return false;
            case Kind.IntN: throw new GuestFault(Vector.GP, ((ulong)op.Aux * 8) + 2, 0);
            case Kind.Raise: throw new GuestFault((Vector)op.Aux2, 0, 0);
            case Kind.FetchFault: return ExecFetchFault(ref op);
            case Kind.Cpuid: ExecCpuid(); return true;
            case Kind.Rdtsc: ExecRdtsc(false); return true;
            case Kind.Rdtscp: ExecRdtsc(true); return true;
            case Kind.FlagOp: ExecFlagOp(ref op); return true;
            case Kind.Pushf: PushValue(op.Size, GetFlags() & 0xFCFFFF); return true;
            case Kind.Popf: ExecPopf(ref op); return true;
            case Kind.SegBase: ExecSegBase(ref op); return true;
            default:
                throw new GuestFault(Vector.UD, 0, 0);
        }
    }
}
