using Verified.Kernel.Objects;

namespace Verified.Kernel.Checking;

/// <summary>
/// What the kernel touched since a reader last looked: every capability slot it reached for
/// writing (<see cref="Kernel"/>'s one slot accessor records each address, reads included, so the
/// set over-approximates the slots written), every object-table index whose object was written,
/// added, killed or removed (the logged fields' setters and <see cref="ObjectTable"/>: see
/// <see cref="KernelObject"/>), every address space whose page tables it wrote, and "everything"
/// after a restore replaced all structures.
/// <para>
/// Several readers may watch one kernel (the incremental consistency checker and the refinement
/// checker's abstraction, in the kernel tests both at once): each has its own log, with its own
/// sets and its own <see cref="Clear"/>, and the kernel's log passes every record on to the next
/// log in its chain (<see cref="Join"/>).
/// </para>
/// </summary>
public sealed class TouchLog
{
    private readonly HashSet<SlotAddress> slots = [];
    private readonly HashSet<int> addressSpaces = [];
    private readonly List<int> objects = [];
    private bool[] objectLogged = []; // per table index: in objects already
    private TouchLog? next; // the next reader's log: every record is passed on

    /// <summary>A log for <paramref name="reader"/> (who reads it: one consistency checker per kernel is enforced by it).</summary>
    public TouchLog(object? reader = null) => Reader = reader;

    /// <summary>Who reads this log (null: not said).</summary>
    public object? Reader { get; }

    /// <summary>Slots touched.</summary>
    public IReadOnlyCollection<SlotAddress> Slots => slots;

    /// <summary>Adds the slots touched to <paramref name="into"/> (no enumerator boxed: a reader does this every step).</summary>
    public void CopySlotsTo(HashSet<SlotAddress> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        foreach (var a in slots) into.Add(a);
    }

    /// <summary>Object-table indices whose object was written, added, killed or removed, each once, in the order first logged.</summary>
    public IReadOnlyList<int> Objects => objects;

    /// <summary>Tasks (table index) whose page tables were written.</summary>
    public IReadOnlyCollection<int> AddressSpaces => addressSpaces;

    /// <summary>True when every structure may have changed (a restore).</summary>
    public bool Everything { get; private set; }

    /// <summary>Records a slot as touched (the kernel's accessor; tests that plant a bug use it to make the bug reachable).</summary>
    public void Slot(SlotAddress a)
    {
        slots.Add(a);
        next?.Slot(a);
    }

    /// <summary>Records that the object at table index <paramref name="id"/> was written, added, killed or removed (a flag per index: the kernel logs objects on its hot paths).</summary>
    public void Object(int id)
    {
        if (id >= 0)
        {
            if (id >= objectLogged.Length) Array.Resize(ref objectLogged, Math.Max(id + 1, 2 * objectLogged.Length));
            if (!objectLogged[id])
            {
                objectLogged[id] = true;
                objects.Add(id);
            }
        }

        next?.Object(id);
    }

    /// <summary>Records that a task's page tables were written.</summary>
    public void AddressSpace(int task)
    {
        addressSpaces.Add(task);
        next?.AddressSpace(task);
    }

    /// <summary>Records that every structure may have changed.</summary>
    public void All()
    {
        Everything = true;
        next?.All();
    }

    /// <summary>Forgets everything recorded (this log's reader has looked; the other readers' logs keep theirs).</summary>
    public void Clear()
    {
        slots.Clear();
        addressSpaces.Clear();
        foreach (var id in objects) objectLogged[id] = false;
        objects.Clear();
        Everything = false;
    }

    /// <summary>This log and the ones after it in the chain.</summary>
    public IEnumerable<TouchLog> Chain()
    {
        for (var l = this; l is not null; l = l.next) yield return l;
    }

    /// <summary>True when <paramref name="kernel"/> passes its records to this log.</summary>
    public bool IsOn(Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        for (var l = kernel.Touched; l is not null; l = l.next)
            if (ReferenceEquals(l, this)) return true;
        return false;
    }

    /// <summary>Makes <paramref name="kernel"/> record into <paramref name="log"/> too (at the end of its chain); it records nothing it did before.</summary>
    public static void Join(Kernel kernel, TouchLog log)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(log);
        if (log.next is not null || log.IsOn(kernel)) throw new InvalidOperationException("TouchLog.Join: the log is already in a chain; a log records for one reader of one kernel");
        if (kernel.Touched is not { } l)
        {
            kernel.Touched = log;
            return;
        }

        while (l.next is not null) l = l.next;
        l.next = log;
    }

    /// <summary>Stops <paramref name="kernel"/> recording into <paramref name="log"/>; a log the kernel does not record into is cut from its old chain.</summary>
    public static void Leave(Kernel kernel, TouchLog log)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(log);
        if (ReferenceEquals(kernel.Touched, log))
        {
            kernel.Touched = log.next;
            log.next = null;
            return;
        }

        for (var l = kernel.Touched; l is not null; l = l.next)
        {
            if (!ReferenceEquals(l.next, log)) continue;
            l.next = log.next;
            log.next = null;
            return;
        }

        log.next = null; // not on the kernel (its log was replaced): the old link reaches nothing the kernel records into
    }
}
