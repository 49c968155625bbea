using Iced.Intel;

namespace Verified.Machine.Tests.Infrastructure.Generation;

/// <summary>
/// Control flow: forward jcc/jmp/jrcxz, counted loops, call/ret (with ret imm16), enter/leave,
/// and the small instructions (flag bits, nops, fences, cbw family). Branches only go forward
/// or round a counted loop, so every sequence terminates.
/// </summary>
public sealed partial class SequenceGenerator
{
    private bool ForwardBranch()
    {
        if (nesting > 0)
        {
            return false;
        }
        var distance = rng.Next(1, 5);
        Instruction branch;
        FlagEffect effect;
        switch (rng.Next(10))
        {
            case < 7:
                var (cc, reads) = Pick(Conditions.All);
                branch = Instruction.CreateBranch(C($"J{cc}_rel32_64"), 0);
                effect = new FlagEffect(reads, 0, 0);
                break;
            case < 9:
                branch = Instruction.CreateBranch(Code.Jmp_rel32_64, 0);
                effect = FlagEffect.None;
                break;
            default:
                // jrcxz/jecxz only reach 127 bytes: keep the jump short.
                branch = Instruction.CreateBranch(Chance(50) ? Code.Jrcxz_rel8_64 : Code.Jecxz_rel8_64, 0);
                effect = FlagEffect.None;
                distance = 1;
                break;
        }
        if ((effect.Reads & undefinedFlags) != 0)
        {
            return false;
        }
        var label = new PendingLabel(distance, undefinedFlags);
        label.Branches.Add(instructions.Count);
        Emit(branch, effect);
        pending.Add(label);
        return true;
    }

    /// <summary>Counts down pending labels after each top-level operation; places the ones due.</summary>
    private void AdvanceLabels()
    {
        var due = new List<PendingLabel>();
        foreach (var label in pending)
        {
            label.OperationsLeft--;
            if (label.OperationsLeft <= 0)
            {
                due.Add(label);
            }
        }
        if (due.Count > 0)
        {
            PlaceLabels(due);
        }
    }

    /// <summary>Places a nop as the common target; the flags undefined there are the union over the paths that reach it.</summary>
    private void PlaceLabels(List<PendingLabel> labels)
    {
        var target = NextIp;
        foreach (var label in labels)
        {
            foreach (var index in label.Branches)
            {
                var branch = instructions[index];
                branch.NearBranch64 = target;
                instructions[index] = branch;
            }
            undefinedFlags |= label.Undefined;
            pending.Remove(label);
        }
        Emit(Instruction.Create(Pick(new[] { Code.Nopd, Code.Nopw, Code.Pause, Code.Endbr64 })), FlagEffect.None);
    }

    /// <summary>One of: a counted loop, a call to a local subroutine, or an enter/leave frame.</summary>
    private bool Block()
    {
        if (nesting > 0 || pending.Count > 0)
        {
            return false;
        }
        nesting++;
        try
        {
            return rng.Next(3) switch
            {
                0 => Loop(),
                1 => Call(),
                _ => Frame(),
            };
        }
        finally
        {
            nesting--;
        }
    }

    private bool Loop()
    {
        var kind = rng.Next(4);
        Emit(Instruction.Create(Code.Mov_r32_imm32, Register.ECX, rng.Next(1, 6)), FlagEffect.None);
        var top = NextIp;
        locked[Rcx] = true;
        var body = rng.Next(1, 4);
        for (var i = 0; i < body; i++)
        {
            SimpleOperation();
        }
        locked[Rcx] = false;
        var (code, reads) = kind switch
        {
            0 => (Code.Loope_rel8_64_RCX, Flags.ZF),
            1 => (Code.Loopne_rel8_64_RCX, Flags.ZF),
            _ => (Code.Loop_rel8_64_RCX, 0UL),
        };
        if ((reads & undefinedFlags) != 0)
        {
            code = Code.Loop_rel8_64_RCX;
            reads = 0;
        }
        // The body may run several times, but its flag effect is idempotent ((S & ~D) | U), so the
        // undefined set after one pass is the set after any number of passes.
        Emit(Instruction.CreateBranch(code, top), new FlagEffect(reads, 0, 0));
        return true;
    }

    private bool Call()
    {
        var arguments = rng.Next(3);
        for (var i = 0; i < arguments; i++)
        {
            Emit(Instruction.Create(Code.Push_r64, Readable(64)), FlagEffect.None);
            stackBytes += 8;
        }
        var call = instructions.Count;
        Emit(Instruction.CreateBranch(Code.Call_rel32_64, 0), FlagEffect.None);
        var jump = instructions.Count;
        Emit(Instruction.CreateBranch(Code.Jmp_rel32_64, 0), FlagEffect.None);
        SetTarget(call, NextIp);
        stackBytes += 8;
        returnSlots.Add(GuestLayout.StackTop - (ulong)stackBytes);
        var body = rng.Next(1, 4);
        for (var i = 0; i < body; i++)
        {
            SimpleOperation();
        }
        returnSlots.Clear();
        Emit(arguments == 0 && Chance(70) ? Instruction.Create(Code.Retnq) : Instruction.Create(Code.Retnq_imm16, 8 * arguments), FlagEffect.None);
        stackBytes -= 8 + (8 * arguments);
        SetTarget(jump, NextIp);
        Emit(Instruction.Create(Code.Nopd), FlagEffect.None);
        return true;
    }

    private bool Frame()
    {
        if (locked[Rbp] || stackBytes > 0x400)
        {
            return false;
        }
        var size = rng.Next(0, 12) * 8 + (Chance(20) ? rng.Next(8) : 0);
        Emit(Instruction.Create(Code.Enterq_imm16_imm8, size, 0), FlagEffect.None);
        var saved = stackBytes;
        stackBytes += 8 + size;
        locked[Rbp] = true;
        var body = rng.Next(1, 4);
        for (var i = 0; i < body; i++)
        {
            SimpleOperation();
        }
        locked[Rbp] = false;
        Emit(Instruction.Create(Code.Leaveq), FlagEffect.None);
        stackBytes = saved;
        return true;
    }

    private void SetTarget(int index, ulong target)
    {
        var branch = instructions[index];
        branch.NearBranch64 = target;
        instructions[index] = branch;
    }

    /// <summary>An operation that reads no flags and neither branches nor moves RSP: safe inside blocks.</summary>
    private void SimpleOperation()
    {
        for (var tries = 0; tries < 50; tries++)
        {
            var saved = undefinedFlags;
            var count = instructions.Count;
            var emitted = rng.Next(8) switch
            {
                0 => BinaryAlu(),
                1 => Unary(),
                2 => Shift(),
                3 => Multiply(),
                4 => BitOperation(),
                5 => Exchange(),
                _ => Move(),
            };
            if (!emitted)
            {
                continue;
            }
            if (ReadsFlags(count))
            {
                instructions.RemoveRange(count, instructions.Count - count);
                undefinedFlags = saved;
                continue;
            }
            return;
        }
        Emit(Instruction.Create(Code.Nopd), FlagEffect.None);
    }

    private bool ReadsFlags(int from)
    {
        for (var i = from; i < instructions.Count; i++)
        {
            if (instructions[i].RflagsRead != RflagsBits.None)
            {
                return true;
            }
        }
        return false;
    }

    private bool Misc()
    {
        switch (rng.Next(7))
        {
            case 0:
                return TryEmit(Instruction.Create(Pick(new[] { Code.Cbw, Code.Cwde, Code.Cdqe, Code.Cwd, Code.Cdq, Code.Cqo })), FlagEffect.None);
            case 1:
                var (code, effect) = rng.Next(3) switch
                {
                    0 => (Code.Clc, new FlagEffect(0, Flags.CF, 0)),
                    1 => (Code.Stc, new FlagEffect(0, Flags.CF, 0)),
                    _ => (Code.Cmc, new FlagEffect(Flags.CF, Flags.CF, 0)),
                };
                return TryEmit(Instruction.Create(code), effect);
            case 2:
                // Not under a pending forward branch: DF must stay known for the string operations.
                if (pending.Count > 0)
                {
                    return false;
                }
                directionFlag = !directionFlag;
                Emit(Instruction.Create(directionFlag ? Code.Std : Code.Cld), FlagEffect.None);
                return true;
            case 3:
                var w = Pick(new[] { 16, 32, 64 });
                var nop = C($"Nop_rm{w}");
                return TryEmit(Chance(50) ? Instruction.Create(nop, Readable(w)) : Instruction.Create(nop, Memory(w / 8)), FlagEffect.None);
            case 4:
                return TryEmit(Instruction.Create(Pick(new[] { Code.Lfence, Code.Mfence, Code.Sfence, Code.Pause, Code.Endbr64, Code.Nopw, Code.Nopq })), FlagEffect.None);
            default:
                return Multiply();
        }
    }

    /// <summary>push/pop in their forms (pop [rsp+d] computes its address after the increment) and pushfq.</summary>
    private bool Stack()
    {
        // A forward branch may skip this push or pop, so RSP would no longer be known.
        if (pending.Count > 0)
        {
            return false;
        }
        if (stackBytes >= 0x600 || (stackBytes > 0 && Chance(45)))
        {
            if (stackBytes == 0)
            {
                return false;
            }
            var popped = Chance(70)
                ? Instruction.Create(Code.Pop_r64, Reg(WritableIndex(), 64))
                : Instruction.Create(Code.Pop_rm64, Memory(8, 1, rspAdjust: 8));
            if (!TryEmit(popped, FlagEffect.None))
            {
                return false;
            }
            stackBytes -= 8;
            return true;
        }
        var pushed = rng.Next(6) switch
        {
            0 => Instruction.Create(Code.Push_rm64, Memory(8)),
            1 => Instruction.Create(Code.Pushq_imm32, Immediate(32)),
            2 => Instruction.Create(Code.Pushq_imm8, Immediate(8)),
            3 => Instruction.Create(Code.Pushfq),
            _ => Instruction.Create(Code.Push_r64, Readable(64)),
        };
        var effect = pushed.Code == Code.Pushfq ? new FlagEffect(Flags.Arithmetic, 0, 0) : FlagEffect.None;
        if (!TryEmit(pushed, effect))
        {
            return false;
        }
        stackBytes += 8;
        return true;
    }
}
