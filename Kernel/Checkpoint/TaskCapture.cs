using System.Collections.Immutable;
using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;

namespace Verified.Kernel.Checkpoints;

/// <summary>
/// Captures one task of a kernel as a <see cref="TaskCheckpoint"/> (read only: the kernel is not
/// changed). Pages in address order, then private unmapped frames in slot order; capabilities in
/// slot order. A frame is private when every current capability to it lies in the task's CNode
/// (its capability count equals the number there).
/// </summary>
public static class TaskCapture
{
    /// <summary>Captures a task, or says why it cannot be captured.</summary>
    public static bool TryCapture(Kernel kernel, TaskObject task, out TaskCheckpoint? checkpoint, out CheckpointFailure? failure)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(task);
        checkpoint = null;
        failure = Refusal(kernel, task);
        if (failure is not null)
        {
            return false;
        }

        var cspace = kernel.Objects.Resolve<CNodeObject>(task.CSpaceRoot)!;
        var grantTable = kernel.Objects.Resolve<GrantTableObject>(task.GrantTable);

        // Every mapping recorded into this task, by virtual address (the checker keeps one per page).
        var recorded = new Dictionary<ulong, (SlotAddress Slot, Capability Cap)>();
        foreach (var a in kernel.MdbOrder())
        {
            var cap = kernel.SlotAt(a).Cap;
            if (cap.Type == ObjectType.Frame && cap.IsMapped && cap.MappedTask == task.Ref && kernel.IsCurrent(cap))
            {
                recorded[cap.MappedVa] = (a, cap);
            }
        }

        var frames = new List<CapturedFrame>();
        var frameIndex = new Dictionary<int, int>(); // frame object id -> index in frames
        foreach (var (va, entry) in PageTables.Leaves(kernel.Memory, task.Pml4))
        {
            var rights = Rights.Read | ((entry & PageTables.Writable) != 0 ? Rights.Write : Rights.None);
            if (recorded.TryGetValue(va, out var r) && !frameIndex.TryAdd(r.Cap.Object.Id, frames.Count))
            {
                failure = new(CheckpointError.AliasedFrame, $"frame {r.Cap.Object} is mapped twice in {task.Ref}, again at 0x{va:x}");
                return false;
            }

            frames.Add(new CapturedFrame(ReadPage(kernel.Memory, entry & PageTables.AddressMask), new PageMapping(va, rights)));
        }

        // How many capabilities in the CNode name each object: a capability alone with its object has no ancestor there.
        var perObject = new Dictionary<ObjectRef, int>();
        foreach (var s in cspace.View)
        {
            if (!s.Cap.IsNull)
            {
                perObject[s.Cap.Object] = perObject.GetValueOrDefault(s.Cap.Object) + 1;
            }
        }

        var parents = ParentsInCSpace(kernel, cspace, perObject);
        var references = new List<SharedReference>();
        var caps = new List<CapturedCap>();
        for (var i = 0; i < cspace.View.Length; i++)
        {
            var cap = cspace.View[i].Cap;
            if (cap.IsNull || !kernel.IsCurrent(cap))
            {
                continue; // stale capabilities are not captured (documented)
            }

            if (cap.Type == ObjectType.Frame && cap.IsMapped && cap.MappedTask != task.Ref && kernel.Objects.Resolve(cap.MappedTask) is not null)
            {
                failure = new(CheckpointError.MapsIntoOtherTask, $"slot {i}: frame capability records a mapping in {cap.MappedTask}");
                return false;
            }

            var o = kernel.Objects.Resolve(cap.Object)!;
            CapTarget target;
            if (o == task)
            {
                target = new CapTarget.SelfTask();
            }
            else if (o == cspace)
            {
                target = new CapTarget.OwnCSpace();
            }
            else if (o == grantTable)
            {
                target = new CapTarget.OwnGrantTable();
            }
            else if (o is FrameObject frame && (frameIndex.TryGetValue(frame.Id, out var index) || perObject[frame.Ref] == frame.CapCount))
            {
                if (!frameIndex.TryGetValue(frame.Id, out index))
                {
                    index = frames.Count;
                    frameIndex.Add(frame.Id, index);
                    frames.Add(new CapturedFrame(ReadPage(kernel.Memory, frame.Paddr), null));
                }

                target = new CapTarget.OwnFrame(index);
            }
            else
            {
                target = Share(references, o);
            }

            var records = cap.Type == ObjectType.Frame && cap.IsMapped && cap.MappedTask == task.Ref;
            caps.Add(new CapturedCap(i, cap.Type, target, cap.Rights, cap.Badge, parents.TryGetValue(i, out var p) ? p : null, records));
        }

        FaultHandler? fault = null;
        if (kernel.Objects.Resolve<EndpointObject>(task.FaultEndpoint) is { } ep)
        {
            fault = new FaultHandler(Share(references, ep).ReferenceId, task.FaultBadge);
        }

        CapturedGrantTable? grants = null;
        if (grantTable is not null)
        {
            CapTarget? Party(ObjectRef r) => kernel.Objects.Resolve<TaskObject>(r) is not { } t ? null : t == task ? new CapTarget.SelfTask() : Share(references, t);
            var entries = new List<CapturedGrant>();
            foreach (var e in grantTable.View)
            {
                entries.Add(new CapturedGrant(e.InUse, e.Generation, e.Indirect, Party(e.Grantee), e.Address, e.Length, e.Access, Party(e.FromGranter), e.FromHandle));
            }

            grants = new CapturedGrantTable(grantTable.EntryBits, [.. entries]);
        }

        var registers = new ulong[AbiConstants.RegisterCount];
        for (var i = 0; i < registers.Length; i++)
        {
            registers[i] = task.Registers[i];
        }

        checkpoint = new TaskCheckpoint([.. registers], task.Priority, cspace.RadixBits, [.. references], [.. frames], [.. caps], fault, grants);
        return true;
    }

    /// <summary>The stable id of a shared object in its kernel: type, index and generation.</summary>
    public static string ReferenceId(KernelObject o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return $"{o.Type.ToString().ToLowerInvariant()}-{o.Id}.{o.Generation}";
    }

    /// <summary>The shared reference to an object, added to the list the first time.</summary>
    private static CapTarget.Shared Share(List<SharedReference> references, KernelObject o)
    {
        var id = ReferenceId(o);
        if (!references.Exists(r => r.Id == id))
        {
            references.Add(new SharedReference(id, o.Type));
        }

        return new CapTarget.Shared(id);
    }

    private static CheckpointFailure? Refusal(Kernel kernel, TaskObject task)
    {
        if (!task.IsLive || kernel.Objects.Resolve(task.Ref) != task)
        {
            return new(CheckpointError.TaskNotLive, $"task {task.Ref} is not a live task of this kernel");
        }

        // A capability in flight exists only while its task is BlockedOnSend (the consistency checker's rule), so this covers it.
        if (task.State is not (TaskState.Ready or TaskState.Inactive))
        {
            return new(CheckpointError.BlockedInIpc, $"task {task.Ref} is {task.State} on {task.BlockedOn}");
        }

        if (kernel.Objects.Resolve<TaskObject>(task.ReplyTo) is { State: TaskState.BlockedOnReply })
        {
            return new(CheckpointError.HoldsReplyObligation, $"task {task.Ref} owes {task.ReplyTo} a reply");
        }

        return kernel.Objects.Resolve<CNodeObject>(task.CSpaceRoot) is null
            ? new(CheckpointError.NoCSpace, $"task {task.Ref} has no live root CNode")
            : null;
    }

    /// <summary>
    /// For each slot of the CNode whose object has another capability there: the slot of its
    /// nearest ancestor naming the same object when that ancestor lies in the CNode. One pass over
    /// the derivation list (a preorder with depths) keeping the current path from the root, so
    /// the cost is the list length times the depth, not a backward walk per capability.
    /// </summary>
    private static Dictionary<int, int> ParentsInCSpace(Kernel kernel, CNodeObject cspace, Dictionary<ObjectRef, int> perObject)
    {
        var parents = new Dictionary<int, int>();
        var path = new List<SlotAddress>();
        foreach (var a in kernel.MdbOrder())
        {
            var slot = kernel.SlotAt(a);
            var depth = Math.Max(0, slot.Depth);
            if (path.Count > depth)
            {
                path.RemoveRange(depth, path.Count - depth);
            }

            while (path.Count < depth)
            {
                path.Add(SlotAddress.None); // a gap in depths (an inconsistent list): no ancestor known there
            }

            if (a.Object == cspace.Id && perObject.GetValueOrDefault(slot.Cap.Object) > 1)
            {
                for (var i = depth - 1; i >= 0 && path[i].IsSome && kernel.SlotAt(path[i]).Cap.Object == slot.Cap.Object; i--)
                {
                    if (path[i].Object == cspace.Id)
                    {
                        parents[a.Index] = path[i].Index;
                        break;
                    }
                }
            }

            path.Add(a);
        }

        return parents;
    }

    private static ImmutableArray<byte> ReadPage(IPhysicalMemory memory, ulong paddr)
    {
        var bytes = new byte[4096];
        memory.Read(paddr, bytes);
        return ImmutableArray.Create(bytes);
    }
}
