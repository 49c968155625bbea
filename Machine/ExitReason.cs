using System.Collections.Immutable;

namespace Verified.Machine;

/// <summary>Why <see cref="Cpu.Run"/> returned. A closed sum: match on the three cases.</summary>
public abstract record ExitReason
{
    private ExitReason()
    {
    }

    /// <summary>`syscall` executed: RIP is past it, RCX holds the return RIP and R11 the RFLAGS, as on hardware.</summary>
    public sealed record Syscall : ExitReason;

    /// <summary>
    /// A fault or trap. Faults are precise: RIP is the faulting instruction (for #BP, the address after
    /// int3, as hardware does). FaultAddress is CR2 for #PF, else 0. Bytes holds up to 15 instruction
    /// bytes at RIP when they are readable (for error messages), else it is empty.
    /// </summary>
    public sealed record Exception(Vector Vector, ulong ErrorCode, ulong FaultAddress, ImmutableArray<byte> Bytes) : ExitReason
    {
        public bool Equals(Exception? other) =>
            other is not null && Vector == other.Vector && ErrorCode == other.ErrorCode
            && FaultAddress == other.FaultAddress && Bytes.AsSpan().SequenceEqual(other.Bytes.AsSpan());

        public override int GetHashCode() => HashCode.Combine(Vector, ErrorCode, FaultAddress, Bytes.Length);

        /// <summary>One line for humans: vector, error code, CR2 and the bytes.</summary>
        public override string ToString()
        {
            var bytes = Bytes.IsDefaultOrEmpty ? "unreadable" : Convert.ToHexString(Bytes.AsSpan()).ToLowerInvariant();
            return Vector == Vector.PF
                ? $"#PF error {ErrorCode:x} at address 0x{FaultAddress:x} (bytes {bytes})"
                : $"#{Vector} error {ErrorCode:x} (bytes {bytes})";
        }
    }

    /// <summary>The instruction budget ran out (the kernel's preemption point).</summary>
    public sealed record BudgetExhausted : ExitReason;
}
