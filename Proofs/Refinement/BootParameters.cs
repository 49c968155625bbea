using Verified.Kernel.Boot;
using Verified.Kernel.Memory;

namespace Verified.Proofs.Refinement;

/// <summary>How the checked kernel was booted (CPU-less, empty root image), so a replay boots the same one.</summary>
public sealed record BootParameters(ulong MemoryBytes, int CNodeBits)
{
    public static BootParameters Default { get; } = new(4 << 20, 8);

    public BootResult BootKernel()
    {
        if (!Genesis.TryBoot(new ArrayPhysicalMemory(MemoryBytes), BootImage.Empty, [], CNodeBits, out var result, out var error))
        {
            throw new InvalidOperationException($"BootParameters: boot failed: {error?.Reason}");
        }

        return result!;
    }
}
