using System.Numerics;
using System.Runtime.CompilerServices;

namespace Verified.Machine;

/// <summary>
/// RFLAGS, evaluated lazily: arithmetic records (operation, size, operands, result) and the six
/// status flags are computed only when something reads them. Everything else lives in flagBits.
/// </summary>
public sealed partial class Cpu
{
    internal const ulong CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, DF = 0x400, OF = 0x800;
    internal const ulong StatusMask = CF | PF | AF | ZF | SF | OF;

    /// <summary>Bits user mode may change with popf/sahf-like writes: status, DF, AC, ID.</summary>
    internal const ulong UserWritableFlags = StatusMask | DF | 0x40000 | 0x200000;

    internal enum Lazy : byte
    {
        None,     // status flags are in flagBits
        Add,      // a + b (+ carry for Adc)
        Adc,
        Sub,      // a - b
        Sbb,
        Logic,    // CF = OF = AF = 0
        Result,   // SF/ZF/PF from the result; CF, OF, AF taken from flagB
        Inc,      // like Add with b = 1 but CF kept in flagBits
        Dec,
    }

    private Lazy lazy;
    private int lazySize;
    private ulong lazyA, lazyB, lazyRes, flagBits = 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Mask(int size) => size == 8 ? ulong.MaxValue : (1UL << (size * 8)) - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong SignBit(int size) => 1UL << ((size * 8) - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long SignExtend(ulong v, int size) => size switch
    {
        1 => (sbyte)v,
        2 => (short)v,
        4 => (int)v,
        _ => (long)v,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetLazy(Lazy op, int size, ulong a, ulong b, ulong result)
    {
        lazy = op;
        lazySize = size;
        lazyA = a;
        lazyB = b;
        lazyRes = result;
    }

    /// <summary>Inc/Dec keep CF: capture the current CF into flagBits before recording.</summary>
    internal void SetLazyKeepCarry(Lazy op, int size, ulong a, ulong result)
    {
        var cf = GetCarry();
        flagBits = (flagBits & ~CF) | (cf ? CF : 0);
        SetLazy(op, size, a, 1, result);
    }

    internal void SetFlagBits(ulong bits)
    {
        lazy = Lazy.None;
        flagBits = (bits & 0x3F7FD5) | 2;
    }

    internal ulong GetFlags()
    {
        if (lazy == Lazy.None)
        {
            return flagBits;
        }

        var size = lazySize;
        var res = lazyRes;
        var sign = SignBit(size);
        ulong f = 0;
        if (res == 0)
        {
            f |= ZF;
        }

        if ((res & sign) != 0)
        {
            f |= SF;
        }

        if ((BitOperations.PopCount(res & 0xFF) & 1) == 0)
        {
            f |= PF;
        }

        var a = lazyA;
        var b = lazyB;
        switch (lazy)
        {
            case Lazy.Add:
            case Lazy.Adc:
                if (lazy == Lazy.Add ? res < a : res <= a)
                {
                    f |= CF;
                }

                f |= ((a ^ res) & (b ^ res) & sign) != 0 ? OF : 0;
                f |= (a ^ b ^ res) & AF;
                break;
            case Lazy.Sub:
            case Lazy.Sbb:
                if (lazy == Lazy.Sub ? a < b : a <= b)
                {
                    f |= CF;
                }

                f |= ((a ^ b) & (a ^ res) & sign) != 0 ? OF : 0;
                f |= (a ^ b ^ res) & AF;
                break;
            case Lazy.Inc:
                f |= flagBits & CF;
                f |= ((a ^ res) & (1 ^ res) & sign) != 0 ? OF : 0;
                f |= (a ^ 1 ^ res) & AF;
                break;
            case Lazy.Dec:
                f |= flagBits & CF;
                f |= ((a ^ 1) & (a ^ res) & sign) != 0 ? OF : 0;
                f |= (a ^ 1 ^ res) & AF;
                break;
            case Lazy.Result:
                f |= b & (CF | OF | AF);
                break;
            default:
                break;
        }

        return (flagBits & ~StatusMask) | f;
    }

    internal bool GetCarry() => lazy switch
    {
        Lazy.None or Lazy.Inc or Lazy.Dec => (flagBits & CF) != 0,
        Lazy.Logic => false,
        Lazy.Sub => lazyA < lazyB,
        Lazy.Add => lazyRes < lazyA,
        _ => (GetFlags() & CF) != 0,
    };

    /// <summary>Evaluates condition code cc (0 = O ... 15 = G, the x86 encoding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool Condition(int cc)
    {
        // ZF and SF come straight from the recorded result whatever the operation was.
        if (lazy != Lazy.None && (uint)(cc - 4) <= 1)
        {
            return (lazyRes == 0) == (cc == 4);
        }

        if (lazy != Lazy.None && (uint)(cc - 8) <= 1)
        {
            return ((lazyRes & SignBit(lazySize)) != 0) == (cc == 8);
        }

        if (lazy == Lazy.Sub)
        {
            switch (cc)
            {
                case 4: return lazyRes == 0;
                case 5: return lazyRes != 0;
                case 2: return lazyA < lazyB;
                case 3: return lazyA >= lazyB;
                case 6: return lazyA <= lazyB;
                case 7: return lazyA > lazyB;
                case 12: return SignExtend(lazyA, lazySize) < SignExtend(lazyB, lazySize);
                case 13: return SignExtend(lazyA, lazySize) >= SignExtend(lazyB, lazySize);
                case 14: return SignExtend(lazyA, lazySize) <= SignExtend(lazyB, lazySize);
                case 15: return SignExtend(lazyA, lazySize) > SignExtend(lazyB, lazySize);
                default: break;
            }
        }
        else if (lazy == Lazy.Logic)
        {
            switch (cc)
            {
                case 4: return lazyRes == 0;
                case 5: return lazyRes != 0;
                case 8: case 12: return (lazyRes & SignBit(lazySize)) != 0;
                case 9: case 13: return (lazyRes & SignBit(lazySize)) == 0;
                case 14: return lazyRes == 0 || (lazyRes & SignBit(lazySize)) != 0;
                case 15: return lazyRes != 0 && (lazyRes & SignBit(lazySize)) == 0;
                default: break;
            }
        }

        return ConditionFromBits(cc, GetFlags());
    }

    internal static bool ConditionFromBits(int cc, ulong f)
    {
        var result = (cc >> 1) switch
        {
            0 => (f & OF) != 0,
            1 => (f & CF) != 0,
            2 => (f & ZF) != 0,
            3 => (f & (CF | ZF)) != 0,
            4 => (f & SF) != 0,
            5 => (f & PF) != 0,
            6 => ((f & SF) != 0) != ((f & OF) != 0),
            _ => (f & ZF) != 0 || (((f & SF) != 0) != ((f & OF) != 0)),
        };
        return result ^ ((cc & 1) != 0);
    }
}
