using Verified.Kernel.Abi;

namespace Verified.Kernel.Objects;

/// <summary>
/// The common part of every kernel object. Objects refer to each other only by <see cref="ObjectRef"/>
/// or table index, never by C# pointers, so that a snapshot is a copy of each object.
/// <para>
/// The fields a reader of the kernel's touch log keeps a copy of (the refinement checker's
/// abstraction: liveness, generation, place, size, parent, and the subclasses' watermark, task
/// state, fault endpoint, grant table, grant owner and grant entries) have setters that log the
/// object's index (<see cref="Checking.TouchLog.Object"/>) once it is in a kernel's table: a
/// write that skips the log does not compile, as slots are reached only through Kernel.Slot.
/// </para>
/// </summary>
public abstract class KernelObject
{
    private uint generation;
    private bool isLive;
    private ulong paddr;
    private int sizeBits;
    private int parentUntyped = -1;

    /// <summary>Index in the object table.</summary>
    public int Id { get; internal set; }

    /// <summary>The table holding the object (null until added, and in a snapshot's copy: only a kernel's table logs).</summary>
    internal ObjectTable? Table { get; set; }

    /// <summary>Current generation; bumped when the object is finalised.</summary>
    public uint Generation { get => generation; internal set { generation = value; Touch(); } }

    /// <summary>False once finalised (a zombie untyped may linger until its children are gone).</summary>
    public bool IsLive { get => isLive; internal set { isLive = value; Touch(); } }

    /// <summary>The object type.</summary>
    public abstract ObjectType Type { get; }

    /// <summary>Physical base address of the memory the object occupies.</summary>
    public ulong Paddr { get => paddr; internal set { paddr = value; Touch(); } }

    /// <summary>log2 of the memory the object occupies.</summary>
    public int SizeBits { get => sizeBits; internal set { sizeBits = value; Touch(); } }

    /// <summary>The untyped it was retyped from (table index), or -1 for objects made at boot from nothing.</summary>
    public int ParentUntyped { get => parentUntyped; internal set { parentUntyped = value; Touch(); } }

    /// <summary>Records in the kernel's touch log that this object was written (the setters of the logged fields call it).</summary>
    private protected void Touch() => Table?.Touched(Id);

    /// <summary>Number of capabilities of the current generation that refer to this object.</summary>
    public int CapCount { get; internal set; }

    /// <summary>A reference to the object as it is now.</summary>
    public ObjectRef Ref => new(Id, Generation);

    /// <summary>A deep copy (for snapshots).</summary>
    public abstract KernelObject Clone();

    /// <summary>Adds the object's state to a fingerprint.</summary>
    internal virtual void Fingerprint(ref Fingerprinter f)
    {
        f.Add((ulong)Id); f.Add(Generation); f.Add(IsLive ? 1UL : 0); f.Add((ulong)Type); f.Add(Paddr);
        f.Add((ulong)SizeBits); f.Add((ulong)(long)ParentUntyped); f.Add((ulong)CapCount);
    }

    /// <summary>Copies the common fields into a clone.</summary>
    protected T CopyBaseInto<T>(T clone)
        where T : KernelObject
    {
        ArgumentNullException.ThrowIfNull(clone);
        clone.Id = Id; clone.Generation = Generation; clone.IsLive = IsLive; clone.Paddr = Paddr;
        clone.SizeBits = SizeBits; clone.ParentUntyped = ParentUntyped; clone.CapCount = CapCount;
        return clone;
    }
}
