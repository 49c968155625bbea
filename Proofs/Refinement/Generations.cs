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

    public static void AddDead(KernelImpl kernel, Action<string, Value, Value> set)
    {
        for (var id = 0; id < kernel.Objects.Capacity; id++)
        {
            if (kernel.Objects[id] is { IsLive: true }) continue;
            var g = kernel.Objects.GenerationAt(id);
            if (g != 0) set("ObjGen", Abstraction.Obj((ulong)id), Abstraction.Bv(K.Gen, g));
        }
    }
}
