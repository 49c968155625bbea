using Verified.Kernel.Objects;
using Verified.Spec;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

public static partial class SyscallMapping
{
    /// <summary>
    /// A cptr (an index in the caller's root CNode) as a spec slot; a cptr outside the root CNode
    /// (or a caller without one) becomes a slot of the absent object, which no lookup accepts.
    /// </summary>
    public static Value CptrSlot(KernelImpl kernel, TaskObject caller, ulong cptr)
    {
        var root = kernel.Objects.Resolve<CNodeObject>(caller.CSpaceRoot);
        var ok = root is not null && cptr < (ulong)root.View.Length && cptr <= K.Index.Mask;
        var key = ok ? ((ulong)(uint)root!.Id << K.Config.CNodeIndexBits) | cptr : AbsentObject << K.Config.CNodeIndexBits;
        return Bv(K.Slot, key);
    }
}
