using Verified.Kernel.Boot;
using Verified.Kernel.Memory;

namespace Verified.Proofs.Refinement;

/// <summary>How the checked kernel was booted (CPU-less, empty root image), so a replay boots the same one.</summary>
public sealed record BootParameters(ulong MemoryBytes, int CNodeBits)
{
    public static BootParameters Default { get; } = new(4 << 20, 8);

    /// <summary>The root CNode size bits Genesis accepts.</summary>
    public const int MinCNodeBits = 6;

    /// <inheritdoc cref="MinCNodeBits"/>
    public const int MaxCNodeBits = 16;

    /// <summary>The most memory a replay boots (that of `verified boot`).</summary>
    public const ulong MaxMemoryBytes = 1UL << 30;

    public BootResult BootKernel() =>
        TryBootKernel(out var result, out var error) ? result! : throw new InvalidOperationException($"BootParameters: boot failed: {error}");

    /// <summary>
    /// Boots, with parameters that may come from a trace file: an out-of-range setting, or memory
    /// too small for the boot objects, is an error message, not an exception.
    /// </summary>
    public bool TryBootKernel(out BootResult? result, out string? error)
    {
        result = null;
        error = MemoryBytes is 0 or > MaxMemoryBytes || MemoryBytes % 4096 != 0
            ? $"memoryBytes must be a whole number of 4096-byte pages up to {MaxMemoryBytes} bytes, not {MemoryBytes}"
            : CNodeBits is < MinCNodeBits or > MaxCNodeBits ? $"cnodeBits must be {MinCNodeBits} to {MaxCNodeBits}, not {CNodeBits}"
            : null;
        if (error is not null) return false;
        if (!Genesis.TryBoot(new ArrayPhysicalMemory(MemoryBytes), BootImage.Empty, [], CNodeBits, out result, out var bootError))
        {
            error = $"the kernel does not boot with memoryBytes {MemoryBytes} and cnodeBits {CNodeBits}: {bootError!.Reason}";
            return false;
        }

        return true;
    }
}
