using System.Runtime.InteropServices;
using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Objects;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The raw kernel data the abstraction reads, as words: every object-table entry (liveness, type,
/// generation, place, parent untyped, the untyped watermark, whether the task is inactive, its fault endpoint and
/// grant table, the grant table's owner, whether it resolves, and every entry) with the table's generation at its
/// index, and every derivation-list slot in order (address, depth, capability). Two equal images
/// abstract to the same state (with the same capability identities): <see cref="Abstraction.Collect"/>
/// reads nothing else. Comparing words is far cheaper than building and comparing the abstract
/// maps, so <see cref="AbstractionCache"/> returns its last state when the image is unchanged —
/// the common case for the pre-state, which the last post-state already read. Exact equality,
/// not a hash: a change the abstraction could see always changes the image. Grant entries and
/// capabilities are kept whole and compared as bytes (equal bytes are equal fields; padding that
/// differs only makes a spurious difference, which costs a re-read), so a field added to them
/// later is covered without a change here. Plain arrays filled by index: this runs twice per
/// syscall, and list appends were most of its time.
/// </summary>
internal sealed class KernelImage
{
    // Empty until the first capture sizes them (most checkers live a few dozen syscalls, and each has two images).
    private ulong[] words = [];
    private GrantEntry[] grants = [];
    private Capability[] caps = [];
    private Instance[] instances = []; // per table index: the object captured (another instance: its slots were replaced with it)
    private int[] objectStart = []; // per table index: where its words start (one more: where the slots start)
    private int[] grantStart = []; // per table index: where its grant entries start (one more: the end)
    private int wordCount, grantCount, capCount, capacity;

    // The most words one object-table entry takes (see Capture).
    private const int MaxObjectWords = 12;

    /// <summary>Test-only: leave the capabilities' contents out (a wrong image for the cross-check tests to catch).</summary>
    public bool PlantMissCapabilities { get; set; }

    /// <summary>
    /// Captures the kernel with <paramref name="occupied"/> as its derivation list (<see cref="Abstraction.OccupiedSlots"/>),
    /// or, when that is null, walks the list itself into <paramref name="walked"/> (one slot read per
    /// slot instead of two: the pre-state's capture, every syscall).
    /// </summary>
    public void Capture(KernelImpl kernel, IReadOnlyList<SlotAddress>? occupied, List<SlotAddress>? walked, long idsVersion)
    {
        var table = kernel.Objects;
        capacity = table.Capacity;
        var slots = occupied?.Count ?? Math.Max(walked?.Count ?? throw new ArgumentNullException(nameof(walked)), 64); // when walking, a guess: the last list's length (AddSlot grows)
        Grow(ref words, 2 + capacity * MaxObjectWords + 1 + 2 * slots);
        Grow(ref objectStart, capacity + 1);
        Grow(ref grantStart, capacity + 1);
        Grow(ref caps, slots);
        Grow(ref instances, capacity);
        var w = words; // not grown before the slots
        var n = 0;
        grantCount = 0;
        var bound = 0; // Abstraction.SlotBound, summed here rather than by another pass over the table
        w[n++] = (ulong)idsVersion;
        w[n++] = (ulong)capacity;
        for (var id = 0; id < capacity; id++)
        {
            objectStart[id] = n;
            grantStart[id] = grantCount;
            w[n++] = table.GenerationAt(id);
            instances[id] = new Instance(table[id]);
            if (table[id] is not { } o)
            {
                w[n++] = 0;
                continue;
            }

            w[n++] = o.IsLive ? 3UL : 1UL;
            w[n++] = (ulong)o.Type;
            w[n++] = o.Generation;
            w[n++] = o.Paddr;
            w[n++] = (ulong)o.SizeBits;
            w[n++] = (ulong)o.ParentUntyped;
            switch (o)
            {
                case UntypedObject u:
                    w[n++] = u.Watermark;
                    break;
                case TaskObject t:
                    // Only whether the task is inactive: the abstraction reads nothing more of the
                    // state (TaskState is Inactive or Runnable), and the scheduler moves tasks between
                    // ready and blocked in most IPC steps, which would re-read them for nothing.
                    w[n++] = t.State == TaskState.Inactive ? 0UL : 1UL;
                    bound++;
                    w[n++] = Word(t.FaultEndpoint);
                    w[n++] = Word(t.GrantTable);
                    break;
                case GrantTableObject g:
                    w[n++] = Word(g.Owner);
                    // Whether the owner resolves (a live task of that generation): the grants' keys
                    // name it, so the table's words alone decide its grant entries.
                    w[n++] = table.Resolve<TaskObject>(g.Owner) is null ? 0UL : 1UL;
                    var view = g.View;
                    w[n++] = (ulong)view.Length;
                    if (grants.Length < grantCount + view.Length) Array.Resize(ref grants, Math.Max(grantCount + view.Length, 2 * grants.Length));
                    view.CopyTo(grants.AsSpan(grantCount));
                    grantCount += view.Length;
                    break;
                case CNodeObject c:
                    bound += c.View.Length;
                    break;
                default:
                    break;
            }
        }

        objectStart[capacity] = n;
        grantStart[capacity] = grantCount;
        capCount = 0;
        var countAt = n++;
        if (occupied is not null)
        {
            foreach (var a in occupied) n = AddSlot(kernel, a, kernel.SlotAt(a), n);
            words[countAt] = (ulong)occupied.Count;
        }
        else
        {
            // Abstraction.OccupiedSlots's walk, from the head along Next; a walk longer than there
            // are slots is cyclic (only a planted fault makes one): then that method's list.
            walked!.Clear();
            for (var a = kernel.MdbHead; a.IsSome; )
            {
                if (walked.Count == bound)
                {
                    Abstraction.OccupiedSlots(kernel, walked);
                    (n, capCount) = (countAt + 1, 0);
                    foreach (var c in walked) n = AddSlot(kernel, c, kernel.SlotAt(c), n);
                    break;
                }

                var s = kernel.SlotAt(a);
                walked.Add(a);
                n = AddSlot(kernel, a, s, n);
                a = s.Next;
            }

            words[countAt] = (ulong)walked.Count;
        }

        wordCount = n;
    }

    private int AddSlot(KernelImpl kernel, SlotAddress a, in CapSlot s, int n)
    {
        if (n + 2 > words.Length) Array.Resize(ref words, 2 * words.Length);
        if (capCount == caps.Length) Array.Resize(ref caps, 2 * caps.Length + 16);
        words[n++] = ((ulong)(uint)a.Object << 32) | (uint)a.Index;
        if (PlantMissCapabilities) return n;
        words[n++] = (ulong)s.Depth;
        caps[capCount++] = s.Cap;
        return n;
    }

    // Room for length items; the old contents are not kept (called before an array is filled).
    private static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length) array = new T[Math.Max(length, 2 * array.Length)];
    }

    /// <summary>Records the identities' version after the abstraction read (it may have named new slots).</summary>
    public void SetIdsVersion(long idsVersion)
    {
        if (wordCount > 0) words[0] = (ulong)idsVersion;
    }

    private ReadOnlySpan<ulong> Words => words.AsSpan(0, wordCount);

    private ReadOnlySpan<byte> Grants(int from, int to) => MemoryMarshal.AsBytes(grants.AsSpan(from, to - from));

    private ReadOnlySpan<byte> Caps => MemoryMarshal.AsBytes(caps.AsSpan(0, capCount));

    public bool SameAs(KernelImage other) =>
        Words.SequenceEqual(other.Words) && Grants(0, grantCount).SequenceEqual(other.Grants(0, other.grantCount)) && Caps.SequenceEqual(other.Caps);

    /// <summary>A copy (kept while this image is refilled).</summary>
    public KernelImage Clone() => new()
    {
        words = words.AsSpan(0, wordCount).ToArray(),
        grants = grants.AsSpan(0, grantCount).ToArray(),
        caps = caps.AsSpan(0, capCount).ToArray(),
        instances = instances.AsSpan(0, capacity).ToArray(),
        objectStart = objectStart.AsSpan(0, capacity + 1).ToArray(),
        grantStart = grantStart.AsSpan(0, capacity + 1).ToArray(),
        wordCount = wordCount,
        grantCount = grantCount,
        capCount = capCount,
        capacity = capacity,
    };

    /// <summary>The number of object-table indices captured.</summary>
    public int Capacity => capacity;

    /// <summary>
    /// True when every table index captured the same words, grant entries and object instance as
    /// in <paramref name="before"/> (<see cref="ChangedObjects"/> would add none): one comparison of
    /// the whole object section, the common case for a pre-state.
    /// </summary>
    public bool ObjectsSame(KernelImage before)
    {
        if (capacity != before.capacity || objectStart[capacity] != before.objectStart[capacity]) return false;
        if (!words.AsSpan(1, objectStart[capacity] - 1).SequenceEqual(before.words.AsSpan(1, objectStart[capacity] - 1))) return false;
        if (!Grants(0, grantCount).SequenceEqual(before.Grants(0, before.grantCount))) return false;
        for (var id = 0; id < capacity; id++)
            if (!ReferenceEquals(instances[id].Object, before.instances[id].Object)) return false;
        return true;
    }

    /// <summary>The object captured at <paramref name="id"/> (null: none, or beyond the table).</summary>
    public KernelObject? InstanceAt(int id) => id < capacity ? instances[id].Object : null;

    /// <summary>
    /// Adds to <paramref name="into"/> every table index whose captured words or grant entries
    /// differ from <paramref name="before"/>'s, or that holds another object instance (an index
    /// only one of them has counts as differing): the indices whose object-keyed abstract entries
    /// may differ, and those whose slots may have been replaced.
    /// </summary>
    public void ChangedObjects(KernelImage before, List<int> into)
    {
        var w = words;
        var bw = before.words;
        for (var id = 0; id < Math.Max(Capacity, before.Capacity); id++)
        {
            if (id >= Capacity || id >= before.Capacity || !ReferenceEquals(instances[id].Object, before.instances[id].Object)
                || !w.AsSpan(objectStart[id], objectStart[id + 1] - objectStart[id]).SequenceEqual(bw.AsSpan(before.objectStart[id], before.objectStart[id + 1] - before.objectStart[id]))
                || !Grants(grantStart[id], grantStart[id + 1]).SequenceEqual(before.Grants(before.grantStart[id], before.grantStart[id + 1])))
            {
                into.Add(id);
            }
        }
    }

    /// <summary>The type of the object captured at <paramref name="id"/>, or null when the index was empty or beyond the table.</summary>
    public ObjectType? TypeAt(int id) => id < Capacity && words[objectStart[id] + 1] != 0 ? (ObjectType)words[objectStart[id] + 2] : null;

    // A struct around the reference: storing a reference of an abstract class into an array of it
    // is type-checked on every store, most of the capture's extra cost.
    private readonly record struct Instance(KernelObject? Object);

    private static ulong Word(ObjectRef r) => ((ulong)(uint)r.Id << 32) | r.Generation;
}
