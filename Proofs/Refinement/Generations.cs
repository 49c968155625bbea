using Verified.Spec;
using Verified.Spec.Kernel;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// ObjGen of object ids with no live object. The spec keeps a dead object's generation and
/// cap.retype of the id bumps it; the kernel's table keeps each index's generation, moved on by
/// one when the object was finalised (<c>ObjectTable.GenerationAt</c>). A live kernel generation
/// g is the spec's g + 1, so a dead id's kernel generation (its last live one + 1) is exactly the
/// spec's. An id never used reads 0 on both sides.
/// </summary>
public static class Generations
{
    private static KernelSorts K => RefinementSpec.Sorts;

    /// <summary>The spec's generation of table index <paramref name="id"/> when it holds no live object, or null when it reads the default (a live object, or an index never used).</summary>
    public static Value? OfDead(KernelImpl kernel, int id)
    {
        if (kernel.Objects[id] is { IsLive: true }) return null;
        var g = kernel.Objects.GenerationAt(id);
        return g != 0 ? Abstraction.Bv(K.Gen, g) : null;
    }
}
