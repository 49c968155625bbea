using Iced.Intel;

namespace Verified.Machine.Translation;

/// <summary>Control transfers, flag instructions, and system instructions allowed in user mode.</summary>
internal static partial class InstructionMapper
{
    private static MicroOp? MapControl(in Instruction ins, MicroOp op)
    {
        var m = ins.Mnemonic;
        switch (m)
        {
            case Mnemonic.Jmp:
            case Mnemonic.Call:
                op.Size = 8;
                if (ins.Op0Kind == OpKind.NearBranch64)
                {
                    op.Kind = m == Mnemonic.Jmp ? Kind.Jmp : Kind.Call;
                    op.Imm = ins.NearBranchTarget;
                    return op;
                }

                if (ins.Op0Kind is OpKind.Register or OpKind.Memory && OperandSize(ins, 0) == 8)
                {
                    op.Kind = m == Mnemonic.Jmp ? Kind.JmpInd : Kind.CallInd;
                    return SetRm(ins, 0, ref op) ? op : null;
                }

                return null;
            case Mnemonic.Ret:
                op.Kind = Kind.Ret;
                op.Imm = ins.OpCount == 1 ? ins.GetImmediate(0) : 0;
                return op;
            case Mnemonic.Jrcxz or Mnemonic.Jecxz:
                op.Kind = Kind.Jrcxz;
                op.Size = (byte)(m == Mnemonic.Jrcxz ? 8 : 4);
                op.Imm = ins.NearBranchTarget;
                return op;
            case Mnemonic.Loop or Mnemonic.Loope or Mnemonic.Loopne:
                op.Kind = Kind.Loop;
                op.Aux = (byte)(m switch { Mnemonic.Loop => 0, Mnemonic.Loope => 1, _ => 2 });
                // loop with an address-size prefix counts in ECX (Code names end in _ECX).
                op.Size = (byte)(ins.Code.ToString().EndsWith("_ECX", StringComparison.Ordinal) ? 4 : 8);
                op.Imm = ins.NearBranchTarget;
                return op;
            case Mnemonic.Leave:
                op.Kind = Kind.Leave;
                op.Size = 8;
                return op;
            case Mnemonic.Enter:
                op.Kind = Kind.Enter;
                op.Imm = ins.GetImmediate(0) & 0xFFFF;
                op.Aux = (byte)(ins.GetImmediate(1) & 31);
                return op;
            case Mnemonic.Nop or Mnemonic.Endbr64 or Mnemonic.Endbr32 or Mnemonic.Pause or Mnemonic.Lfence
                or Mnemonic.Mfence or Mnemonic.Sfence or Mnemonic.Prefetchnta or Mnemonic.Prefetcht0
                or Mnemonic.Prefetcht1 or Mnemonic.Prefetcht2 or Mnemonic.Prefetchw:
                op.Kind = Kind.Nop;
                return op;
            case Mnemonic.Syscall:
                op.Kind = Kind.Syscall;
                return op;
            case Mnemonic.Int3:
                op.Kind = Kind.Int3;
                return op;
            case Mnemonic.Int:
                op.Kind = Kind.IntN;
                op.Aux = (byte)ins.GetImmediate(0);
                return op;
            case Mnemonic.Ud0 or Mnemonic.Ud1 or Mnemonic.Ud2:
                return Raise(op, Vector.UD);
            case Mnemonic.Cpuid:
                op.Kind = Kind.Cpuid;
                return op;
            case Mnemonic.Rdtsc:
                op.Kind = Kind.Rdtsc;
                return op;
            case Mnemonic.Rdtscp:
                op.Kind = Kind.Rdtscp;
                return op;
            case Mnemonic.Clc or Mnemonic.Stc or Mnemonic.Cmc or Mnemonic.Cld or Mnemonic.Std or Mnemonic.Lahf or Mnemonic.Sahf:
                op.Kind = Kind.FlagOp;
                op.Aux = (byte)(m switch
                {
                    Mnemonic.Clc => FlagOpKind.Clc, Mnemonic.Stc => FlagOpKind.Stc, Mnemonic.Cmc => FlagOpKind.Cmc,
                    Mnemonic.Cld => FlagOpKind.Cld, Mnemonic.Std => FlagOpKind.Std, Mnemonic.Lahf => FlagOpKind.Lahf,
                    _ => FlagOpKind.Sahf,
                });
                return op;
            case Mnemonic.Pushf or Mnemonic.Pushfq:
                op.Kind = Kind.Pushf;
                op.Size = (byte)-ins.StackPointerIncrement;
                return op;
            case Mnemonic.Popf or Mnemonic.Popfq:
                op.Kind = Kind.Popf;
                op.Size = (byte)ins.StackPointerIncrement;
                return op;
            default:
                break;
        }

        if (ins.ConditionCode != ConditionCode.None && ins.Op0Kind == OpKind.NearBranch64)
        {
            op.Kind = Kind.Jcc;
            op.Aux = Condition(ins);
            op.Imm = ins.NearBranchTarget;
            return op;
        }

        return null;
    }
}
