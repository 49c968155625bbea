using System.Runtime.InteropServices;
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunLoop()
    {
        Block? previous = null;
        var memory = Memory;
        var jumpCache = blocks.JumpCache;
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
                // Indirect jumps and returns mostly land here: try the jump cache before the slow path.
                var cached = jumpCache[BlockCache.JumpSlot(rip)];
                if (cached is not null && cached.Start == rip && cached.MapEpoch == mapEpoch && cached.CodeEpoch == memory.CodeEpoch)
                {
                    block = cached;
                }
                else
                {
                    currentBlock = null;
                    block = NextBlock(previous);
                }
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
            var stop = ExecuteOps(ops, 0, n);
            var completed = stop < 0;
            if (!completed)
            {
                budget += n - stop - 1;
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
            if (ExecuteOps(ops, i, i + 1) >= 0)
            {
                return exit is null;
            }
        }

        regs.Rip = block.EndRip;
        return true;
    }

    /// <summary>
    /// Executes ops[start..end) of a block. Returns the index of the op that left the block (a
    /// control transfer or an exit, with RIP set, or a store into translated code), or -1 when all
    /// ran. One call per block keeps the dispatch switch and its register saves out of the per-op path.
    /// </summary>
    private int ExecuteOps(MicroOp[] ops, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            ref var op = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(ops), i);
            opIndex = i;
            switch (op.Kind)
            {
                case Kind.Nop:
                    break;
                case Kind.SmcStop:
                    // Not an instruction: the code here was overwritten; resume from a fresh translation.
                    regs.Rip = op.Rip;
                    budget++;
                    return i;
                case Kind.MovRR64:
                    R(op.Reg) = R(op.Rm);
                    break;
                case Kind.MovRR32:
                    R(op.Reg) = (uint)R(op.Rm);
                    break;
                case Kind.MovRM64:
                    R(op.Reg) = Read64(Ea(ref op));
                    break;
                case Kind.MovRM32:
                    R(op.Reg) = Read(Ea(ref op), 4);
                    break;
                case Kind.MovMR64:
                    Write64(Ea(ref op), R(op.Reg));
                    break;
                case Kind.MovMR32:
                    Write(Ea(ref op), 4, (uint)R(op.Reg));
                    break;
                case Kind.LeaSimple:
                    R(op.Reg) = (ulong)op.Disp + R(op.Base) + (R(op.Index) << op.Scale);
                    break;
                case Kind.AluRR64:
                    AluToReg64(ref op, R(op.Rm));
                    break;
                case Kind.AluRI64:
                    AluToReg64(ref op, op.Imm);
                    break;
                case Kind.AluRM64:
                    AluToReg64(ref op, Read64(Ea(ref op)));
                    break;
                case Kind.AluRR32:
                    AluToReg32(ref op, (uint)R(op.Rm));
                    break;
                case Kind.AluRI32:
                    AluToReg32(ref op, op.Imm);
                    break;
                case Kind.AluRM32:
                    AluToReg32(ref op, Read(Ea(ref op), 4));
                    break;
                case Kind.MovzxWide:
                    // The zero-extended source fits in 16 bits: the whole register is the value for both sizes.
                    R(op.Reg) = op.IsMem ? Read(Ea(ref op), op.Aux) : GetReg(op.Rm, op.Aux);
                    break;
                case Kind.MovsxWide:
                    {
                        var value = (ulong)SignExtend(op.IsMem ? Read(Ea(ref op), op.Aux) : GetReg(op.Rm, op.Aux), op.Aux);
                        R(op.Reg) = op.Size == 8 ? value : (uint)value;
                        break;
                    }

                case Kind.UnaryR:
                    UnaryRegister(ref op);
                    break;
                case Kind.ShiftRI:
                    ShiftRegisterByImmediate(ref op);
                    break;
                case Kind.Push64:
                    Push64(R(op.Reg));
                    break;
                case Kind.Pop64:
                    {
                        ref var rsp = ref R(4);
                        var v = Read64(rsp);
                        rsp += 8;
                        R(op.Reg) = v;
                        break;
                    }

                case Kind.MovRR:
                    SetReg(op.Reg, op.Size, GetReg(op.Rm, op.Size));
                    break;
                case Kind.MovRI:
                    SetReg(op.Reg, op.Size, op.Imm);
                    break;
                case Kind.MovRM:
                    SetReg(op.Reg, op.Size, Read(Ea(ref op), op.Size));
                    break;
                case Kind.MovMR:
                    Write(Ea(ref op), op.Size, GetReg(op.Reg, op.Size));
                    break;
                case Kind.MovMI:
                    Write(Ea(ref op), op.Size, op.Imm);
                    break;
                case Kind.Movzx:
                    SetReg(op.Reg, op.Size, ReadRm(ref op, op.Aux));
                    break;
                case Kind.Movsx:
                    SetReg(op.Reg, op.Size, (ulong)SignExtend(ReadRm(ref op, op.Aux), op.Aux));
                    break;
                case Kind.Lea:
                    SetReg(op.Reg, op.Size, EaNoSegment(ref op));
                    break;
                case Kind.AluRR:
                    AluToReg(ref op, GetReg(op.Rm, op.Size));
                    break;
                case Kind.AluRI:
                    AluToReg(ref op, op.Imm);
                    break;
                case Kind.AluRM:
                    AluToReg(ref op, Read(Ea(ref op), op.Size));
                    break;
                case Kind.AluMR:
                    AluToMemory(ref op, GetReg(op.Reg, op.Size));
                    break;
                case Kind.AluMI:
                    AluToMemory(ref op, op.Imm);
                    break;
                case Kind.Jcc:
                    regs.Rip = Condition(op.Aux) ? op.Imm : op.NextRip;
                    return i;
                case Kind.Jmp:
                    regs.Rip = op.Imm;
                    return i;
                case Kind.Call:
                    Push64(op.NextRip);
                    regs.Rip = op.Imm;
                    return i;
                case Kind.Ret:
                    {
                        ref var rsp = ref R(4);
                        var target = CheckBranchTarget(Read64(rsp));
                        rsp += 8 + op.Imm;
                        regs.Rip = target;
                        return i;
                    }

                case Kind.Push:
                    PushValue(op.Size, GetReg(op.Reg, op.Size));
                    break;
                case Kind.Pop:
                    {
                        ref var rsp = ref R(4);
                        var v = Read(rsp, op.Size);
                        rsp += op.Size;
                        SetReg(op.Reg, op.Size, v);
                        break;
                    }

            default:
                if (!StepRare(ref op))
                {
                    return i;
                }

                break;
            }
        }

        return -1;
    }

    /// <summary>A near branch to a non-canonical address raises #GP(0) at the branch itself, with no side effects.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong CheckBranchTarget(ulong target) =>
        (ulong)((long)(target << 16) >> 16) == target ? target : throw new GuestFault(Vector.GP, 0, 0);

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
            case Kind.JmpInd: regs.Rip = CheckBranchTarget(ReadRm(ref op, 8)); return false;
            case Kind.CallInd:
                {
                    var target = CheckBranchTarget(ReadRm(ref op, 8));
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
