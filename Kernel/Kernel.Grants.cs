using Verified.Kernel.Abi;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>
/// Memory grants in the MINIX 3 manner. A grant is named by (granter task id, handle), the handle
/// being index | generation &lt;&lt; 32; revoke bumps the entry's generation so the handle never
/// verifies again. Every safecopy verifies the whole chain: each link's entry in use with the
/// handle's generation, the requester its grantee, the range inside, the access allowed; at most
/// <see cref="AbiConstants.MaxGrantChain"/> links.
/// </summary>
public sealed partial class Kernel
{
    private KernelError DecodeGrantCreate(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = DecodeGrantCommon(caller, a[0], a[2], a[3], out var table, out var index);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (a[1] >= AbiConstants.UserTop || a[2] > AbiConstants.UserTop - a[1])
        {
            return KernelError.InvalidArgument;
        }

        var gen = table.Entries[index].Generation;
        table.SetEntry(index, new GrantEntry(true, gen, false, ObjectRef.Unpack(a[0]), a[1], a[2], (GrantAccess)a[3], ObjectRef.None, 0));
        Return(caller, KernelError.Ok, (uint)index | ((ulong)gen << 32));
        return KernelError.Ok;
    }

    private KernelError DecodeGrantCreateIndirect(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = DecodeGrantCommon(caller, a[0], a[4], a[5], out var table, out var index);
        if (e != KernelError.Ok)
        {
            return e;
        }

        // spec: grant.indirect — only what the caller itself may use can be re-delegated
        e = VerifyGrant(caller, ObjectRef.Unpack(a[1]), a[2], a[3], a[4], (GrantAccess)a[5], out _, out _, out var links);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (links + 1 > AbiConstants.MaxGrantChain)
        {
            return KernelError.GrantChainTooDeep;
        }

        var gen = table.Entries[index].Generation;
        var source = GrantSource(ObjectRef.Unpack(a[1]), a[2]); // verified above: in use, this generation
        table.SetEntry(index, new GrantEntry(true, gen, true, ObjectRef.Unpack(a[0]), a[3], a[4], (GrantAccess)a[5], ObjectRef.Unpack(a[1]), a[2],
            source.AbsoluteBase + a[3], source.Depth + 1));
        Return(caller, KernelError.Ok, (uint)index | ((ulong)gen << 32));
        return KernelError.Ok;
    }

    private KernelError DecodeGrantCommon(TaskObject caller, ulong grantee, ulong length, ulong access, out GrantTableObject table, out int index)
    {
        index = -1;
        table = Objects.Resolve<GrantTableObject>(caller.GrantTable)!;
        if (table is null)
        {
            return KernelError.InvalidState;
        }

        if (Objects.Resolve<TaskObject>(ObjectRef.Unpack(grantee)) is null || length == 0 || access is 0 or > 3)
        {
            return KernelError.InvalidArgument;
        }

        index = FirstFree(table.Entries);
        return index < 0 ? KernelError.GrantTableFull : KernelError.Ok;
    }

    // The first entry not in use, or -1.
    private static int FirstFree(ReadOnlySpan<GrantEntry> entries)
    {
        for (var i = 0; i < entries.Length; i++)
            if (!entries[i].InUse) return i;
        return -1;
    }

    private KernelError DecodeGrantRevoke(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var table = Objects.Resolve<GrantTableObject>(caller.GrantTable);
        if (table is null)
        {
            return KernelError.InvalidState;
        }

        var index = a[0] & 0xFFFF_FFFF;
        if (index >= (ulong)table.Entries.Length || !table.Entries[(int)index].InUse || table.Entries[(int)index].Generation != (uint)(a[0] >> 32))
        {
            return KernelError.GrantInvalid;
        }

        // spec: grant.revoke — the generation moves on; (index, old generation) never verifies again
        table.SetEntry((int)index, GrantEntry.Free(table.Entries[(int)index].Generation + (Faults is { GrantRevokeKeepsGeneration: true } ? 0u : 1u)));
        return Ok(caller);
    }

    private KernelError DecodeSafeCopy(TaskObject caller, ReadOnlySpan<ulong> a, bool toGrant)
    {
        var length = a[4];
        if (length == 0 || length > AbiConstants.MaxCopyLength || (Faults is { SafecopyRefusesMaxLength: true } && length == AbiConstants.MaxCopyLength))
        {
            return KernelError.InvalidArgument;
        }

        var access = toGrant ? GrantAccess.Write : GrantAccess.Read;
        var e = VerifyGrant(caller, ObjectRef.Unpack(a[0]), a[1], a[2], length, access, out var owner, out var address, out _);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (!RangeAccessible(owner, address, length, write: toGrant) || !RangeAccessible(caller, a[3], length, write: !toGrant))
        {
            return KernelError.BadAddress;
        }

        if (toGrant)
        {
            CopyBetween(caller, a[3], owner, address, length);
        }
        else
        {
            CopyBetween(owner, address, caller, a[3], length);
        }

        return Ok(caller);
    }

    /// <summary>The entry a (granter, handle) names, whatever its state; a free entry when none (a broken link).</summary>
    internal GrantEntry GrantSource(ObjectRef granter, ulong handle)
    {
        var g = Objects.Resolve<TaskObject>(granter);
        var table = g is null ? null : Objects.Resolve<GrantTableObject>(g.GrantTable);
        var index = handle & 0xFFFF_FFFF;
        return table is null || index >= (ulong)table.Entries.Length ? GrantEntry.Free(0) : table.Entries[(int)index];
    }

    /// <summary>
    /// Resolves (granter, handle) for a requester wanting [offset, offset+length) with an access,
    /// following indirect links. On success: the task owning the memory and the start address.
    /// </summary>
    public KernelError VerifyGrant(TaskObject requester, ObjectRef granter, ulong handle, ulong offset, ulong length, GrantAccess access, out TaskObject owner, out ulong address, out int links)
    {
        ArgumentNullException.ThrowIfNull(requester);
        owner = null!;
        address = 0;
        var who = requester.Ref;
        for (links = 1; ; links++)
        {
            if (links > AbiConstants.MaxGrantChain)
            {
                return KernelError.GrantChainTooDeep;
            }

            var g = Objects.Resolve<TaskObject>(granter);
            var table = g is null ? null : Objects.Resolve<GrantTableObject>(g.GrantTable);
            var index = handle & 0xFFFF_FFFF;
            if (table is null || index >= (ulong)table.Entries.Length)
            {
                return KernelError.GrantInvalid;
            }

            var entry = table.Entries[(int)index];
            if (!entry.InUse || entry.Generation != (uint)(handle >> 32) || entry.Grantee != who
                || offset > entry.Length || length > entry.Length - offset || (access & ~entry.Access) != 0)
            {
                return KernelError.GrantInvalid;
            }

            if (!entry.Indirect || Faults is { SafecopySkipsChain: true })
            {
                owner = g!;
                address = entry.Address + offset;
                return KernelError.Ok;
            }

            // One link up: the granter must itself be the grantee of the grant it re-delegated.
            who = g!.Ref;
            granter = entry.FromGranter;
            handle = entry.FromHandle;
            offset += entry.Address;
        }
    }
}
