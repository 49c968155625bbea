using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

public static partial class SyscallMapping
{
    // Which object type numbers are defined (Enum.IsDefined looked the enum's values up on every retype).
    private static readonly bool[] DefinedTypes = DefinedTypeNumbers();

    private static bool[] DefinedTypeNumbers()
    {
        var values = Enum.GetValues<ObjectType>();
        var defined = new bool[values.Max(v => (long)v) + 1];
        foreach (var v in values)
            if ((long)v >= 0) defined[(long)v] = true;
        return defined;
    }

    /// <summary>UntypedRetype(untyped cptr, type, size parameter, CNode cptr, first index, count).</summary>
    private static SpecCall DecideRetype(KernelImpl kernel, TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var type = (ObjectType)a[1];
        var bits = a[1] < (ulong)DefinedTypes.Length && DefinedTypes[a[1]] ? KernelImpl.ObjectSizeBits(type, a[2]) : -1;
        var valid = bits >= 0 && a[5] is > 0 and <= AbiConstants.MaxRetypeCount;
        var untyped = ObjectAtCptr<UntypedObject>(kernel, caller, a[0]);
        return new SpecCall.Retype(CptrSlot(kernel, caller, a[0]), valid ? Abstraction.ObjTypeName(type) : null, valid ? 1UL << bits : 0,
            CptrSlot(kernel, caller, a[3]), a[4], valid ? (int)a[5] : 0, untyped is { LiveChildren: > 0 });
    }
}
