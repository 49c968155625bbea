namespace Verified.Machine.Tests.Infrastructure;

/// <summary>
/// The fixed guest addresses shared by the native harness (Native/harness.c) and the emulator
/// runner, so every address a generated sequence computes is the same on both sides. They sit
/// below 2 GiB so that absolute [disp32] operands reach the data page.
/// </summary>
public static class GuestLayout
{
    public const ulong PageSize = 4096;
    public const ulong DataAddress = 0x6000_0000;
    public const ulong StackAddress = DataAddress + PageSize;
    /// <summary>Initial RSP: the middle of the stack page, so pushes and [rsp+disp] both fit.</summary>
    public const ulong StackTop = StackAddress + 0x800;
    public const ulong CodeAddress = 0x6100_0000;
    public const ulong CodeCapacity = 0x1_0000;
    /// <summary>Data page then stack page, compared as one region of 8-byte words.</summary>
    public const int MemoryWords = (int)(2 * PageSize / 8);

    /// <summary>The initial contents of the data and stack pages, exactly as harness.c makes them.</summary>
    public static ulong[] InitialMemory(ulong seed)
    {
        var words = new ulong[MemoryWords];
        var state = seed;
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = SplitMix64(ref state);
        }
        return words;
    }

    public static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
