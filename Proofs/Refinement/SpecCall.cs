using System.Collections.Immutable;
using Verified.Kernel.Objects;
using Verified.Spec;

namespace Verified.Proofs.Refinement;

/// <summary>What the checker does with one kernel syscall (decided on the pre-state).</summary>
public abstract record SpecCall
{
    /// <summary>One spec operation with these argument values; <see cref="Moved"/> says how capability ids travel.</summary>
    public sealed record Single(string Operation, ImmutableDictionary<string, Value> Args, (SlotAddress From, SlotAddress To)? Moved) : SpecCall;

    /// <summary>Revoke: a sequence of cap.revoke_step, then RevokeDone.</summary>
    public sealed record Revoke(Value Slot, SlotAddress KernelSlot) : SpecCall;

    /// <summary>Safecopy: the spec's access decision, and no state change.</summary>
    public sealed record Safecopy(Value Caller, Value Granter, Value Index, Value Gen, Value Addr, Value Len, Value Access) : SpecCall;

    /// <summary>
    /// Task destroy (or exit, with no capability): the capability in <see cref="CapSlot"/> must pass the kernel's
    /// lookup (a live, current Task capability with the write right); then task.destroy of its
    /// object and one cap.delete per capability the kernel deleted, leaves first.
    /// </summary>
    public sealed record Destroy(Value? CapSlot, Value? Task) : SpecCall;

    /// <summary>The spec has no transition for this syscall: reported, invariants still checked on the post-state.</summary>
    public sealed record Unmodelled(string Syscall, string Reason) : SpecCall;
}
