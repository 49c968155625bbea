using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;

namespace Verified.Kernel.Checking;

/// <summary>
/// Checks the kernel's structures against their invariants: the derivation list (links, depths,
/// derivation: rights only shrink, badges kept, untyped children inside), capability counts,
/// untyped memory (children disjoint and contained), scheduler and wait queues, reply links,
/// page tables against frame capabilities, grant table owners. Returns every violation found,
/// each a sentence; an empty list means consistent. Tests run it after every step.
/// </summary>
public static class ConsistencyChecker
{
    /// <summary>All violations (the full check: <see cref="CheckAll"/>).</summary>
    public static IReadOnlyList<string> Check(Kernel kernel) => CheckAll(kernel);

    /// <summary>
    /// All violations, every structure walked from scratch (every slot of every CNode, every page
    /// table). The reference the <see cref="IncrementalChecker"/> is cross-checked against.
    /// </summary>
    public static IReadOnlyList<string> CheckAll(Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var v = new List<string>();
        CheckDerivationList(kernel, v);
        CheckCounts(kernel, v);
        CheckMemory(kernel, v);
        CheckQueues(kernel, v);
        CheckPageTables(kernel, v);
        CheckGrants(kernel, v);
        return v;
    }

    internal static IEnumerable<(SlotAddress Address, CapSlot Slot)> AllSlots(Kernel k)
    {
        foreach (var o in k.Objects.All)
        {
            if (o is CNodeObject c)
            {
                for (var i = 0; i < c.View.Length; i++)
                {
                    yield return (new SlotAddress(c.Id, i), c.View[i]);
                }
            }
            else if (o is TaskObject t)
            {
                yield return (new SlotAddress(t.Id, 0), t.InFlightSlot);
            }
        }
    }

    private static void CheckDerivationList(Kernel k, List<string> v)
    {
        var inList = new HashSet<SlotAddress>();
        WalkDerivationList(k, v, AllSlots(k).Count() + 1, inList);
        foreach (var (a, s) in AllSlots(k))
        {
            if (!s.Cap.IsNull && !inList.Contains(a))
            {
                v.Add($"{a} holds {s.Cap.Type} but is not in the derivation list");
            }

            if (s.Cap.IsNull && (s.Prev.IsSome || s.Next.IsSome))
            {
                v.Add($"empty {a} keeps derivation links");
            }
        }
    }

    /// <summary>
    /// Walks the derivation list from its head: links, depths, derivation of each node from its
    /// parent. Stops at a cycle (a repeated node in <paramref name="listed"/>, or more than
    /// <paramref name="limit"/> nodes). Returns the number of nodes, or -1 on a cycle.
    /// </summary>
    internal static int WalkDerivationList(Kernel k, List<string> v, int limit, HashSet<SlotAddress>? listed)
    {
        var prev = SlotAddress.None;
        var prevDepth = -1;
        var stack = new List<Capability>(); // ancestors of the current node, by depth
        var count = 0;
        for (var a = k.MdbHead; a.IsSome; a = k.SlotAt(a).Next)
        {
            if ((listed is not null && !listed.Add(a)) || ++count > limit)
            {
                v.Add($"derivation list has a cycle at {a}");
                return -1;
            }

            if (k.Objects[a.Object] is not (CNodeObject or TaskObject))
            {
                v.Add($"derivation list names {a}, which is no slot");
                return -1;
            }

            var s = k.SlotAt(a);
            if (s.Prev != prev)
            {
                v.Add($"{a}.prev is {s.Prev}, expected {prev}");
            }

            if (s.Cap.IsNull)
            {
                v.Add($"empty {a} is in the derivation list");
            }

            if (s.Depth < 0 || s.Depth > prevDepth + 1)
            {
                v.Add($"{a} has depth {s.Depth} after depth {prevDepth}");
            }
            else
            {
                stack.RemoveRange(s.Depth, stack.Count - s.Depth);
                if (s.Depth > 0)
                {
                    CheckDerivation(k, a, stack[s.Depth - 1], s.Cap, v);
                }

                stack.Add(s.Cap);
            }

            prev = a;
            prevDepth = s.Depth;
        }

        return count;
    }

    private static void CheckDerivation(Kernel k, SlotAddress a, Capability parent, Capability child, List<string> v)
    {
        if (parent.Type == ObjectType.Untyped && parent.Object != child.Object)
        {
            // A retyped child: its memory lies inside the untyped (checked when both are current).
            var u = k.Objects.Resolve<UntypedObject>(parent.Object);
            var o = k.Objects.Resolve(child.Object);
            if (u is not null && o is not null && (o.Paddr < u.Paddr || o.Paddr + (1UL << o.SizeBits) > u.Paddr + u.Size))
            {
                v.Add($"{a}: {child.Type} at 0x{o.Paddr:x} lies outside its parent untyped at 0x{u.Paddr:x}");
            }

            return;
        }

        if (parent.Object != child.Object || parent.Type != child.Type)
        {
            v.Add($"{a}: child capability names {child.Object} but its parent names {parent.Object}");
        }

        if ((child.Rights & ~parent.Rights) != 0)
        {
            v.Add($"{a}: child rights {child.Rights} exceed parent rights {parent.Rights}");
        }

        if (parent.Badge != 0 && child.Badge != parent.Badge)
        {
            v.Add($"{a}: badge {child.Badge} differs from the parent's {parent.Badge}");
        }
    }

    private static void CheckCounts(Kernel k, List<string> v)
    {
        var counts = new Dictionary<int, int>();
        foreach (var (_, s) in AllSlots(k))
        {
            if (!s.Cap.IsNull && k.Objects.Resolve(s.Cap.Object) is { } o)
            {
                if (o.Type != s.Cap.Type)
                {
                    v.Add($"a {s.Cap.Type} capability names {o.Type} object {o.Ref}");
                }

                counts[o.Id] = counts.GetValueOrDefault(o.Id) + 1;
            }
        }

        foreach (var o in k.Objects.All.Where(o => o.IsLive))
        {
            var n = counts.GetValueOrDefault(o.Id);
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

    internal static void CheckMemory(Kernel k, List<string> v)
    {
        var regions = new List<Region>(); // described only when reported: the incremental checker runs this often
        var children = new Dictionary<int, int>();
        foreach (var o in k.Objects.All)
        {
            if (o.Paddr + (1UL << o.SizeBits) > k.Memory.Size)
            {
                v.Add($"{o.Type} {o.Ref} extends past physical memory");
            }

            if (o.ParentUntyped >= 0)
            {
                children[o.ParentUntyped] = children.GetValueOrDefault(o.ParentUntyped) + 1;
                regions.Add(new Region(o.Paddr, o.Paddr + (1UL << o.SizeBits), o, false, o.ParentUntyped));
            }
            else if (o is not UntypedObject && o is not ConsoleObject)
            {
                regions.Add(new Region(o.Paddr, o.Paddr + (1UL << o.SizeBits), o, false, -1));
            }

            if (o is TaskObject t)
            {
                foreach (var (p, u) in t.TablePagesView)
                {
                    if (u >= 0)
                    {
                        children[u] = children.GetValueOrDefault(u) + 1;
                    }

                    regions.Add(new Region(p, p + 4096, t, true, u));
                }
            }
        }

        foreach (var u in k.Objects.All.OfType<UntypedObject>())
        {
            if (u.Watermark > u.Size)
            {
                v.Add($"untyped {u.Ref} watermark 0x{u.Watermark:x} beyond its size");
            }

            if (children.GetValueOrDefault(u.Id) != u.LiveChildren)
            {
                v.Add($"untyped {u.Ref} counts {u.LiveChildren} live children but {children.GetValueOrDefault(u.Id)} exist");
            }
        }

        foreach (var r in regions.Where(r => r.Parent >= 0))
        {
            if (k.Objects[r.Parent] is not UntypedObject p)
            {
                v.Add($"{r.What} names parent {r.Parent}, which is no untyped");
            }
            else if (r.Start < p.Paddr || r.End > p.Paddr + p.Watermark)
            {
                v.Add($"{r.What} [0x{r.Start:x}, 0x{r.End:x}) is not inside the used part of untyped {p.Ref}");
            }
        }

        // Non-untyped memory holders must not overlap each other (untyped ones contain their children).
        var holders = regions.Where(r => r.IsTable || r.Holder is not UntypedObject).OrderBy(r => r.Start).ToList();
        for (var i = 1; i < holders.Count; i++)
        {
            if (holders[i].Start < holders[i - 1].End)
            {
                v.Add($"{holders[i].What} overlaps {holders[i - 1].What}");
            }
        }
    }

    /// <summary>Memory an object (or one of a task's page tables) occupies.</summary>
    private readonly record struct Region(ulong Start, ulong End, KernelObject Holder, bool IsTable, int Parent)
    {
        public string What => IsTable ? $"page table of {Holder.Ref}" : $"{Holder.Type} {Holder.Ref}";
    }

    internal static void CheckQueues(Kernel k, List<string> v)
    {
        var seen = new HashSet<int>();
        for (var p = 0; p <= AbiConstants.MaxPriority; p++)
        {
            if (k.ReadyHead(p) < 0 && k.ReadyTail(p) < 0)
            {
                continue;
            }

            foreach (var t in Walk(k, k.ReadyHead(p), k.ReadyTail(p), null, p, v))
            {
                if (t.State != TaskState.Ready || t.Priority != p || !t.IsLive)
                {
                    v.Add($"task {t.Ref} ({t.State}, priority {t.Priority}) is in ready queue {p}");
                }

                if (!seen.Add(t.Id))
                {
                    v.Add($"task {t.Ref} is queued twice");
                }
            }
        }

        foreach (var o in k.Objects.All)
        {
            var (head, tail) = o switch
            {
                EndpointObject { IsLive: true } ep => (ep.Head, ep.Tail),
                NotificationObject { IsLive: true } n => (n.Head, n.Tail),
                _ => (-1, -1),
            };
            if (head < 0 && tail < 0)
            {
                continue; // no queue (an empty queue has nothing to walk; the notification rule needs waiters)
            }

            TaskState? kind = null;
            foreach (var t in Walk(k, head, tail, o, -1, v))
            {
                if (!seen.Add(t.Id))
                {
                    v.Add($"task {t.Ref} is queued twice");
                }

                var ok = o is EndpointObject ? t.State is TaskState.BlockedOnSend or TaskState.BlockedOnReceive : t.State == TaskState.BlockedOnNotification;
                if (!ok || t.BlockedOn != o.Ref || (kind is not null && kind != t.State))
                {
                    v.Add($"task {t.Ref} ({t.State} on {t.BlockedOn}) is in the queue of {o.Type} {o.Ref}");
                }

                kind = t.State;
            }

            if (o is NotificationObject { Head: >= 0, Word: not 0 } nn)
            {
                v.Add($"notification {nn.Ref} has waiters and pending bits");
            }
        }

        foreach (var t in k.Tasks)
        {
            var queued = t.State is TaskState.Ready or TaskState.BlockedOnSend or TaskState.BlockedOnReceive or TaskState.BlockedOnNotification;
            if (queued != seen.Contains(t.Id))
            {
                v.Add($"task {t.Ref} is {t.State} but {(queued ? "in no" : "in a")} queue");
            }

            if (!t.InFlightSlot.Cap.IsNull && t.State != TaskState.BlockedOnSend)
            {
                v.Add($"task {t.Ref} holds an in-flight capability while {t.State}");
            }

            if (t.State == TaskState.BlockedOnReply && k.Objects.Resolve<TaskObject>(t.BlockedOn) is not { } server)
            {
                v.Add($"task {t.Ref} waits for a reply from {t.BlockedOn}, which is gone");
            }
            else if (t.State == TaskState.BlockedOnReply && k.Objects.Resolve<TaskObject>(t.BlockedOn)!.ReplyTo != t.Ref)
            {
                v.Add($"task {t.Ref} waits for a reply that its server cannot give");
            }
        }
    }

    /// <summary>The tasks of a queue (the ready queue of <paramref name="priority"/> when <paramref name="owner"/> is null); described only when broken.</summary>
    private static IEnumerable<TaskObject> Walk(Kernel k, int head, int tail, KernelObject? owner, int priority, List<string> v)
    {
        var what = new Lazy<string>(() => owner is null ? $"ready queue {priority}" : $"{owner.Type} {owner.Ref}");
        var prev = -1;
        var steps = 0;
        for (var id = head; id >= 0; id = ((TaskObject)k.Objects[id]!).QueueNext)
        {
            if (k.Objects[id] is not TaskObject t || ++steps > k.Objects.Capacity)
            {
                v.Add($"{what.Value} is broken at {id}");
                yield break;
            }

            if (t.QueuePrev != prev)
            {
                v.Add($"{what.Value}: task {t.Ref} has prev {t.QueuePrev}, expected {prev}");
            }

            prev = id;
            yield return t;
        }

        if (prev != tail)
        {
            v.Add($"{what.Value}: tail is {tail} but the last task is {prev}");
        }
    }

    private static void CheckPageTables(Kernel k, List<string> v)
    {
        var mappings = new Dictionary<(int Task, ulong Va), Capability>();
        foreach (var (a, s) in AllSlots(k))
        {
            if (s.Cap.Type == ObjectType.Frame && k.Objects.Resolve<TaskObject>(s.Cap.MappedTask) is { } t)
            {
                if (!mappings.TryAdd((t.Id, s.Cap.MappedVa), s.Cap))
                {
                    v.Add($"two frame capabilities record a mapping at 0x{s.Cap.MappedVa:x} in {t.Ref}");
                }
            }
        }

        foreach (var t in k.Tasks)
        {
            var own = mappings.Where(m => m.Key.Task == t.Id).ToDictionary(m => m.Key.Va, m => m.Value);
            CheckAddressSpace(k, t, PageTables.Leaves(k.Memory, t.Pml4), PageTables.TablePages(k.Memory, t.Pml4), va => own.TryGetValue(va, out var c) ? c : null, own.Count, v);
        }
    }

    /// <summary>
    /// One address space: every present leaf is recorded by a frame capability (same frame, no more
    /// rights, user bit), as many leaves as recorded mappings, and its table pages are exactly the
    /// pages lent to it. <paramref name="recordedAt"/>: the frame capability recording a mapping at
    /// an address into it; <paramref name="recorded"/>: how many addresses such capabilities record.
    /// </summary>
    internal static void CheckAddressSpace(Kernel k, TaskObject t, IReadOnlyList<(ulong Va, ulong Entry)> leaves, IReadOnlyCollection<ulong> tables, Func<ulong, Capability?> recordedAt, int recorded, List<string> v)
    {
        foreach (var (va, entry) in leaves)
        {
            if (recordedAt(va) is not { } cap)
            {
                v.Add($"{t.Ref} maps 0x{va:x} without a frame capability recording it");
                continue;
            }

            var frame = k.Objects.Resolve<FrameObject>(cap.Object);
            if (frame is null || (entry & PageTables.AddressMask) != frame.Paddr)
            {
                v.Add($"{t.Ref} maps 0x{va:x} to 0x{entry & PageTables.AddressMask:x}, not to its frame");
            }

            if ((entry & PageTables.Writable) != 0 && (cap.Rights & Rights.Write) == 0)
            {
                v.Add($"{t.Ref} maps 0x{va:x} writable through a read-only frame capability");
            }

            if ((entry & PageTables.User) == 0)
            {
                v.Add($"{t.Ref} maps 0x{va:x} without the user bit");
            }
        }

        if (recorded != leaves.Count)
        {
            v.Add($"{t.Ref} has {leaves.Count} mapped pages but {recorded} frame capabilities record mappings into it");
        }

        if (!tables.ToHashSet().SetEquals(t.TablePagesView.Select(p => p.Paddr)))
        {
            v.Add($"{t.Ref}: its page tables are not exactly the pages lent to it");
        }
    }

    internal static void CheckGrants(Kernel k, List<string> v)
    {
        foreach (var g in k.Objects.All.OfType<GrantTableObject>().Where(g => g.IsLive))
        {
            if (k.Objects.Resolve<TaskObject>(g.Owner) is { } owner && owner.GrantTable != g.Ref)
            {
                v.Add($"grant table {g.Ref} names owner {owner.Ref}, which does not name it");
            }
        }

        foreach (var t in k.Tasks)
        {
            if (k.Objects.Resolve<GrantTableObject>(t.GrantTable) is { } g && g.Owner != t.Ref)
            {
                v.Add($"task {t.Ref} names grant table {g.Ref}, which names {g.Owner}");
            }
        }
    }
}
