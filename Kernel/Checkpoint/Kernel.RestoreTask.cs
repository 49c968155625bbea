using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Checkpoints;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>
/// Restore of one checkpointed task into this kernel, on behalf of a task of this kernel whose
/// capabilities pay for and authorise it. Decode checks everything (checkpoint consistency, the
/// caller's untyped and holder slots, every binding's type, rights and badge, room in the
/// untyped); invoke then allocates, maps, mints and starts the task and cannot fail.
/// </summary>
public sealed partial class Kernel
{
    /// <summary>Planted bugs for the restore path (tests only); null is the correct kernel.</summary>
    public RestorePlantedFaults? RestoreFaults { get; set; }

    /// <summary>Restores a task. Every refusal is a value; the kernel is unchanged when refused.</summary>
    public bool TryRestoreTask(TaskObject caller, TaskCheckpoint checkpoint, RestoreRequest request, out RestoredTask? restored, out CheckpointFailure? failure)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(request);
        restored = null;
        if (!caller.IsLive || Objects.Resolve(caller.Ref) != caller)
        {
            throw new InvalidOperationException($"the restoring task {caller.Ref} is not a live task of this kernel");
        }

        RestorePlan? plan = null;
        failure = CheckpointValidator.Validate(checkpoint) ?? DecodeRestore(caller, checkpoint, request, out plan);
        if (failure is not null)
        {
            return false;
        }

        restored = InvokeRestore(checkpoint, plan!);
        return true;
    }

    private CheckpointFailure? DecodeRestore(TaskObject caller, TaskCheckpoint c, RestoreRequest request, out RestorePlan? plan)
    {
        plan = null;
        if (LookupObject<UntypedObject>(caller, request.Untyped, Rights.Write, out var uslot, out var untyped) is var e and not KernelError.Ok)
        {
            return new(CheckpointError.InvalidCapability, $"untyped cptr {request.Untyped}: {e}");
        }

        if (LookupObject<CNodeObject>(caller, request.HolderCNode, Rights.None, out _, out var holder) is var h and not KernelError.Ok)
        {
            return new(CheckpointError.InvalidCapability, $"holder CNode cptr {request.HolderCNode}: {h}");
        }

        var holderCount = FrameHolderOffset(c) + c.Frames.Count(f => f.Mapping is not null);
        if (request.HolderFirstSlot < 0 || request.HolderFirstSlot > holder.Slots.Length - holderCount)
        {
            return new(CheckpointError.HolderSlotsUnavailable, $"{holderCount} holder slots from {request.HolderFirstSlot} do not fit a CNode of {holder.Slots.Length}");
        }

        for (var i = 0; i < holderCount; i++)
        {
            if (!holder.Slots[request.HolderFirstSlot + i].Cap.IsNull)
            {
                return new(CheckpointError.HolderSlotsUnavailable, $"holder slot {request.HolderFirstSlot + i} is occupied");
            }
        }

        // spec: task.priority — a task cannot give a priority above its own
        if (c.Priority > caller.Priority)
        {
            return new(CheckpointError.PriorityTooHigh, $"saved priority {c.Priority} is above the restoring task's {caller.Priority}");
        }

        var bound = new Dictionary<string, SlotAddress>();
        foreach (var r in c.References)
        {
            if (!request.Binding.TryGetValue(r.Id, out var cptr))
            {
                return new(CheckpointError.BindingMissing, $"reference '{r.Id}' ({r.Type}) is not bound");
            }

            if (LookupSlot(caller, cptr, out var slot) != KernelError.Ok || !IsCurrent(Slot(slot).Cap))
            {
                return new(CheckpointError.InvalidCapability, $"reference '{r.Id}' is bound to cptr {cptr}, which holds no current capability");
            }

            if (Slot(slot).Cap.Type != r.Type)
            {
                return new(CheckpointError.BoundCapabilityWrongType, $"reference '{r.Id}' is a {r.Type} but cptr {cptr} holds a {Slot(slot).Cap.Type}");
            }

            bound.Add(r.Id, slot);
        }

        var minted = DecodeMints(c, bound);
        if (minted is not null)
        {
            return minted;
        }

        if (c.Fault is { } f)
        {
            var cap = Slot(bound[f.ReferenceId]).Cap;
            if ((cap.Rights & Rights.Write) == 0)
            {
                return new(CheckpointError.RightsWouldAmplify, $"fault endpoint '{f.ReferenceId}' is bound to a capability without the write right");
            }

            if (cap.Badge != 0 && cap.Badge != f.Badge)
            {
                return new(CheckpointError.BadgeConflict, $"fault endpoint '{f.ReferenceId}' is bound with badge {cap.Badge}, saved {f.Badge}");
            }
        }

        var pages = c.Frames.Where(fr => fr.Mapping is not null).Select(fr => fr.Mapping!.VirtualAddress).ToList();
        var end = Allocate(Allocate(FreeOffset(untyped), 12, 1), c.CSpaceRadixBits + 5, 1);
        end = c.GrantTable is { } g ? Allocate(end, g.EntryBits + 5, 1) : end;
        end = Allocate(Allocate(end, 12, c.Frames.Length), 12, TablesFor(pages));
        if (end > untyped.Size)
        {
            return new(CheckpointError.NotEnoughMemory, $"untyped of {untyped.Size} bytes with watermark 0x{untyped.Watermark:x} needs room up to 0x{end:x}");
        }

        plan = new RestorePlan(uslot, untyped, holder, request.HolderFirstSlot, bound);
        return null;
    }

    /// <summary>spec: cap.mint — rights only shrink (saved ⊆ bound), a badge is set once (bound badge 0 or the saved one).</summary>
    private CheckpointFailure? DecodeMints(TaskCheckpoint c, Dictionary<string, SlotAddress> bound)
    {
        foreach (var cap in c.Caps)
        {
            if (cap.Parent is not null || cap.Target is not CapTarget.Shared s)
            {
                continue; // derived inside the restored CNode or from a holder capability this restore creates
            }

            var from = Slot(bound[s.ReferenceId]).Cap;
            if ((cap.Rights & ~from.Rights) != 0)
            {
                return new(CheckpointError.RightsWouldAmplify, $"slot {cap.Slot} needs {cap.Rights} but '{s.ReferenceId}' is bound to a capability with {from.Rights}");
            }

            if (from.Badge != 0 && from.Badge != cap.Badge)
            {
                return new(CheckpointError.BadgeConflict, $"slot {cap.Slot} has badge {cap.Badge} but '{s.ReferenceId}' is bound to badge {from.Badge}");
            }
        }

        return null;
    }

    private RestoredTask InvokeRestore(TaskCheckpoint c, RestorePlan p)
    {
        // Objects, each a child of the untyped capability in a holder slot (spec: untyped.retype).
        var first = p.HolderFirst;
        var task = (TaskObject)Carve(p, ObjectType.Task, 12, 0, p.Holder, first);
        var cspace = (CNodeObject)Carve(p, ObjectType.CNode, c.CSpaceRadixBits + 5, c.CSpaceRadixBits, p.Holder, first + 1);
        var grants = c.GrantTable is { } g ? (GrantTableObject)Carve(p, ObjectType.GrantTable, g.EntryBits + 5, g.EntryBits, p.Holder, first + 2) : null;
        // Mapped frames are held in the holder slots (the page belongs to the address space the
        // restorer made); a private unmapped frame is carved straight into the task's CNode below,
        // so that, as in the source, only the task holds it.
        var holderOf = new Dictionary<int, SlotAddress>();
        var frames = new FrameObject?[c.Frames.Length];
        for (var i = 0; i < frames.Length; i++)
        {
            if (c.Frames[i].Mapping is not null)
            {
                var at = new SlotAddress(p.Holder.Id, first + FrameHolderOffset(c) + holderOf.Count);
                holderOf.Add(i, at);
                frames[i] = (FrameObject)Carve(p, ObjectType.Frame, 12, 0, p.Holder, at.Index);
                Memory.Write(frames[i]!.Paddr, c.Frames[i].Contents.AsSpan());
            }
        }

        // Pages at the saved addresses with the saved access (spec: frame.map), recorded by the holder capability.
        foreach (var (i, at) in holderOf)
        {
            var m = c.Frames[i].Mapping!;
            var writable = (m.Rights & Rights.Write) != 0 || RestoreFaults is { MapsEveryPageWritable: true };
            PageTables.MapLeaf(Memory, task.Pml4, m.VirtualAddress, frames[i]!.Paddr | PageTables.Present | PageTables.User | (writable ? PageTables.Writable : 0), () => TablePage(p, task));
            Slot(at).Cap = Slot(at).Cap with { MappedTask = task.Ref, MappedVa = m.VirtualAddress };
        }

        // The capability space, parents before children.
        foreach (var cap in Topological(c.Caps))
        {
            var dst = new SlotAddress(cspace.Id, cap.Slot);
            if (cap.Parent is null && cap.Target is CapTarget.OwnFrame { Index: var unmapped } && !holderOf.ContainsKey(unmapped))
            {
                // A private unmapped frame: the first such capability is the retyped one; others are its siblings under the untyped.
                if (frames[unmapped] is null)
                {
                    frames[unmapped] = (FrameObject)Carve(p, ObjectType.Frame, 12, 0, cspace, cap.Slot);
                    Memory.Write(frames[unmapped]!.Paddr, c.Frames[unmapped].Contents.AsSpan());
                    Slot(dst).Cap = Slot(dst).Cap with { Rights = cap.Rights }; // spec: cap.mutate — rights only shrink
                }
                else
                {
                    MdbInsert(p.UntypedSlot, dst, Capability.To(ObjectType.Frame, frames[unmapped]!.Ref).Derive(cap.Rights, 0));
                }

                continue;
            }

            var parent = cap.Parent is { } ps ? new SlotAddress(cspace.Id, ps) : cap.Target switch
            {
                CapTarget.SelfTask => new SlotAddress(p.Holder.Id, first),
                CapTarget.OwnCSpace => new SlotAddress(p.Holder.Id, first + 1),
                CapTarget.OwnGrantTable => new SlotAddress(p.Holder.Id, first + 2),
                CapTarget.OwnFrame f => holderOf[f.Index],
                CapTarget.Shared s => p.Bound[s.ReferenceId],
                _ => throw new InvalidOperationException($"kernel bug: unknown capability target {cap.Target}"),
            };
            var from = Slot(parent).Cap;
            var rights = cap.Target is CapTarget.Shared && cap.Parent is null && RestoreFaults is { MintKeepsBoundRights: true } ? from.Rights : cap.Rights;
            MdbInsert(parent, dst, from.Derive(rights, cap.Badge)); // spec: cap.mint — rights masked, badge set once
            if (cap.RecordsMapping && cap.Target is CapTarget.OwnFrame own)
            {
                // The capability that recorded the mapping in the source records it here too.
                ref var holderSlot = ref Slot(holderOf[own.Index]);
                Slot(dst).Cap = Slot(dst).Cap with { MappedTask = holderSlot.Cap.MappedTask, MappedVa = holderSlot.Cap.MappedVa };
                holderSlot.Cap = holderSlot.Cap with { MappedTask = ObjectRef.None, MappedVa = 0 };
            }
        }

        // The thread: cspace, fault handler, priority, registers (as TaskConfigure and TaskWriteRegister do), then runnable.
        task.CSpaceRoot = cspace.Ref;
        if (c.Fault is { } fault)
        {
            task.FaultEndpoint = Slot(p.Bound[fault.ReferenceId]).Cap.Object;
            task.FaultBadge = fault.Badge;
        }

        if (grants is not null)
        {
            // Entries keep their index and generation, so the handles in the task's memory stay valid (spec: grant.create_direct, grant.create_indirect — a handle is index | generation).
            ObjectRef Party(CapTarget? t) => t switch
            {
                CapTarget.SelfTask => task.Ref,
                CapTarget.Shared s => Slot(p.Bound[s.ReferenceId]).Cap.Object,
                _ => ObjectRef.None,
            };
            for (var i = 0; i < grants.Entries.Length; i++)
            {
                var e = c.GrantTable!.Entries[i];
                var from = Party(e.FromGranter);
                var source = e.Indirect ? GrantSource(from, e.FromHandle) : GrantEntry.Free(0); // recorded as at creation: the source as it is now
                grants.SetEntry(i, new GrantEntry(e.InUse, e.Generation, e.Indirect, Party(e.Grantee), e.Address, e.Length, e.Access, from, e.FromHandle,
                    e.Indirect ? source.AbsoluteBase + e.Address : 0, e.Indirect ? source.Depth + 1 : 0));
            }

            grants.Owner = task.Ref;
            task.GrantTable = grants.Ref;
        }

        task.Priority = c.Priority;
        for (var i = 0; i < AbiConstants.RegisterCount; i++)
        {
            task.Registers[i] = c.Registers[i];
        }

        task.Registers[AbiConstants.RegRflags] = (c.Registers[AbiConstants.RegRflags] & 0xCD5) | 0x202; // user-visible flags only, as TaskWriteRegister
        AddressSpacesChanged = true;
        MakeReady(task); // spec: task.resume
        return new RestoredTask(task, p.Holder.Id, first, grants is null ? null : first + 2, first + FrameHolderOffset(c), holderOf.Count);
    }

    /// <summary>Holder slots before the frames: task, CNode, and the grant table when there is one.</summary>
    private static int FrameHolderOffset(TaskCheckpoint c) => c.GrantTable is null ? 2 : 3;

    private KernelObject Carve(RestorePlan p, ObjectType type, int bits, int param, CNodeObject into, int index)
    {
        var start = AlignUp(FreeOffset(p.Untyped), 1UL << bits);
        InvokeRetype(p.UntypedSlot, p.Untyped, type, bits, param, start, into, index, 1); // spec: untyped.retype
        return Objects[Slot(new SlotAddress(into.Id, index)).Cap.Object.Id]!;
    }

    private ulong TablePage(RestorePlan p, TaskObject task)
    {
        var page = AlignUp(FreeOffset(p.Untyped), 4096);
        p.Untyped.Watermark = page + 4096;
        var paddr = p.Untyped.Paddr + page;
        Memory.Clear(paddr, 4096);
        task.TablePages.Add((paddr, p.Untyped.Id));
        p.Untyped.LiveChildren++;
        return paddr;
    }

    /// <summary>Captured capabilities ordered so that each parent comes before its children (the validator excluded cycles).</summary>
    private static List<CapturedCap> Topological(IEnumerable<CapturedCap> caps)
    {
        var bySlot = caps.ToDictionary(c => c.Slot);
        int Depth(CapturedCap c)
        {
            var d = 0;
            for (var x = c; x.Parent is { } p; x = bySlot[p])
            {
                d++;
            }

            return d;
        }

        return [.. bySlot.Values.OrderBy(Depth).ThenBy(c => c.Slot)];
    }

    /// <summary>The watermark after placing <paramref name="count"/> objects of 2^bits bytes, each aligned to its size.</summary>
    private static ulong Allocate(ulong watermark, int bits, int count)
    {
        var size = 1UL << bits;
        return count == 0 ? watermark : AlignUp(watermark, size) + ((ulong)count * size);
    }

    /// <summary>Page-table pages a fresh address space needs for these addresses (PDPTs, PDs, PTs).</summary>
    private static int TablesFor(List<ulong> vas) =>
        vas.Select(v => v >> 39).Distinct().Count() + vas.Select(v => v >> 30).Distinct().Count() + vas.Select(v => v >> 21).Distinct().Count();

    private sealed record RestorePlan(SlotAddress UntypedSlot, UntypedObject Untyped, CNodeObject Holder, int HolderFirst, Dictionary<string, SlotAddress> Bound);
}
