namespace Verified.Machine;

/// <summary>
/// cpuid and rdtsc. cpuid reports a fixed, documented set of leaves (docs/MACHINE.md) naming only
/// features this interpreter implements; rdtsc returns virtual time (instructions retired).
/// </summary>
public sealed partial class Cpu
{
    /// <summary>The vendor string of leaf 0: "VerifiedMach".</summary>
    internal const string VendorString = "VerifiedMach";

    private void ExecCpuid()
    {
        var leaf = (uint)R(0);
        var sub = (uint)R(1);
        var (a, b, c, d) = CpuidLeaf(leaf, sub);
        R(0) = a;
        R(3) = b;
        R(1) = c;
        R(2) = d;
    }

    internal static (uint Eax, uint Ebx, uint Ecx, uint Edx) CpuidLeaf(uint leaf, uint subleaf)
    {
        static uint Chars(string s, int at) => (uint)(s[at] | (s[at + 1] << 8) | (s[at + 2] << 16) | (s[at + 3] << 24));
        return leaf switch
        {
            0 => (7, Chars(VendorString, 0), Chars(VendorString, 8), Chars(VendorString, 4)),
            // Family 6 model 0 stepping 1. EDX: TSC(4), CX8(8), CMOV(15). ECX: CX16(13), POPCNT(23).
            1 => (0x0000_0601, 0, (1u << 13) | (1u << 23), (1u << 4) | (1u << 8) | (1u << 15)),
            // Leaf 7 subleaf 0 EBX: FSGSBASE(0), BMI1(3) for tzcnt.
            7 when subleaf == 0 => (0, (1u << 0) | (1u << 3), 0, 0),
            0x8000_0000 => (0x8000_0001, 0, 0, 0),
            // ECX: LAHF/SAHF(0), ABM/LZCNT(5). EDX: SYSCALL(11), NX(20), RDTSCP(27), LM(29).
            0x8000_0001 => (0, 0, (1u << 0) | (1u << 5), (1u << 11) | (1u << 20) | (1u << 27) | (1u << 29)),
            _ => (0, 0, 0, 0),
        };
    }

    private void ExecRdtsc(bool withProcessorId)
    {
        var t = LiveRetired;
        R(0) = (uint)t;
        R(2) = t >> 32;
        if (withProcessorId)
        {
            R(1) = 0;
        }
    }
}
