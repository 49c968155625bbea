using Verified.Kernel.Memory;
using Verified.Machine;

namespace Verified.Kernel.Run;

/// <summary>The machine's physical memory as the kernel sees it.</summary>
public sealed class MachineMemory(PhysicalMemory memory) : IPhysicalMemory
{
    /// <summary>The machine's memory.</summary>
    public PhysicalMemory Inner { get; } = memory ?? throw new ArgumentNullException(nameof(memory));

    /// <inheritdoc/>
    public ulong Size => Inner.Size;

    /// <inheritdoc/>
    public void Read(ulong paddr, Span<byte> destination) => Inner.Read(paddr, destination);

    /// <inheritdoc/>
    public void Write(ulong paddr, ReadOnlySpan<byte> source) => Inner.Write(paddr, source);

    /// <inheritdoc/>
    public ulong ReadUInt64(ulong paddr) => Inner.ReadUInt64(paddr);

    /// <inheritdoc/>
    public void WriteUInt64(ulong paddr, ulong value) => Inner.WriteUInt64(paddr, value);

    /// <inheritdoc/>
    public void Clear(ulong paddr, ulong length) => Inner.Clear(paddr, length);
}
