using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>
/// Deletion and finalisation. Deleting the last capability (of the current generation) to an
/// object finalises it (spec: cap.delete — last capability finalises). Finalising a CNode or a
/// task deletes the capabilities it holds; that work goes through an explicit work list (no
/// recursion, so cycles such as a CNode holding its own capability terminate).
/// </summary>
public sealed partial class Kernel
{
    /// <summary>Deletes the capability in a slot and everything its deletion finalises. Cannot fail.</summary>
    internal void DeleteCap(SlotAddress a)
    {
        deletions.Push(a);
        RunDeletions();
    }

    /// <summary>Performs every queued deletion, then releases the objects finalised meanwhile.</summary>
    internal void RunDeletions()
    {
        while (deletions.Count > 0)
        {
            var s = deletions.Pop();
            if (Slot(s).Cap.IsNull)
            {
                continue;
            }

            var cap = Slot(s).Cap;
            if (cap.Type == ObjectType.Frame && cap.IsMapped)
            {
                UnmapRecorded(cap); // spec: frame.delete — a frame capability's mapping goes with it
            }

            MdbUnlink(s);
            var o = Objects.Resolve(cap.Object);
            if (o is not null && --o.CapCount == 0 && Faults is not { DeleteLastLeavesObjectAlive: true })
            {
                Finalise(o);
            }
        }

        foreach (var z in zombies)
        {
            if (!ReferenceEquals(Objects[z.Id], z))
            {
                // Already released: a zombie untyped goes with its last child (ReleaseChildOf), which
                // may come earlier in this list. Releasing it again returned its memory to its
                // parent twice (a negative child count) and freed its index twice (found by the
                // machine fuzz).
                continue;
            }

            if (z is not UntypedObject { LiveChildren: > 0 })
            {
                Release(z);
            }
        }

        zombies.Clear();
    }

    /// <summary>Makes an object dead: every reference becomes stale; its held capabilities are queued for deletion.</summary>
    internal void Finalise(KernelObject o)
    {
        Objects.Kill(o);
        zombies.Add(o);
        switch (o)
        {
            case CNodeObject c:
                for (var i = 0; i < c.Slots.Length; i++)
                {
                    if (!c.Slots[i].Cap.IsNull)
                    {
                        deletions.Push(new SlotAddress(c.Id, i));
                        if (Faults is { CNodeFinaliseRevokesContents: true })
                        {
                            foreach (var d in Descendants(new SlotAddress(c.Id, i)).ToList())
                            {
                                deletions.Push(d); // planted
                            }
                        }
                    }
                }

                break;
            case TaskObject t:
                FinaliseTask(t);
                break;
            case EndpointObject ep:
                // spec: endpoint.finalise — waiters wake with an error
                while (ep.Head >= 0)
                {
                    var w = (TaskObject)Objects[ep.Head]!;
                    CancelIpc(w);
                    Complete(w, KernelError.ObjectDestroyed);
                }

                break;
            case NotificationObject n:
                while (n.Head >= 0)
                {
                    var w = (TaskObject)Objects[n.Head]!;
                    CancelIpc(w);
                    Complete(w, KernelError.ObjectDestroyed);
                }

                break;
            case GrantTableObject g:
                if (Objects.Resolve<TaskObject>(g.Owner) is { } owner)
                {
                    owner.GrantTable = ObjectRef.None;
                    RevokeGrantsDerivedFrom(owner);
                }

                if (Faults is { GrantTableDeathDetachesAnother: true }
                    && Objects.All.OfType<TaskObject>().FirstOrDefault(t => t.IsLive && t.Ref != g.Owner && t.GrantTable.IsSome) is { } other)
                {
                    // planted: another task loses its (live) table too, consistently unbound on both sides
                    if (Objects.Resolve<GrantTableObject>(other.GrantTable) is { } lost) lost.Owner = ObjectRef.None;
                    other.GrantTable = ObjectRef.None;
                }

                break;
            default:
                break;
        }
    }

    /// <summary>spec: task.finalise — the task stops; its queued message and reply obligation go.</summary>
    private void FinaliseTask(TaskObject t)
    {
        CancelIpc(t);
        if (Objects.Resolve<TaskObject>(t.ReplyTo) is { State: TaskState.BlockedOnReply } caller)
        {
            Complete(caller, KernelError.ObjectDestroyed);
        }

        t.ReplyTo = ObjectRef.None;
        if (Objects.Resolve<GrantTableObject>(t.GrantTable) is { } g)
        {
            g.Owner = ObjectRef.None;
            RevokeGrantsDerivedFrom(t);
        }

        if (Faults is { DestroyFreesGrantsToTask: true })
        {
            FreeGrantsTo(t.Id);
        }

        AddressSpacesChanged = true;
    }

    /// <summary>
    /// Finding F8: a task losing its grant table (its death, the table's, or a rebinding) revokes every
    /// entry of that table, so the grants other tasks re-delegated from it are revoked too (freed, the
    /// generation bumped, as by grant revoke). They could not verify through a dead task, and through a
    /// fresh table of the same task (generations from 0 again) the same (index, generation) would verify
    /// again. Their own re-delegations become stale (their recorded generation is now past).
    /// </summary>
    internal void RevokeGrantsDerivedFrom(TaskObject owner)
    {
        if (Faults is { DetachKeepsDerivedGrants: true })
        {
            return;
        }

        foreach (var table in Objects.All.OfType<GrantTableObject>())
        {
            for (var i = 0; table.IsLive && i < table.Entries.Length; i++)
            {
                // By id: a dying task's generation has already moved on (Objects.Kill); a grant from an
                // earlier task of the id was revoked when that one lost its table.
                if (table.Entries[i] is { InUse: true, Indirect: true } e && e.FromGranter.Id == owner.Id)
                {
                    table.SetEntry(i, GrantEntry.Free(e.Generation + 1));
                }
            }
        }
    }

    // Planted (DestroyFreesGrantsToTask): other tasks' grants to a dying task are freed as by a revoke.
    private void FreeGrantsTo(int task)
    {
        foreach (var table in Objects.All.OfType<GrantTableObject>())
        {
            for (var i = 0; table.IsLive && i < table.Entries.Length; i++)
            {
                if (table.Entries[i].InUse && table.Entries[i].Grantee.Id == task)
                {
                    table.SetEntry(i, GrantEntry.Free(table.Entries[i].Generation + 1));
                }
            }
        }
    }

    /// <summary>Returns a dead object's memory to its untyped; a dead untyped is released when its last child is.</summary>
    private void Release(KernelObject o)
    {
        var pages = o is TaskObject t ? [.. t.TablePages] : Array.Empty<(ulong, int)>();
        var parent = o.ParentUntyped;
        Objects.Remove(o);
        foreach (var (_, u) in pages)
        {
            ReleaseChildOf(u);
        }

        ReleaseChildOf(parent);
    }

    private void ReleaseChildOf(int untypedId)
    {
        while (untypedId >= 0 && Objects[untypedId] is UntypedObject u)
        {
            u.LiveChildren--;
            if (u.LiveChildren > 0)
            {
                return;
            }

            // No child alive: the memory is free again, but the watermark stays until the next
            // retype resets it (FreeOffset; spec: cap.retype) — the spec's deletions keep UtFree (F4).
            if (Faults is { ResetWatermarkWhenLastChildDies: true })
            {
                u.Watermark = 0;
            }

            if (u.IsLive)
            {
                return;
            }

            untypedId = u.ParentUntyped;
            Objects.Remove(u);
        }
    }

    /// <summary>Clears the mapping a frame capability recorded, if its address space still exists.</summary>
    private void UnmapRecorded(Capability cap)
    {
        if (Objects.Resolve<TaskObject>(cap.MappedTask) is { } task)
        {
            Touched?.AddressSpace(task.Id);
            PageTables.ClearLeaf(Memory, task.Pml4, cap.MappedVa);
            AddressSpacesChanged = true;
        }
    }
}
