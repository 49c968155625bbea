namespace Verified.Machine.Tests.Infrastructure;

/// <summary>RFLAGS bits the tests care about.</summary>
public static class Flags
{
    public const ulong CF = 1UL << 0;
    public const ulong PF = 1UL << 2;
    public const ulong AF = 1UL << 4;
    public const ulong ZF = 1UL << 6;
    public const ulong SF = 1UL << 7;
    public const ulong DF = 1UL << 10;
    public const ulong OF = 1UL << 11;
    public const ulong Arithmetic = CF | PF | AF | ZF | SF | OF;
    /// <summary>Reserved bit 1 and IF: always set in user mode.</summary>
    public const ulong Fixed = 0x202;

    public static string Describe(ulong flags)
    {
        var names = new List<string>();
        if ((flags & OF) != 0) names.Add("OF");
        if ((flags & DF) != 0) names.Add("DF");
        if ((flags & SF) != 0) names.Add("SF");
        if ((flags & ZF) != 0) names.Add("ZF");
        if ((flags & AF) != 0) names.Add("AF");
        if ((flags & PF) != 0) names.Add("PF");
        if ((flags & CF) != 0) names.Add("CF");
        return names.Count == 0 ? "-" : string.Join(' ', names);
    }
}
