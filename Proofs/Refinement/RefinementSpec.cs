using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The specification instance the refinement checker compares the kernel with: the spec's
/// operations and invariants at widths wide enough for every kernel value it abstracts
/// (64-bit physical addresses and badges, 32-bit kernel generations plus the live offset).
/// </summary>
public static class RefinementSpec
{
    public static KernelConfig Config { get; } = new()
    {
        ObjBits = 16,
        CNodeIndexBits = 16, // every kernel CNode size (up to 2^12 slots) and the ghost in-flight CNode indexed by task id
        CapIdBits = 16,
        ObjGenBits = 40,
        GrantGenBits = 40,
        GrantIndexBits = 8,
        AddrBits = 64,
        BadgeBits = 64,
        DepthBits = 8,
        MaxGrantDepth = 3,
    };

    public static KernelSpec Spec { get; } = KernelSpec.Create(Config);

    public static KernelSorts Sorts => Spec.Sorts;
}
