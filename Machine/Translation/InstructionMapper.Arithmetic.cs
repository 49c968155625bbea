using Iced.Intel;

namespace Verified.Machine.Translation;

/// <summary>Integer arithmetic, logic, shifts, multiply/divide, bit operations, setcc/cmovcc.</summary>
internal static partial class InstructionMapper
{
    private static MicroOp? MapArithmetic(in Instruction ins, MicroOp op)
    {
        var m = ins.Mnemonic;
        AluOp? alu = m switch
        {
            Mnemonic.Add => AluOp.Add, Mnemonic.Or => AluOp.Or, Mnemonic.Adc => AluOp.Adc, Mnemonic.Sbb => AluOp.Sbb,
            Mnemonic.And => AluOp.And, Mnemonic.Sub => AluOp.Sub, Mnemonic.Xor => AluOp.Xor, Mnemonic.Cmp => AluOp.Cmp,
            Mnemonic.Test => AluOp.Test,
            _ => null,
        };
        if (alu is not null)
        {
            return MapAlu(ins, op, alu.Value);
        }

        UnaryOp? unary = m switch
        {
            Mnemonic.Not => UnaryOp.Not, Mnemonic.Neg => UnaryOp.Neg, Mnemonic.Inc => UnaryOp.Inc, Mnemonic.Dec => UnaryOp.Dec,
            _ => null,
        };
        if (unary is not null)
        {
            op.Kind = Kind.Unary;
            op.Aux = (byte)unary.Value;
            op.Size = (byte)OperandSize(ins, 0);
            return SetRm(ins, 0, ref op) ? op : null;
        }

        ShiftOp? shift = m switch
        {
            Mnemonic.Rol => ShiftOp.Rol, Mnemonic.Ror => ShiftOp.Ror, Mnemonic.Rcl => ShiftOp.Rcl, Mnemonic.Rcr => ShiftOp.Rcr,
            Mnemonic.Shl or Mnemonic.Sal => ShiftOp.Shl, Mnemonic.Shr => ShiftOp.Shr, Mnemonic.Sar => ShiftOp.Sar,
            _ => null,
        };
        if (shift is not null)
        {
            op.Kind = Kind.Shift;
            op.Aux = (byte)shift.Value;
            op.Size = (byte)OperandSize(ins, 0);
            return SetRm(ins, 0, ref op) && SetCount(ins, 1, ref op) ? op : null;
        }

        switch (m)
        {
            case Mnemonic.Shld:
            case Mnemonic.Shrd:
                op.Kind = Kind.DoubleShift;
                op.Aux = (byte)(m == Mnemonic.Shld ? 0 : 1);
                op.Size = (byte)OperandSize(ins, 0);
                return SetRm(ins, 0, ref op) && SetReg(ins, 1, ref op) && SetCount(ins, 2, ref op) ? op : null;
            case Mnemonic.Mul:
            case Mnemonic.Imul when ins.OpCount == 1:
                op.Kind = Kind.Mul1;
                op.Aux = (byte)(m == Mnemonic.Mul ? 0 : 1);
                op.Size = (byte)OperandSize(ins, 0);
                return SetRm(ins, 0, ref op) ? op : null;
            case Mnemonic.Imul:
                op.Kind = ins.OpCount == 2 ? Kind.Imul2 : Kind.Imul3;
                op.Size = (byte)OperandSize(ins, 0);
                if (ins.OpCount == 3)
                {
                    op.Imm = MaskTo(ins.GetImmediate(2), op.Size);
                }

                return SetReg(ins, 0, ref op) && SetRm(ins, 1, ref op) ? op : null;
            case Mnemonic.Div:
            case Mnemonic.Idiv:
                op.Kind = Kind.Div;
                op.Aux = (byte)(m == Mnemonic.Div ? 0 : 1);
                op.Size = (byte)OperandSize(ins, 0);
                return SetRm(ins, 0, ref op) ? op : null;
            case Mnemonic.Bt or Mnemonic.Bts or Mnemonic.Btr or Mnemonic.Btc:
                op.Kind = Kind.Bt;
                op.Aux = (byte)(m switch { Mnemonic.Bt => 0, Mnemonic.Bts => 1, Mnemonic.Btr => 2, _ => 3 });
                op.Size = (byte)OperandSize(ins, 0);
                if (IsImmediate(ins.Op1Kind))
                {
                    op.Flags |= OpFlags.Imm;
                    op.Imm = ins.GetImmediate(1);
                    return SetRm(ins, 0, ref op) ? op : null;
                }

                return SetRm(ins, 0, ref op) && SetReg(ins, 1, ref op) ? op : null;
            case Mnemonic.Bsf or Mnemonic.Bsr or Mnemonic.Tzcnt or Mnemonic.Lzcnt or Mnemonic.Popcnt:
                op.Kind = Kind.BitScan;
                op.Aux = (byte)(m switch
                {
                    Mnemonic.Bsf => BitScanOp.Bsf, Mnemonic.Bsr => BitScanOp.Bsr, Mnemonic.Tzcnt => BitScanOp.Tzcnt,
                    Mnemonic.Lzcnt => BitScanOp.Lzcnt, _ => BitScanOp.Popcnt,
                });
                op.Size = (byte)OperandSize(ins, 0);
                return SetReg(ins, 0, ref op) && SetRm(ins, 1, ref op) ? op : null;
            default:
                break;
        }

        if (ins.ConditionCode != ConditionCode.None && m.ToString().StartsWith("Cmov", StringComparison.Ordinal))
        {
            op.Kind = Kind.Cmov;
            op.Aux = Condition(ins);
            op.Size = (byte)OperandSize(ins, 0);
            return SetReg(ins, 0, ref op) && SetRm(ins, 1, ref op) ? op : null;
        }

        if (ins.ConditionCode != ConditionCode.None && m.ToString().StartsWith("Set", StringComparison.Ordinal))
        {
            op.Kind = Kind.Setcc;
            op.Aux = Condition(ins);
            op.Size = 1;
            return SetRm(ins, 0, ref op) ? op : null;
        }

        return null;
    }

    private static MicroOp? MapAlu(in Instruction ins, MicroOp op, AluOp alu)
    {
        op.Aux = (byte)alu;
        op.Size = (byte)OperandSize(ins, 0);
        var immediate = IsImmediate(ins.Op1Kind);
        if (immediate)
        {
            op.Imm = MaskTo(ins.GetImmediate(1), op.Size);
        }

        if (ins.Op0Kind == OpKind.Register)
        {
            if (!SetReg(ins, 0, ref op))
            {
                return null;
            }

            if (immediate)
            {
                op.Kind = Kind.AluRI;
                return op;
            }

            op.Kind = ins.Op1Kind == OpKind.Memory ? Kind.AluRM : Kind.AluRR;
            return SetRm(ins, 1, ref op) ? op : null;
        }

        if (!SetRm(ins, 0, ref op))
        {
            return null;
        }

        if (immediate)
        {
            op.Kind = Kind.AluMI;
            return op;
        }

        op.Kind = Kind.AluMR;
        return SetReg(ins, 1, ref op) ? op : null;
    }

    /// <summary>A shift count: an immediate (including the implicit 1) or CL.</summary>
    private static bool SetCount(in Instruction ins, int operand, ref MicroOp op)
    {
        if (IsImmediate(ins.GetOpKind(operand)))
        {
            op.Flags |= OpFlags.Imm;
            op.Imm = ins.GetImmediate(operand) & 0xFF;
            return true;
        }

        if (ins.GetOpKind(operand) == OpKind.Register && ins.GetOpRegister(operand) == Register.CL)
        {
            op.Flags |= OpFlags.SrcCl;
            return true;
        }

        return false;
    }
}
