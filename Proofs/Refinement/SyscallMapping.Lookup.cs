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

    /// <summary>TaskResume(task cptr): the fault endpoint the task was configured with is an input of task.create.</summary>
    private static SpecCall DecideResume(KernelImpl kernel, TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var root = kernel.Objects.Resolve<CNodeObject>(caller.CSpaceRoot);
        var task = root is not null && a[0] < (ulong)root.View.Length ? kernel.Objects.Resolve<TaskObject>(root.View[(int)a[0]].Cap.Object) : null;
        var ep = task is null ? null : kernel.Objects.Resolve<EndpointObject>(task.FaultEndpoint);
        return new SpecCall.Resume(CptrSlot(kernel, caller, a[0]), ep is null ? null : Bv(K.Obj, (ulong)ep.Id));
    }
}
