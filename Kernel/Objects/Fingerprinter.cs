namespace Verified.Kernel.Objects;

/// <summary>A 64-bit streaming hash (FNV-1a over words, with a final avalanche). Equal states, equal hashes.</summary>
public struct Fingerprinter
{
    private ulong state;
    private bool started;

    /// <summary>Adds one word.</summary>
    public void Add(ulong value)
    {
        if (!started)
        {
            state = 0xCBF2_9CE4_8422_2325;
            started = true;
        }

        state = (state ^ value) * 0x0000_0100_0000_01B3;
        state ^= state >> 29;
    }

    /// <summary>The hash of everything added.</summary>
    public readonly ulong Value
    {
        get
        {
            var z = state + 0x9E37_79B9_7F4A_7C15;
            z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
            z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
            return z ^ (z >> 31);
        }
    }
}
