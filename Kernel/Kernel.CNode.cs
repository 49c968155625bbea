using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>CNode invocations: copy, mint, move, mutate, delete, revoke (seL4 decodeCNodeInvocation / invokeCNode*).</summary>
public sealed partial class Kernel
{
    private KernelError DecodeCNodeCopy(TaskObject caller, ReadOnlySpan<ulong> a, bool mint)
    {
        var e = DecodeSourceAndDestination(caller, a, out var src, out var dst);
        if (e != KernelError.Ok)
        {
            return e;
        }

        var cap = Slot(src).Cap;
        if (!IsCurrent(cap))
        {
            return KernelError.StaleCapability;
        }

        var badge = cap.Badge;
        if (mint)
        {
            e = DecodeBadge(cap, a[5], out badge);
            if (e != KernelError.Ok)
            {
                return e;
            }
        }

        // spec: cap.copy / cap.mint — a child in the derivation tree, rights only shrink, badge set once
        var mask = mint && Faults is { MintKeepsRights: true } ? cap.Rights : (Rights)a[4];
        MdbInsert(!mint && Faults is { CopyForgetsDerivationEdge: true } ? SlotAddress.None : src, dst, cap.Derive(mask, badge));
        return Ok(caller);
    }

    private KernelError DecodeCNodeMove(TaskObject caller, ReadOnlySpan<ulong> a, bool mutate)
    {
        var e = DecodeSourceAndDestination(caller, a, out var src, out var dst);
        if (e != KernelError.Ok)
        {
            return e;
        }

        var cap = Slot(src).Cap;
        if (mutate)
        {
            if (!IsCurrent(cap))
            {
                return KernelError.StaleCapability;
            }

            e = DecodeBadge(cap, a[5], out var badge);
            if (e != KernelError.Ok)
            {
                return e;
            }

            // spec: cap.mutate — only a capability without descendants (HasChildren): a new rights
            // mask on a parent could leave a child with more rights than its parent (finding F1).
            if (FirstDescendant(src).IsSome && Faults is not { MutateIgnoresChildren: true })
            {
                return KernelError.RevokeFirst;
            }

            cap = cap with { Rights = cap.Rights & (Rights)a[4], Badge = badge };
            // A mapped frame keeps at least the access of its mapping: read always, write when the
            // mapping is writable (finding F9: a writable page through a read-only capability).
            if (cap.Type == ObjectType.Frame && cap.IsMapped && ((cap.Rights & Rights.Read) == 0
                || ((cap.Rights & Rights.Write) == 0 && MapsWritable(cap) && Faults is not { MutateIgnoresWritableMapping: true })))
            {
                return KernelError.InvalidArgument;
            }
        }

        // spec: cap.move — the capability keeps its position in the derivation tree
        MdbMove(src, dst, cap);
        return Ok(caller);
    }

    private KernelError DecodeCNodeDelete(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupSlotAddress(caller, a[0], a[1], out var slot);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (Slot(slot).Cap.IsNull)
        {
            return KernelError.InvalidCapability;
        }

        // spec: cap.delete — only a capability without descendants (HasChildren). Lifting them
        // instead left an object with several roots after its original went, so no single revoke
        // reached them all (inv.derivation_forest.derived_from_original; finding F3).
        if (FirstDescendant(slot).IsSome && Faults is not { DeleteLiftsChildren: true })
        {
            return KernelError.RevokeFirst;
        }

        DeleteCap(slot); // spec: cap.delete
        return Ok(caller);
    }

    /// <summary>
    /// spec: cap.revoke — deletes every descendant, one at a time (each a complete, consistent
    /// deletion); after <see cref="RevokeDeletionsPerEntry"/> deletions it is a preemption point:
    /// the syscall is restarted, so a long revoke never stalls the system (seL4 cteRevoke).
    /// </summary>
    private KernelError DecodeCNodeRevoke(TaskObject caller, ReadOnlySpan<ulong> a, out bool restart)
    {
        restart = false;
        var e = LookupSlotAddress(caller, a[0], a[1], out var slot);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (Slot(slot).Cap.IsNull)
        {
            return KernelError.InvalidCapability;
        }

        if (Faults is { RevokeMissesInFlight: true })
        {
            // Planted: capabilities queued with a blocked sender (in a task's in-flight slot) are skipped.
            foreach (var d in Descendants(slot).Where(d => Objects[d.Object] is not TaskObject).Reverse().ToList())
            {
                DeleteCap(d);
            }

            return Ok(caller);
        }

        if (Faults is { RevokeMissesGrandchildren: true })
        {
            var depth = Slot(slot).Depth;
            foreach (var child in Descendants(slot).Where(d => Slot(d).Depth == depth + 1).ToList())
            {
                DeleteCap(child);
            }

            return Ok(caller);
        }

        for (var done = 0; ; done++)
        {
            if (Objects[slot.Object] is not { IsLive: true } || Slot(slot).Cap.IsNull)
            {
                break; // the revoked capability itself went (its CNode was finalised by a deletion)
            }

            var next = FirstDescendant(slot);
            if (!next.IsSome)
            {
                break;
            }

            if (done == RevokeDeletionsPerEntry)
            {
                restart = true;
                return KernelError.Ok;
            }

            DeleteCap(next);
        }

        return Ok(caller);
    }

    private KernelError DecodeSourceAndDestination(TaskObject caller, ReadOnlySpan<ulong> a, out SlotAddress src, out SlotAddress dst)
    {
        dst = SlotAddress.None;
        var e = LookupSlotAddress(caller, a[0], a[1], out src);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (Slot(src).Cap.IsNull)
        {
            return KernelError.InvalidCapability;
        }

        e = LookupSlotAddress(caller, a[2], a[3], out dst);
        if (e != KernelError.Ok)
        {
            return e;
        }

        return Slot(dst).Cap.IsNull ? KernelError.Ok : KernelError.SlotOccupied;
    }

    /// <summary>spec: cap.badge — only endpoint and notification capabilities carry badges, set once.</summary>
    private KernelError DecodeBadge(in Capability cap, ulong requested, out ulong badge)
    {
        badge = cap.Badge;
        if (requested == 0)
        {
            return KernelError.Ok;
        }

        if (cap.Type is not (ObjectType.Endpoint or ObjectType.Notification) || (cap.Type == ObjectType.Notification && Faults is { BadgeRefusesNotification: true }))
        {
            return KernelError.InvalidArgument;
        }

        if (cap.Badge != 0)
        {
            return KernelError.BadgeAlreadySet;
        }

        badge = requested;
        return KernelError.Ok;
    }
}
