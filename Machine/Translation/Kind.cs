namespace Verified.Machine.Translation;

/// <summary>
/// What a micro-op does. Forms are split where it pays (register/immediate/memory operands of the
/// hottest families) so the executor does not test operand kinds at run time.
/// Suffixes: R = register, I = immediate, M = memory; the destination comes first.
/// </summary>
internal enum Kind : ushort
{
    Nop,
    MovRR, MovRI, MovRM, MovMR, MovMI,
    Movzx, Movsx, Lea,
    AluRR, AluRI, AluRM, AluMR, AluMI,
    Unary, Shift, DoubleShift,
    Mul1, Imul2, Imul3, Div,
    Push, PushI, PushM, Pop, PopM,
    Xchg, Cmpxchg, Cmpxchg16b, Xadd,
    Cmov, Setcc, Bt, BitScan, Bswap,
    SignExtendAcc, SignSplitAcc,
    Jmp, JmpInd, Call, CallInd, Ret, Jcc, Jrcxz, Loop, Leave, Enter,
    StringOp,
    Syscall, Int3, IntN, Raise, FetchFault,
    Cpuid, Rdtsc, Rdtscp,
    FlagOp, Pushf, Popf,
    SegBase,

    // Size-specialised forms of the hottest operations (chosen by the translator).
    MovRR64, MovRR32, MovRM64, MovRM32, MovMR64, MovMR32,
    AluRR64, AluRR32, AluRI64, AluRI32, AluRM64, AluRM32,
    Push64, Pop64, LeaSimple, ShiftRI, MovzxWide, MovsxWide, UnaryR,

    /// <summary>Planted over the rest of a block whose code was just overwritten (see Cpu.StopRunningBlockAfterThisOp).</summary>
    SmcStop,
}

/// <summary>Operation selector in <see cref="MicroOp.Aux"/> for the ALU families.</summary>
internal enum AluOp : byte
{
    Add, Or, Adc, Sbb, And, Sub, Xor, Cmp, Test,
}

internal enum UnaryOp : byte
{
    Not, Neg, Inc, Dec,
}

/// <summary>Shift/rotate selector: the x86 /r field of the group-2 opcodes (SAL is SHL).</summary>
internal enum ShiftOp : byte
{
    Rol, Ror, Rcl, Rcr, Shl, Shr, Sal, Sar,
}

internal enum BitScanOp : byte
{
    Bsf, Bsr, Tzcnt, Lzcnt, Popcnt,
}

internal enum StringKind : byte
{
    Movs, Stos, Lods, Cmps, Scas,
}

internal enum FlagOpKind : byte
{
    Clc, Stc, Cmc, Cld, Std, Lahf, Sahf,
}

/// <summary>MicroOp.Flags bits.</summary>
internal static class OpFlags
{
    public const byte Mem = 1, Imm = 2, Rep = 4, Repne = 8, Addr32 = 16, SrcCl = 32;

    /// <summary>The address needs a segment base or 32-bit truncation (the slow effective-address path).</summary>
    public const byte ComplexEa = 64;
}
