using Iced.Intel;

namespace Verified.Machine.Translation;

/// <summary>
/// Maps one decoded Iced instruction to a micro-op. Anything outside the supported general-purpose
/// set becomes a Raise(#UD) micro-op; privileged instructions become Raise(#GP).
/// </summary>
internal static partial class InstructionMapper
{
    public static bool EndsBlock(Kind kind) => kind is Kind.Jmp or Kind.JmpInd or Kind.Call or Kind.CallInd or Kind.Ret
        or Kind.Jcc or Kind.Jrcxz or Kind.Loop or Kind.Syscall or Kind.Int3 or Kind.IntN or Kind.Raise or Kind.FetchFault
        or Kind.StringOp;

    public static MicroOp Map(in Instruction ins)
    {
        var op = new MicroOp
        {
            Rip = ins.IP,
            Len = (byte)Math.Max(1, ins.Length),
            Reg = MicroOp.NoReg,
            Rm = MicroOp.NoReg,
            Base = MicroOp.NoReg,
            Index = MicroOp.NoReg,
        };
        if (ins.Code == Code.INVALID)
        {
            return Raise(op, Vector.UD);
        }

        if (UsesControlOrDebugRegister(ins))
        {
            return Raise(op, Vector.GP);
        }

        var mapped = MapData(ins, op) ?? MapArithmetic(ins, op) ?? MapControl(ins, op);
        return mapped is null ? Raise(op, IsPrivileged(ins.Mnemonic) ? Vector.GP : Vector.UD) : Specialize(mapped.Value);
    }

    /// <summary>Picks a size-specialised kind for the hottest operations, so they skip the size switch.</summary>
    private static MicroOp Specialize(MicroOp op)
    {
        var wide = op.Size == 8;
        if (op.Size is 8 or 4)
        {
            op.Kind = op.Kind switch
            {
                Kind.MovRR => wide ? Kind.MovRR64 : Kind.MovRR32,
                Kind.MovRM => wide ? Kind.MovRM64 : Kind.MovRM32,
                Kind.MovMR => wide ? Kind.MovMR64 : Kind.MovMR32,
                Kind.AluRR => wide ? Kind.AluRR64 : Kind.AluRR32,
                Kind.AluRI => wide ? Kind.AluRI64 : Kind.AluRI32,
                Kind.AluRM => wide ? Kind.AluRM64 : Kind.AluRM32,
                Kind.Push when wide => Kind.Push64,
                Kind.Pop when wide => Kind.Pop64,
                _ => op.Kind,
            };
        }

        if (op.Kind == Kind.Shift && op.Size is 8 or 4 && !op.IsMem && (op.Flags & OpFlags.Imm) != 0
            && (ShiftOp)op.Aux is ShiftOp.Shl or ShiftOp.Sal or ShiftOp.Shr or ShiftOp.Sar)
        {
            op.Kind = Kind.ShiftRI;
        }

        if (op.Kind is Kind.Movzx or Kind.Movsx && op.Size is 8 or 4 && (op.IsMem || op.Rm < 16 || op.Aux > 1))
        {
            op.Kind = op.Kind == Kind.Movzx ? Kind.MovzxWide : Kind.MovsxWide;
        }

        if (op.Kind == Kind.Unary && op.Size is 8 or 4 && !op.IsMem)
        {
            op.Kind = Kind.UnaryR;
        }

        if (op.Kind == Kind.Lea && op.Size == 8 && (op.Flags & OpFlags.ComplexEa) == 0)
        {
            op.Kind = Kind.LeaSimple;
        }

        return op;
    }

    internal static MicroOp Raise(MicroOp op, Vector vector)
    {
        op.Kind = Kind.Raise;
        op.Aux2 = (byte)vector;
        return op;
    }

    private static bool IsPrivileged(Mnemonic m) => m is Mnemonic.Hlt or Mnemonic.Cli or Mnemonic.Sti or Mnemonic.In or Mnemonic.Out
        or Mnemonic.Insb or Mnemonic.Insw or Mnemonic.Insd or Mnemonic.Outsb or Mnemonic.Outsw or Mnemonic.Outsd
        or Mnemonic.Lgdt or Mnemonic.Lidt or Mnemonic.Lldt or Mnemonic.Ltr or Mnemonic.Invlpg or Mnemonic.Invd
        or Mnemonic.Wbinvd or Mnemonic.Rdmsr or Mnemonic.Wrmsr or Mnemonic.Clts or Mnemonic.Lmsw or Mnemonic.Swapgs
        or Mnemonic.Sysret or Mnemonic.Sysretq or Mnemonic.Sysexit or Mnemonic.Sysexitq or Mnemonic.Rdpmc or Mnemonic.Xsetbv
        or Mnemonic.Invpcid or Mnemonic.Wbnoinvd;

    private static bool UsesControlOrDebugRegister(in Instruction ins)
    {
        for (var i = 0; i < ins.OpCount; i++)
        {
            if (ins.GetOpKind(i) == OpKind.Register && (ins.GetOpRegister(i).IsCR() || ins.GetOpRegister(i).IsDR()))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>0..15 for general registers, 16..19 for AH, CH, DH, BH; null for anything else.</summary>
    internal static byte? RegIndex(Register r)
    {
        if (r is Register.AH or Register.CH or Register.DH or Register.BH)
        {
            return (byte)(16 + (r - Register.AH));
        }

        if (!r.IsGPR())
        {
            return null;
        }

        return (byte)(r.GetFullRegister() - Register.RAX);
    }

    internal static int OperandSize(in Instruction ins, int operand) =>
        ins.GetOpKind(operand) == OpKind.Register ? ins.GetOpRegister(operand).GetSize() : ins.MemorySize.GetSize();

    /// <summary>Fills the ModRM.rm operand (register or memory); false if it is neither a GPR nor memory.</summary>
    internal static bool SetRm(in Instruction ins, int operand, ref MicroOp op)
    {
        var kind = ins.GetOpKind(operand);
        if (kind == OpKind.Register)
        {
            var r = RegIndex(ins.GetOpRegister(operand));
            if (r is null)
            {
                return false;
            }

            op.Rm = r.Value;
            return true;
        }

        if (kind != OpKind.Memory)
        {
            return false;
        }

        op.Flags |= OpFlags.Mem;
        op.Disp = (long)ins.MemoryDisplacement64;
        if (ins.MemoryBase != Register.None && ins.MemoryBase != Register.RIP && ins.MemoryBase != Register.EIP)
        {
            var b = RegIndex(ins.MemoryBase);
            if (b is null)
            {
                return false;
            }

            op.Base = b.Value;
        }

        if (ins.MemoryIndex != Register.None)
        {
            var x = RegIndex(ins.MemoryIndex);
            if (x is null)
            {
                return false;
            }

            op.Index = x.Value;
            op.Scale = (byte)System.Numerics.BitOperations.Log2((uint)ins.MemoryIndexScale);
        }

        if (ins.MemoryBase.IsGPR32() || ins.MemoryIndex.IsGPR32() || ins.MemoryBase == Register.EIP)
        {
            op.Flags |= OpFlags.Addr32 | OpFlags.ComplexEa;
        }

        op.Seg = ins.MemorySegment switch
        {
            Register.FS => 1,
            Register.GS => 2,
            _ => 0,
        };
        if (op.Seg != 0)
        {
            op.Flags |= OpFlags.ComplexEa;
        }

        return true;
    }

    /// <summary>Fills the ModRM.reg operand; false if it is not a general register.</summary>
    internal static bool SetReg(in Instruction ins, int operand, ref MicroOp op)
    {
        if (ins.GetOpKind(operand) != OpKind.Register)
        {
            return false;
        }

        var r = RegIndex(ins.GetOpRegister(operand));
        if (r is null)
        {
            return false;
        }

        op.Reg = r.Value;
        return true;
    }

    internal static bool IsImmediate(OpKind k) => k is OpKind.Immediate8 or OpKind.Immediate16 or OpKind.Immediate32 or OpKind.Immediate64
        or OpKind.Immediate8to16 or OpKind.Immediate8to32 or OpKind.Immediate8to64 or OpKind.Immediate32to64;

    internal static ulong MaskTo(ulong v, int size) => size == 8 ? v : v & ((1UL << (size * 8)) - 1);

    internal static byte Condition(in Instruction ins) => (byte)(ins.ConditionCode - ConditionCode.o);
}
