using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;

namespace Verified.Kernel.Checking;

/// <summary>
/// The fields of one object that the consistency checks read (the object instance itself too, so
/// that a replaced object is seen). Two equal summaries mean the checks reading only these fields
/// give the same answer. Type-specific fields are packed into <see cref="A"/>..<see cref="F"/>.
/// </summary>
internal readonly record struct ObjectSummary(KernelObject? Instance, uint Generation, bool IsLive, ulong Paddr, int SizeBits, int ParentUntyped, int CapCount, ulong A, ulong B, ulong C, ulong D, ulong E, ulong F)
{
    public static ObjectSummary Of(KernelObject? o)
    {
        ulong a = 0, b = 0, c = 0, d = 0, e = 0, f = 0;
        switch (o)
        {
            case null:
                return default;
            case TaskObject t:
                a = (ulong)t.State | ((ulong)(uint)t.Priority << 8) | (t.InFlightSlot.Cap.IsNull ? 0UL : 1UL << 40);
                b = t.BlockedOn.Packed;
                c = (uint)t.QueueNext | ((ulong)(uint)t.QueuePrev << 32);
                d = t.ReplyTo.Packed;
                e = t.GrantTable.Packed;
                f = TablesHash(t);
                break;
            case EndpointObject ep:
                a = (uint)ep.Head | ((ulong)(uint)ep.Tail << 32);
                break;
            case NotificationObject n:
                a = (uint)n.Head | ((ulong)(uint)n.Tail << 32);
                b = n.Word;
                break;
            case UntypedObject u:
                a = u.Watermark;
                b = (ulong)u.LiveChildren;
                break;
            case GrantTableObject g:
                a = g.Owner.Packed;
                break;
            default:
                break;
        }

        return new(o, o.Generation, o.IsLive, o.Paddr, o.SizeBits, o.ParentUntyped, o.CapCount, a, b, c, d, e, f);
    }

    /// <summary>The object came, went, or was replaced (references to it resolve differently).</summary>
    public bool LifeDiffers(in ObjectSummary other) => !ReferenceEquals(Instance, other.Instance) || Generation != other.Generation || IsLive != other.IsLive;

    /// <summary>A field the memory check reads differs: placement, parent, a task's lent tables, an untyped's watermark or children.</summary>
    public bool MemoryDiffers(in ObjectSummary other) =>
        !ReferenceEquals(Instance, other.Instance) || Paddr != other.Paddr || SizeBits != other.SizeBits || ParentUntyped != other.ParentUntyped
        || (Instance is TaskObject && F != other.F) || (Instance is UntypedObject && (A != other.A || B != other.B));

    /// <summary>A field other than the capability count differs (the queue and grant checks read all the others).</summary>
    public bool StateDiffers(in ObjectSummary other) => this with { CapCount = 0 } != other with { CapCount = 0 };

    /// <summary>Whether the object's address space (its PML4 and the table pages lent to it) may differ.</summary>
    public bool SameAddressSpace(in ObjectSummary other) =>
        ReferenceEquals(Instance, other.Instance) && Generation == other.Generation && IsLive == other.IsLive && Paddr == other.Paddr && F == other.F;

    private static ulong TablesHash(TaskObject t)
    {
        var h = (ulong)t.TablePagesView.Count;
        foreach (var (p, u) in t.TablePagesView)
        {
            h = (h ^ p ^ ((ulong)(uint)u << 48)) * 0x9E37_79B9_7F4A_7C15;
        }

        return h;
    }
}

/// <summary>A task's page tables as walked: its present leaves and its table pages.</summary>
internal sealed record AddressSpaceWalk(List<(ulong Va, ulong Entry)> Leaves, List<ulong> Tables)
{
    public static AddressSpaceWalk Of(Kernel k, TaskObject t) => new(PageTables.Leaves(k.Memory, t.Pml4), PageTables.TablePages(k.Memory, t.Pml4));
}

/// <summary>
/// What the <see cref="IncrementalChecker"/> remembers between steps, and how to build it from
/// scratch. The cross-check compares the remembered caches with freshly built ones, which catches a
/// kernel write the touch log missed (and so an incremental shortcut that would have gone wrong).
/// </summary>
internal sealed class CheckerCaches
{
    /// <summary>The object table the caches describe (a restore replaces it).</summary>
    public ObjectTable? Table { get; set; }

    /// <summary>Per object index.</summary>
    public List<ObjectSummary> Summaries { get; } = [];

    /// <summary>Every slot that is not empty and unlinked.</summary>
    public Dictionary<SlotAddress, CapSlot> Shadow { get; } = [];

    /// <summary>Number of slots holding a capability.</summary>
    public int NonNull { get; set; }

    /// <summary>Capabilities naming each object reference (whatever its state).</summary>
    public Dictionary<ObjectRef, int> CapsByObject { get; } = [];

    /// <summary>Frame capabilities recording a mapping: by the task reference, then by address.</summary>
    public Dictionary<ObjectRef, Dictionary<ulong, List<Capability>>> Mappings { get; } = [];

    /// <summary>Page-table walk of each live task, by table index.</summary>
    public Dictionary<int, AddressSpaceWalk> Walks { get; } = [];

    /// <summary>Head of the derivation list.</summary>
    public SlotAddress Head { get; set; } = SlotAddress.None;

    /// <summary>Ready queue heads then tails.</summary>
    public int[] Ready { get; } = new int[2 * (AbiConstants.MaxPriority + 1)];

    /// <summary>Builds every cache by walking the whole kernel.</summary>
    public static CheckerCaches Build(Kernel k)
    {
        var c = new CheckerCaches { Table = k.Objects, Head = k.MdbHead };
        for (var id = 0; id < k.Objects.Capacity; id++)
        {
            var o = k.Objects[id];
            c.Summaries.Add(ObjectSummary.Of(o));
            if (o is TaskObject { IsLive: true } t)
            {
                c.Walks[id] = AddressSpaceWalk.Of(k, t);
            }
        }

        foreach (var (a, s) in ConsistencyChecker.AllSlots(k))
        {
            c.Apply(a, CapSlot.Empty, s);
        }

        c.ReadReady(k);
        return c;
    }

    /// <summary>Reads the ready queue heads and tails; true when they differ from the cached ones.</summary>
    public bool ReadReady(Kernel k)
    {
        var changed = false;
        for (var p = 0; p <= AbiConstants.MaxPriority; p++)
        {
            changed |= Set(ref Ready[2 * p], k.ReadyHead(p)) | Set(ref Ready[(2 * p) + 1], k.ReadyTail(p));
        }

        return changed;

        static bool Set(ref int cached, int now)
        {
            var differs = cached != now;
            cached = now;
            return differs;
        }
    }

    /// <summary>Replaces a slot's cached content (<paramref name="was"/>) by <paramref name="now"/>, keeping the counts and the mapping index.</summary>
    public void Apply(SlotAddress a, in CapSlot was, in CapSlot now)
    {
        if (!was.Cap.IsNull)
        {
            NonNull--;
            CapsByObject[was.Cap.Object] = CapsByObject.GetValueOrDefault(was.Cap.Object) - 1;
            if (was.Cap.Type == ObjectType.Frame && was.Cap.IsMapped && Mappings.TryGetValue(was.Cap.MappedTask, out var byVa) && byVa.TryGetValue(was.Cap.MappedVa, out var caps))
            {
                caps.Remove(was.Cap);
                if (caps.Count == 0)
                {
                    byVa.Remove(was.Cap.MappedVa);
                }
            }
        }

        if (!now.Cap.IsNull)
        {
            NonNull++;
            CapsByObject[now.Cap.Object] = CapsByObject.GetValueOrDefault(now.Cap.Object) + 1;
            if (now.Cap.Type == ObjectType.Frame && now.Cap.IsMapped)
            {
                if (!Mappings.TryGetValue(now.Cap.MappedTask, out var byVa))
                {
                    Mappings[now.Cap.MappedTask] = byVa = [];
                }

                if (!byVa.TryGetValue(now.Cap.MappedVa, out var caps))
                {
                    byVa[now.Cap.MappedVa] = caps = [];
                }

                caps.Add(now.Cap);
            }
        }

        if (IsBlank(now))
        {
            Shadow.Remove(a);
        }
        else
        {
            Shadow[a] = now;
        }
    }

    /// <summary>The cached content of a slot.</summary>
    public CapSlot Cached(SlotAddress a) => Shadow.TryGetValue(a, out var s) ? s : CapSlot.Empty;

    /// <summary>Equal slot contents.</summary>
    public static bool Same(in CapSlot x, in CapSlot y) => x.Cap == y.Cap && x.Prev == y.Prev && x.Next == y.Next && x.Depth == y.Depth;

    /// <summary>Every way these caches differ from <paramref name="fresh"/> (built from scratch), at most a few per kind.</summary>
    public IEnumerable<string> Differences(CheckerCaches fresh)
    {
        if (Head != fresh.Head)
        {
            yield return $"derivation list head cached as {Head} but is {fresh.Head}";
        }

        if (NonNull != fresh.NonNull)
        {
            yield return $"{NonNull} non-empty slots cached but {fresh.NonNull} exist";
        }

        foreach (var a in Shadow.Keys.Union(fresh.Shadow.Keys).Where(a => !Same(Cached(a), fresh.Cached(a))).Take(5))
        {
            yield return $"{a} cached as {Describe(Cached(a))} but holds {Describe(fresh.Cached(a))} (a write the touch log missed)";
        }

        foreach (var r in CapsByObject.Keys.Union(fresh.CapsByObject.Keys).Where(r => CapsByObject.GetValueOrDefault(r) != fresh.CapsByObject.GetValueOrDefault(r)).Take(5))
        {
            yield return $"{CapsByObject.GetValueOrDefault(r)} capabilities to {r} cached but {fresh.CapsByObject.GetValueOrDefault(r)} exist";
        }

        for (var id = 0; id < Math.Max(Summaries.Count, fresh.Summaries.Count); id++)
        {
            var mine = id < Summaries.Count ? Summaries[id] : default;
            var theirs = id < fresh.Summaries.Count ? fresh.Summaries[id] : default;
            if (mine != theirs)
            {
                yield return $"object {id} cached as {mine} but is {theirs}";
            }
        }

        foreach (var id in Walks.Keys.Union(fresh.Walks.Keys))
        {
            var mine = Walks.GetValueOrDefault(id);
            var theirs = fresh.Walks.GetValueOrDefault(id);
            if (mine is null || theirs is null || !mine.Leaves.SequenceEqual(theirs.Leaves) || !mine.Tables.SequenceEqual(theirs.Tables))
            {
                yield return $"page tables of task {id} cached with {mine?.Leaves.Count.ToString() ?? "no"} leaves but walk to {theirs?.Leaves.Count.ToString() ?? "none"} (a page-table write the touch log missed)";
            }
        }

        if (!Ready.SequenceEqual(fresh.Ready))
        {
            yield return "ready queues cached differ from the kernel's";
        }

        foreach (var task in Mappings.Keys.Union(fresh.Mappings.Keys))
        {
            var mine = Mappings.GetValueOrDefault(task) ?? [];
            var theirs = fresh.Mappings.GetValueOrDefault(task) ?? [];
            if (mine.Count != theirs.Count || mine.Any(m => !theirs.TryGetValue(m.Key, out var t) || !t.ToHashSet().SetEquals(m.Value)))
            {
                yield return $"mappings recorded into {task} cached differ from the frame capabilities";
            }
        }
    }

    private static bool IsBlank(in CapSlot s) => s.Cap.IsNull && !s.Prev.IsSome && !s.Next.IsSome && s.Depth == 0;

    private static string Describe(in CapSlot s) => s.Cap.IsNull && !s.Prev.IsSome && !s.Next.IsSome ? "empty" : $"{s.Cap.Type} {s.Cap.Object} prev {s.Prev} next {s.Next} depth {s.Depth}";
}
