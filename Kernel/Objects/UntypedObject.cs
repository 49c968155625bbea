using Verified.Kernel.Abi;

namespace Verified.Kernel.Objects;

/// <summary>
/// Untyped memory [Paddr, Paddr + 2^SizeBits). Retype carves children at the watermark, aligned
/// to their size, so children are disjoint and contained (spec: cap.retype). A retype when no
/// child is alive (<see cref="LiveChildren"/> counts child objects not yet released, including
/// page-table pages lent to address spaces) starts again at 0 (<see cref="Kernel.FreeOffset"/>).
/// </summary>
public sealed class UntypedObject : KernelObject
{
    /// <inheritdoc/>
    public override ObjectType Type => ObjectType.Untyped;

    private ulong watermark;

    /// <summary>Offset of the first free byte (logged: <see cref="KernelObject"/>).</summary>
    public ulong Watermark { get => watermark; internal set { watermark = value; Touch(); } }

    /// <summary>Children (objects and page-table pages) still holding memory.</summary>
    public int LiveChildren { get; internal set; }

    /// <summary>Size in bytes.</summary>
    public ulong Size => 1UL << SizeBits;

    /// <inheritdoc/>
    public override KernelObject Clone() => CopyBaseInto(new UntypedObject { Watermark = Watermark, LiveChildren = LiveChildren });

    internal override void Fingerprint(ref Fingerprinter f)
    {
        base.Fingerprint(ref f); f.Add(Watermark); f.Add((ulong)LiveChildren);
    }
}

/// <summary>A 4 KiB page of physical memory.</summary>
public sealed class FrameObject : KernelObject
{
    /// <inheritdoc/>
    public override ObjectType Type => ObjectType.Frame;

    /// <inheritdoc/>
    public override KernelObject Clone() => CopyBaseInto(new FrameObject());
}

/// <summary>The console device: bytes written to it are collected by the kernel's host.</summary>
public sealed class ConsoleObject : KernelObject
{
    /// <inheritdoc/>
    public override ObjectType Type => ObjectType.Console;

    /// <inheritdoc/>
    public override KernelObject Clone() => CopyBaseInto(new ConsoleObject());
}
