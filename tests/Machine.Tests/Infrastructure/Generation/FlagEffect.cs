namespace Verified.Machine.Tests.Infrastructure.Generation;

/// <summary>
/// What an instruction does to the arithmetic flags, from the Intel SDM (volume 2) per
/// instruction: which it reads, which it leaves defined, which it leaves undefined. The
/// generator never lets an instruction read an undefined flag, and masks the flags still
/// undefined at the end of the sequence.
/// </summary>
public readonly record struct FlagEffect(ulong Reads, ulong Defines, ulong Undefines)
{
    public static FlagEffect None => default;
    public static FlagEffect AllDefined => new(0, Flags.Arithmetic, 0);
    /// <summary>and/or/xor/test: CF=OF=0, SF ZF PF from the result, AF undefined.</summary>
    public static FlagEffect Logic => new(0, Flags.Arithmetic & ~Flags.AF, Flags.AF);
    /// <summary>inc/dec: CF unaffected.</summary>
    public static FlagEffect IncDec => new(0, Flags.Arithmetic & ~Flags.CF, 0);
    /// <summary>mul/imul: CF and OF defined, SF ZF AF PF undefined.</summary>
    public static FlagEffect Multiply => new(0, Flags.CF | Flags.OF, Flags.SF | Flags.ZF | Flags.AF | Flags.PF);
    /// <summary>div/idiv: every arithmetic flag undefined.</summary>
    public static FlagEffect Divide => new(0, 0, Flags.Arithmetic);
    /// <summary>bt/bts/btr/btc: CF defined, ZF unaffected, OF SF AF PF undefined.</summary>
    public static FlagEffect BitTest => new(0, Flags.CF, Flags.OF | Flags.SF | Flags.AF | Flags.PF);
    /// <summary>bsf/bsr: ZF defined, the rest undefined.</summary>
    public static FlagEffect BitScan => new(0, Flags.ZF, Flags.Arithmetic & ~Flags.ZF);
    /// <summary>tzcnt/lzcnt: CF and ZF defined, the rest undefined.</summary>
    public static FlagEffect Count => new(0, Flags.CF | Flags.ZF, Flags.OF | Flags.SF | Flags.AF | Flags.PF);

    public FlagEffect Reading(ulong flags) => this with { Reads = Reads | flags };

    /// <summary>The undefined set after this instruction, given the undefined set before.</summary>
    public ulong Apply(ulong undefined) => (undefined & ~Defines) | Undefines;
}

/// <summary>The 16 condition codes in encoding order, with the flags each reads.</summary>
public static class Conditions
{
    public static readonly (string Name, ulong Reads)[] All =
    [
        ("o", Flags.OF), ("no", Flags.OF), ("b", Flags.CF), ("ae", Flags.CF),
        ("e", Flags.ZF), ("ne", Flags.ZF), ("be", Flags.CF | Flags.ZF), ("a", Flags.CF | Flags.ZF),
        ("s", Flags.SF), ("ns", Flags.SF), ("p", Flags.PF), ("np", Flags.PF),
        ("l", Flags.SF | Flags.OF), ("ge", Flags.SF | Flags.OF), ("le", Flags.ZF | Flags.SF | Flags.OF), ("g", Flags.ZF | Flags.SF | Flags.OF),
    ];
}
