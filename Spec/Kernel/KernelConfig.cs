namespace Verified.Spec.Kernel;

/// <summary>
/// The widths of the abstract state's bit-vector sorts. Ids are symbolic bit-vectors, so the
/// proofs hold for any number of objects, slots and grants up to 2^width — no small fixed bound.
/// Generation widths are parameters because narrowing them is how the wrap-around bug of MINIX 3's
/// 11-bit grant sequence numbers is exhibited (see the tests).
/// </summary>
public sealed record KernelConfig
{
    public int ObjBits { get; init; } = 16;
    public int CNodeIndexBits { get; init; } = 8;
    public int CapIdBits { get; init; } = 16;
    public int ObjGenBits { get; init; } = 32;
    public int GrantGenBits { get; init; } = 32;
    public int GrantIndexBits { get; init; } = 8;
    public int AddrBits { get; init; } = 32;
    public int BadgeBits { get; init; } = 16;
    public int DepthBits { get; init; } = 8;
    public int ServiceBits { get; init; } = 8;

    /// <summary>Links an indirect-grant chain may have (a direct grant is depth 0).</summary>
    public int MaxGrantDepth { get; init; } = 3;

    public static KernelConfig Default { get; } = new();

    /// <summary>Throws with a message saying which width is out of range.</summary>
    public KernelConfig Validate()
    {
        static void Check(string name, int v, int lo, int hi)
        {
            if (v < lo || v > hi) throw new ArgumentOutOfRangeException(name, v, $"KernelConfig.{name} must be {lo}..{hi}");
        }
        Check(nameof(ObjBits), ObjBits, 2, 32);
        Check(nameof(CNodeIndexBits), CNodeIndexBits, 1, 24);
        Check(nameof(CapIdBits), CapIdBits, 2, 32);
        Check(nameof(ObjGenBits), ObjGenBits, 2, 64);
        Check(nameof(GrantGenBits), GrantGenBits, 2, 64);
        Check(nameof(GrantIndexBits), GrantIndexBits, 1, 24);
        Check(nameof(AddrBits), AddrBits, 4, 64);
        Check(nameof(BadgeBits), BadgeBits, 1, 64);
        Check(nameof(DepthBits), DepthBits, 2, 32);
        Check(nameof(ServiceBits), ServiceBits, 1, 32);
        Check(nameof(MaxGrantDepth), MaxGrantDepth, 0, 7);
        if (ObjBits + CNodeIndexBits > 64 || ObjBits + GrantIndexBits > 64)
            throw new ArgumentOutOfRangeException(nameof(ObjBits), "KernelConfig: slot and grant keys must fit in 64 bits");
        return this;
    }
}
