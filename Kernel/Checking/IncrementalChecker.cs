using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Objects;

namespace Verified.Kernel.Checking;

/// <summary>
/// The consistency checks of <see cref="ConsistencyChecker.CheckAll"/>, re-done after each step
/// only where the step could have changed something. It attaches a <see cref="TouchLog"/> to the
/// kernel (the kernel records each slot it reaches for writing and each address space whose page
/// tables it writes) and keeps caches: a shadow of every non-empty slot, capability counts per
/// object reference, the mappings frame capabilities record, a summary of each object, and each
/// task's page-table walk.
///
/// Soundness rests on one induction: the previous check found the kernel consistent and the caches
/// equal to the kernel. Then (1) a slot not in the log holds what the shadow says (every kernel
/// slot write goes through Kernel.Slot, which logs it); (2) an object whose summary is unchanged
/// has unchanged checked fields (the summary holds every field the checks read; all objects are
/// summarised each step, so no object write can be missed); (3) a task's page tables not in the
/// log are unchanged: the kernel logs each page-table write; the guest writes only through present
/// leaves, which the last check found to point at frames, and frames do not overlap table pages
/// (the memory check); the kernel's other memory writes (retype zeroing, safecopy, IPC) go to
/// frames or fresh untyped memory, which by the same checks holds no live table page. A check whose
/// inputs are all unchanged gives the same (empty) answer, so it is skipped. The cross-check
/// (<see cref="CrossCheck"/>) re-establishes the hypothesis by comparing with the full check and
/// with caches built from scratch; tests run it every so many steps and at the end.
/// </summary>
public sealed class IncrementalChecker
{
    private readonly Kernel k;
    private readonly TouchLog log;
    private readonly HashSet<ObjectRef> affectedRefs = [];
    private readonly HashSet<ObjectRef> affectedMappings = [];
    private readonly HashSet<int> tasksToCheck = [];
    private readonly List<SlotAddress> changedSlots = [];
    private CheckerCaches caches = new();
    private bool needFull = true;
    private bool lifeChanged, memoryChanged, queuesChanged, grantsChanged;

    /// <summary>Attaches to a kernel (one checker per kernel). The first <see cref="Check"/> is a full check.</summary>
    public IncrementalChecker(Kernel kernel)
    {
        k = kernel ?? throw new ArgumentNullException(nameof(kernel));
        if (k.Touched?.Chain().Any(l => l.Reader is IncrementalChecker) == true)
        {
            throw new InvalidOperationException("the kernel already records touches for an incremental checker: attach one IncrementalChecker per kernel");
        }

        // Another reader (the refinement checker's abstraction) may watch the kernel too: each has its own log.
        log = new TouchLog(this);
        TouchLog.Join(k, log);
    }

    /// <summary>Checks that found nothing to re-check (the step changed nothing checked).</summary>
    public long Skipped { get; private set; }

    /// <summary>Checks that re-checked something.</summary>
    public long Rechecked { get; private set; }

    /// <summary>Page-table walks redone.</summary>
    public long Walks { get; private set; }

    /// <summary>The violations the last step may have caused (empty: consistent).</summary>
    public IReadOnlyList<string> Check()
    {
        var v = new List<string>();
        if (needFull || log.Everything || !ReferenceEquals(caches.Table, k.Objects))
        {
            // First check, or a restore replaced every structure: nothing is known, check it all.
            caches = CheckerCaches.Build(k);
            v.AddRange(ConsistencyChecker.CheckAll(k));
            needFull = false;
            log.Clear();
            return v;
        }

        affectedRefs.Clear();
        affectedMappings.Clear();
        tasksToCheck.Clear();
        changedSlots.Clear();
        var objectsChanged = DiffObjects();
        foreach (var a in log.Slots)
        {
            DiffSlot(a, v);
        }

        var headChanged = caches.Head != k.MdbHead;
        caches.Head = k.MdbHead;
        var readyChanged = caches.ReadReady(k);
        foreach (var id in log.AddressSpaces)
        {
            caches.Walks.Remove(id); // written: the cached walk is stale
            tasksToCheck.Add(id);
        }

        log.Clear();
        if (!objectsChanged && changedSlots.Count == 0 && !headChanged && !readyChanged && tasksToCheck.Count == 0)
        {
            // Every input of every check is as at the last (consistent) check: (1)-(3) above.
            Skipped++;
            return v;
        }

        Rechecked++;
        if (changedSlots.Count > 0 || headChanged || lifeChanged || memoryChanged)
        {
            // The walk reads the slots, the head, and (for untyped children) objects' life and placement.
            CheckDerivationList(v);
        }

        CheckCounts(v);

        // The following are O(objects), no slot or page-table scan; each reads only the summary
        // fields named by its flag (see ObjectSummary), so it is redone exactly when one changed.
        if (memoryChanged)
        {
            ConsistencyChecker.CheckMemory(k, v);
        }

        if (queuesChanged || readyChanged)
        {
            // Task states, queue links, endpoint and notification queues, reply links, in-flight bits.
            ConsistencyChecker.CheckQueues(k, v);
        }

        if (grantsChanged)
        {
            ConsistencyChecker.CheckGrants(k, v);
        }

        CheckAddressSpaces(v);
        return v;
    }

    /// <summary>
    /// The full check plus a comparison of every cache with one built from scratch; call right
    /// after <see cref="Check"/>. Any cache difference means the kernel changed something without
    /// the touch log seeing it, so an incremental shortcut could have hidden a violation.
    /// </summary>
    public IReadOnlyList<string> CrossCheck()
    {
        var v = ConsistencyChecker.CheckAll(k).Select(x => $"full check: {x}").ToList();
        if (!needFull)
        {
            v.AddRange(caches.Differences(CheckerCaches.Build(k)).Select(x => $"incremental cache stale: {x}"));
        }

        return v;
    }

    /// <summary>Compares each object's summary with the cached one; rescans the slots of a replaced CNode or task.</summary>
    private bool DiffObjects()
    {
        var changed = false;
        lifeChanged = memoryChanged = queuesChanged = grantsChanged = false;
        var count = Math.Max(caches.Summaries.Count, k.Objects.Capacity);
        for (var id = 0; id < count; id++)
        {
            var now = ObjectSummary.Of(k.Objects[id]);
            var was = id < caches.Summaries.Count ? caches.Summaries[id] : default;
            if (now == was)
            {
                continue;
            }

            changed = true;
            lifeChanged |= now.LifeDiffers(was);
            memoryChanged |= now.MemoryDiffers(was);
            var kind = now.Instance ?? was.Instance;
            var state = now.StateDiffers(was);
            queuesChanged |= state && kind is TaskObject or EndpointObject or NotificationObject;
            grantsChanged |= state && kind is TaskObject or GrantTableObject;
            if (id < caches.Summaries.Count)
            {
                caches.Summaries[id] = now;
            }
            else
            {
                caches.Summaries.Add(now);
            }

            if (!ReferenceEquals(now.Instance, was.Instance))
            {
                RescanSlots(id, now.Instance);
            }

            if (was.IsLive)
            {
                affectedRefs.Add(new ObjectRef(id, was.Generation));
            }

            if (now.IsLive)
            {
                affectedRefs.Add(new ObjectRef(id, now.Generation));
            }

            if (now.Instance is TaskObject || was.Instance is TaskObject)
            {
                // Its queue fields feed the queue check; its address space is re-walked only if it moved.
                tasksToCheck.Add(id);
                if (!now.SameAddressSpace(was))
                {
                    caches.Walks.Remove(id);
                }
            }

            if ((now.Instance ?? was.Instance) is FrameObject && (now.IsLive != was.IsLive || now.Generation != was.Generation || !ReferenceEquals(now.Instance, was.Instance)))
            {
                // A frame came or went: every leaf pointing at it must be re-judged.
                foreach (var t in k.Tasks)
                {
                    tasksToCheck.Add(t.Id);
                }
            }
        }

        return changed;
    }

    /// <summary>A replaced object: its old slots are gone and its new ones are all unseen, so diff each.</summary>
    private void RescanSlots(int id, KernelObject? now)
    {
        var addresses = caches.Shadow.Keys.Where(a => a.Object == id).ToList();
        if (now is CNodeObject c)
        {
            addresses.AddRange(Enumerable.Range(0, c.View.Length).Select(i => new SlotAddress(id, i)));
        }
        else if (now is TaskObject)
        {
            addresses.Add(new SlotAddress(id, 0));
        }

        foreach (var a in addresses)
        {
            log.Slot(a);
        }
    }

    /// <summary>Brings one slot's cache up to date and checks what is local to it.</summary>
    private void DiffSlot(SlotAddress a, List<string> v)
    {
        var now = Current(a);
        var was = caches.Cached(a);
        if (CheckerCaches.Same(now, was))
        {
            return;
        }

        changedSlots.Add(a);
        caches.Apply(a, was, now);
        foreach (var cap in (ReadOnlySpan<Capability>)[was.Cap, now.Cap])
        {
            if (!cap.IsNull)
            {
                affectedRefs.Add(cap.Object);
                if (cap.Type == ObjectType.Frame && cap.IsMapped)
                {
                    affectedMappings.Add(cap.MappedTask);
                }
            }
        }

        if (!now.Cap.IsNull && k.Objects.Resolve(now.Cap.Object) is { } o && o.Type != now.Cap.Type)
        {
            v.Add($"a {now.Cap.Type} capability names {o.Type} object {o.Ref}");
        }

        if (now.Cap.IsNull && (now.Prev.IsSome || now.Next.IsSome))
        {
            v.Add($"empty {a} keeps derivation links");
        }

        if (now.Cap.Type == ObjectType.Frame && now.Cap.IsMapped && k.Objects.Resolve<TaskObject>(now.Cap.MappedTask) is { } t
            && caches.Mappings[now.Cap.MappedTask][now.Cap.MappedVa].Count > 1)
        {
            v.Add($"two frame capabilities record a mapping at 0x{now.Cap.MappedVa:x} in {t.Ref}");
        }
    }

    /// <summary>What a slot holds now: a slot of a replaced or removed object is empty.</summary>
    private CapSlot Current(SlotAddress a) => k.Objects[a.Object] switch
    {
        CNodeObject c when a.Index >= 0 && a.Index < c.View.Length => c.View[a.Index],
        TaskObject t when a.Index == 0 => t.InFlightSlot,
        _ => CapSlot.Empty,
    };

    /// <summary>
    /// The list is walked whole (O(capabilities), no scan of empty slots): links, depths and
    /// derivation, as in the full check. Membership: the walk follows Next, so a repeated node
    /// would repeat forever and exceed the bound; a walk that ends has distinct nodes, each
    /// checked non-empty, so the list holds every non-empty slot exactly when it has
    /// <see cref="CheckerCaches.NonNull"/> nodes — the count kept from the shadow, which by (1) is
    /// exact. Only when the counts differ is the list walked again into a set, to name the slots.
    /// </summary>
    private void CheckDerivationList(List<string> v)
    {
        var n = ConsistencyChecker.WalkDerivationList(k, v, caches.NonNull + 1, null);
        if (n < 0 || n == caches.NonNull)
        {
            return;
        }

        var listed = new HashSet<SlotAddress>();
        ConsistencyChecker.WalkDerivationList(k, [], caches.NonNull + 1, listed);
        var named = false;
        foreach (var a in changedSlots)
        {
            var s = Current(a);
            if (!s.Cap.IsNull && !listed.Contains(a))
            {
                v.Add($"{a} holds {s.Cap.Type} but is not in the derivation list");
                named = true;
            }
        }

        if (!named)
        {
            v.Add($"the derivation list has {n} nodes but {caches.NonNull} slots hold a capability (some are not in the derivation list)");
        }
    }

    /// <summary>
    /// Counts are re-judged for each object whose capabilities changed (a changed slot named it)
    /// or whose own count or life changed (its summary); for every other live object both sides
    /// of the comparison are as at the last check.
    /// </summary>
    private void CheckCounts(List<string> v)
    {
        foreach (var r in affectedRefs)
        {
            if (k.Objects.Resolve(r) is not { } o)
            {
                continue;
            }

            var n = caches.CapsByObject.GetValueOrDefault(r);
            if (n != o.CapCount)
            {
                v.Add($"{o.Type} {o.Ref} counts {o.CapCount} capabilities but {n} exist");
            }

            if (n == 0)
            {
                v.Add($"live {o.Type} {o.Ref} has no capability (it should have been finalised)");
            }
        }
    }

    /// <summary>
    /// Address spaces re-judged: those the kernel wrote (walked again), those of tasks whose
    /// summary changed (walked again only if the PML4 or lent tables changed), those whose recorded
    /// mappings changed, and all when a frame came or went. The others' leaves, tables and
    /// recorded mappings are all as at the last check.
    /// </summary>
    private void CheckAddressSpaces(List<string> v)
    {
        foreach (var r in affectedMappings)
        {
            tasksToCheck.Add(r.Id);
        }

        foreach (var id in tasksToCheck)
        {
            if (k.Objects[id] is not TaskObject { IsLive: true } t)
            {
                caches.Walks.Remove(id);
                continue;
            }

            if (!caches.Walks.TryGetValue(id, out var walk))
            {
                caches.Walks[id] = walk = AddressSpaceWalk.Of(k, t);
                Walks++;
            }

            var recorded = caches.Mappings.GetValueOrDefault(t.Ref);
            ConsistencyChecker.CheckAddressSpace(k, t, walk.Leaves, walk.Tables, va => recorded is not null && recorded.TryGetValue(va, out var caps) ? caps[0] : null, recorded?.Count ?? 0, v);
        }
    }
}
