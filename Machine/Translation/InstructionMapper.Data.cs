using Iced.Intel;

namespace Verified.Machine.Translation;

/// <summary>Data movement: mov family, lea, stack, exchange, string instructions.</summary>
internal static partial class InstructionMapper
{
    private static MicroOp? MapData(in Instruction ins, MicroOp op)
    {
        switch (ins.Mnemonic)
        {
            case Mnemonic.Mov:
                return MapMov(ins, op);
            case Mnemonic.Movzx:
            case Mnemonic.Movsx:
            case Mnemonic.Movsxd:
                op.Kind = ins.Mnemonic == Mnemonic.Movzx ? Kind.Movzx : Kind.Movsx;
                op.Size = (byte)OperandSize(ins, 0);
                op.Aux = (byte)OperandSize(ins, 1);
                return SetReg(ins, 0, ref op) && SetRm(ins, 1, ref op) ? op : null;
            case Mnemonic.Lea:
                op.Kind = Kind.Lea;
                op.Size = (byte)OperandSize(ins, 0);
                return SetReg(ins, 0, ref op) && SetRm(ins, 1, ref op) ? op : null;
            case Mnemonic.Push:
                op.Size = (byte)-ins.StackPointerIncrement;
                if (IsImmediate(ins.Op0Kind))
                {
                    op.Kind = Kind.PushI;
                    op.Imm = MaskTo(ins.GetImmediate(0), op.Size);
                    return op;
                }

                if (ins.Op0Kind == OpKind.Memory)
                {
                    op.Kind = Kind.PushM;
                    return SetRm(ins, 0, ref op) ? op : null;
                }

                op.Kind = Kind.Push;
                return SetReg(ins, 0, ref op) ? op : null;
            case Mnemonic.Pop:
                op.Size = (byte)ins.StackPointerIncrement;
                if (ins.Op0Kind == OpKind.Memory)
                {
                    op.Kind = Kind.PopM;
                    return SetRm(ins, 0, ref op) ? op : null;
                }

                op.Kind = Kind.Pop;
                return SetReg(ins, 0, ref op) ? op : null;
            case Mnemonic.Xchg:
            case Mnemonic.Cmpxchg:
            case Mnemonic.Xadd:
                op.Kind = ins.Mnemonic switch { Mnemonic.Xchg => Kind.Xchg, Mnemonic.Cmpxchg => Kind.Cmpxchg, _ => Kind.Xadd };
                op.Size = (byte)OperandSize(ins, 0);
                return SetRm(ins, 0, ref op) && SetReg(ins, 1, ref op) ? op : null;
            case Mnemonic.Cmpxchg8b:
            case Mnemonic.Cmpxchg16b:
                op.Kind = Kind.Cmpxchg16b;
                op.Size = (byte)(ins.Mnemonic == Mnemonic.Cmpxchg8b ? 8 : 16);
                return SetRm(ins, 0, ref op) ? op : null;
            case Mnemonic.Bswap:
                op.Kind = Kind.Bswap;
                op.Size = (byte)OperandSize(ins, 0);
                return SetReg(ins, 0, ref op) ? op : null;
            case Mnemonic.Cbw or Mnemonic.Cwde or Mnemonic.Cdqe:
                op.Kind = Kind.SignExtendAcc;
                op.Size = (byte)(ins.Mnemonic switch { Mnemonic.Cbw => 2, Mnemonic.Cwde => 4, _ => 8 });
                return op;
            case Mnemonic.Cwd or Mnemonic.Cdq or Mnemonic.Cqo:
                op.Kind = Kind.SignSplitAcc;
                op.Size = (byte)(ins.Mnemonic switch { Mnemonic.Cwd => 2, Mnemonic.Cdq => 4, _ => 8 });
                return op;
            case Mnemonic.Rdfsbase or Mnemonic.Rdgsbase or Mnemonic.Wrfsbase or Mnemonic.Wrgsbase:
                op.Kind = Kind.SegBase;
                op.Size = (byte)OperandSize(ins, 0);
                op.Aux = (byte)(ins.Mnemonic switch { Mnemonic.Rdfsbase => 0, Mnemonic.Rdgsbase => 1, Mnemonic.Wrfsbase => 2, _ => 3 });
                return SetReg(ins, 0, ref op) ? op : null;
            default:
                return MapString(ins, op);
        }
    }

    private static MicroOp? MapMov(in Instruction ins, MicroOp op)
    {
        op.Size = (byte)OperandSize(ins, 0);
        if (ins.Op0Kind == OpKind.Register)
        {
            if (!SetReg(ins, 0, ref op))
            {
                return null;
            }

            if (IsImmediate(ins.Op1Kind))
            {
                op.Kind = Kind.MovRI;
                op.Imm = MaskTo(ins.GetImmediate(1), op.Size);
                return op;
            }

            if (ins.Op1Kind == OpKind.Memory)
            {
                op.Kind = Kind.MovRM;
                return SetRm(ins, 1, ref op) ? op : null;
            }

            op.Kind = Kind.MovRR;
            return SetRm(ins, 1, ref op) ? op : null;
        }

        if (!SetRm(ins, 0, ref op))
        {
            return null;
        }

        if (IsImmediate(ins.Op1Kind))
        {
            op.Kind = Kind.MovMI;
            op.Imm = MaskTo(ins.GetImmediate(1), op.Size);
            return op;
        }

        op.Kind = Kind.MovMR;
        return SetReg(ins, 1, ref op) ? op : null;
    }

    private static MicroOp? MapString(in Instruction ins, MicroOp op)
    {
        StringKind? kind = ins.Mnemonic switch
        {
            Mnemonic.Movsb or Mnemonic.Movsw or Mnemonic.Movsd or Mnemonic.Movsq => StringKind.Movs,
            Mnemonic.Stosb or Mnemonic.Stosw or Mnemonic.Stosd or Mnemonic.Stosq => StringKind.Stos,
            Mnemonic.Lodsb or Mnemonic.Lodsw or Mnemonic.Lodsd or Mnemonic.Lodsq => StringKind.Lods,
            Mnemonic.Cmpsb or Mnemonic.Cmpsw or Mnemonic.Cmpsd or Mnemonic.Cmpsq => StringKind.Cmps,
            Mnemonic.Scasb or Mnemonic.Scasw or Mnemonic.Scasd or Mnemonic.Scasq => StringKind.Scas,
            _ => null,
        };
        if (kind is null)
        {
            return null;
        }

        // movsd/cmpsd are also SSE mnemonics: only the forms with string operands are ours.
        var stringOperand = false;
        var addr32 = false;
        for (var i = 0; i < ins.OpCount; i++)
        {
            var k = ins.GetOpKind(i);
            stringOperand |= k is OpKind.MemorySegRSI or OpKind.MemorySegESI or OpKind.MemoryESRDI or OpKind.MemoryESEDI;
            addr32 |= k is OpKind.MemorySegESI or OpKind.MemoryESEDI;
        }

        if (!stringOperand)
        {
            return null;
        }

        op.Kind = Kind.StringOp;
        op.Aux = (byte)kind.Value;
        op.Size = (byte)ins.MemorySize.GetSize();
        if (ins.HasRepPrefix || ins.HasRepePrefix)
        {
            op.Flags |= OpFlags.Rep;
        }

        if (ins.HasRepnePrefix)
        {
            op.Flags |= OpFlags.Repne;
        }

        if (addr32)
        {
            op.Flags |= OpFlags.Addr32;
        }

        op.Seg = ins.MemorySegment switch
        {
            Register.FS => 1,
            Register.GS => 2,
            _ => 0,
        };
        return op;
    }
}
