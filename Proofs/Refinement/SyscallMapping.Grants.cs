using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Spec;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

public static partial class SyscallMapping
{
    /// <summary>
    /// GrantCreate(grantee, base, length, access) → grant.create_direct;
    /// GrantCreateIndirect(grantee, source granter, source handle, offset, length, access) →
    /// grant.create_indirect with the source's absolute base + offset (the spec's bases are absolute).
    /// </summary>
    private static SpecCall DecideGrantCreate(KernelImpl kernel, TaskObject caller, SyscallNumber n, ReadOnlySpan<ulong> a)
    {
        var indirect = n == SyscallNumber.GrantCreateIndirect;
        var (length, access) = indirect ? (a[4], a[5]) : (a[2], a[3]);
        var table = kernel.Objects.Resolve<GrantTableObject>(caller.GrantTable);
        var grantee = kernel.Objects.Resolve<TaskObject>(ObjectRef.Unpack(a[0]));
        var index = -1;
        if (table is not null)
        {
            for (var i = 0; i < table.View.Length && index < 0; i++)
            {
                if (!table.View[i].InUse) index = i;
            }
        }

        // The ABI's checks, in its order (docs/KERNEL.md, grants).
        var abi = table is null ? KernelError.InvalidState
            : grantee is null || length == 0 || access is 0 or > 3 ? KernelError.InvalidArgument
            : index < 0 ? KernelError.GrantTableFull
            : !indirect && (a[1] >= AbiConstants.UserTop || a[2] > AbiConstants.UserTop - a[1]) ? KernelError.InvalidArgument
            : KernelError.Ok;
        var common = new List<(string, Value)>
        {
            ("owner", Bv(K.Obj, (ulong)caller.Id)),
            ("index", Bv(K.GrantIndex, (ulong)Math.Max(index, 0))),
            ("grantee", Bv(K.Obj, grantee is null ? AbsentObject : (ulong)grantee.Id)),
            ("len", Bv(K.Addr, length)),
            ("access", Bv(K.Access, access & 3)),
        };
        if (!indirect) return new SpecCall.GrantCreate("grant.create_direct", Args([.. common, ("base", Bv(K.Addr, a[1]))]), abi);

        var granter = ObjectRef.Unpack(a[1]);
        var live = kernel.Objects.Resolve<TaskObject>(granter) is not null;
        var srcIndex = a[2] & 0xFFFF_FFFF;
        var named = live && srcIndex <= 0xFF;
        var srcKey = Abstraction.GrantKey(named ? granter.Id : (int)AbsentObject, srcIndex & 0xFF);
        return new SpecCall.GrantCreate("grant.create_indirect", Args([.. common,
            ("srcOwner", Bv(K.Obj, named ? (ulong)granter.Id : AbsentObject)),
            ("srcIndex", Bv(K.GrantIndex, srcIndex & 0xFF)),
            ("srcGen", Bv(K.GrantGen, a[2] >> 32)),
            ("base", Bv(K.Addr, AbsoluteBaseOf(kernel, srcKey) + a[3]))]), abi);
    }
}
