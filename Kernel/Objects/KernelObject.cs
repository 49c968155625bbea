using Verified.Kernel.Abi;

namespace Verified.Kernel.Objects;

/// <summary>
/// The common part of every kernel object. Objects refer to each other only by <see cref="ObjectRef"/>
/// or table index, never by C# pointers, so that a snapshot is a copy of each object.
/// </summary>
public abstract class KernelObject
{
    /// <summary>Index in the object table.</summary>
    public int Id { get; internal set; }

    /// <summary>Current generation; bumped when the object is finalised.</summary>
    public uint Generation { get; internal set; }

    /// <summary>False once finalised (a zombie untyped may linger until its children are gone).</summary>
    public bool IsLive { get; internal set; }

    /// <summary>The object type.</summary>
    public abstract ObjectType Type { get; }

    /// <summary>Physical base address of the memory the object occupies.</summary>
    public ulong Paddr { get; internal set; }

    /// <summary>log2 of the memory the object occupies.</summary>
    public int SizeBits { get; internal set; }

    /// <summary>The untyped it was retyped from (table index), or -1 for objects made at boot from nothing.</summary>
    public int ParentUntyped { get; internal set; } = -1;

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
