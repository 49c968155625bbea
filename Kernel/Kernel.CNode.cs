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

            // spec: cap.mutate — only a capability without descendants (HasChildren): a new rights
            // mask on a parent could leave a child with more rights than its parent (finding F1).
            // Checked before the badge: a badge on a type without badges is the kernel's own refusal
            // (the spec has no types, D3), so a parent asked for one must still get the spec's
            // HasChildren (finding F10).
            if (FirstDescendant(src).IsSome && Faults is not { MutateIgnoresChildren: true })
            {
                return KernelError.RevokeFirst;
            }

            e = DecodeBadge(cap, a[5], out var badge);
            if (e != KernelError.Ok)
            {
                return e;
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
        if (Faults is { DeleteDropsQueuedCapabilities: true })
        {
            foreach (var t in Objects.All.OfType<TaskObject>().Where(t => t.IsLive && t.State == TaskState.BlockedOnSend && !t.InFlight.Cap.IsNull).ToList())
            {
                DeleteCap(new SlotAddress(t.Id, 0));
            }
        }

        return Ok(caller);
    }

    /// <summary>
    /// spec: cap.revoke — deletes every descendant, one leaf at a time (each deletion is one
    /// cap.revoke_step: a complete, consistent deletion of a capability without descendants);
    /// after <see cref="RevokeDeletionsPerEntry"/> deletions it is a preemption point: the syscall
    /// is restarted, so a long revoke never stalls the system (seL4 cteRevoke). A leaf that is the
    /// last capability to a CNode still holding capabilities stops the revoke with
    /// <see cref="KernelError.NotEmpty"/> (the spec's revoke_step refuses it; finding F7): the
    /// deletions before it stay done, the rest stay in place.
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

        var oldOrder = Faults is { RevokeFinalisesNonEmptyCNode: true };
        for (var done = 0; ; done++)
        {
            if (Objects[slot.Object] is not { IsLive: true } || Slot(slot).Cap.IsNull)
            {
                break; // the revoked capability itself went (only the planted old order finalises its CNode)
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

            if (!oldOrder)
            {
                next = FirstLeaf(next);
                if (FinalisesNonEmptyCNode(next))
                {
                    return KernelError.NotEmpty; // spec: cap.revoke_step — NotEmpty
                }
            }

            DeleteCap(next);
        }

        return Ok(caller);
    }

    /// <summary>The first slot without descendants at or below <paramref name="a"/> in the list (a leaf of its subtree).</summary>
    private SlotAddress FirstLeaf(SlotAddress a)
    {
        while (SlotAt(a).Next is { IsSome: true } n && SlotAt(n).Depth > SlotAt(a).Depth)
        {
            a = n;
        }

        return a;
    }

    /// <summary>
    /// Deleting the capability in <paramref name="a"/> would finalise a CNode that holds a
    /// capability in another slot (spec: RemoveChecks NotEmpty — the last capability to a CNode
    /// whose only full slot, if any, is its own).
    /// </summary>
    private bool FinalisesNonEmptyCNode(SlotAddress a)
    {
        if (Objects.Resolve(SlotAt(a).Cap.Object) is not CNodeObject c || (c.CapCount != 1 && Faults is not { RevokeStopsAtAnyCNode: true }))
        {
            return false;
        }

        for (var i = 0; i < c.Slots.Length; i++)
        {
            if (!c.Slots[i].Cap.IsNull && new SlotAddress(c.Id, i) != a)
            {
                return true;
            }
        }

        return false;
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
