using System.Collections.Immutable;
using Verified.Kernel.Objects;

namespace Verified.Kernel.Checkpoints;

/// <summary>
/// What the restoring task supplies, all as cptrs in its own capability space: an untyped to
/// allocate the task, its CNode, frames and page tables from (write right); a CNode and first slot
/// where the holder capabilities go (task, CNode, grant table if any, then one per mapped frame); and the binding
/// from each shared reference id of the checkpoint to a capability it holds.
/// </summary>
public sealed record RestoreRequest(ulong Untyped, ulong HolderCNode, int HolderFirstSlot, ImmutableSortedDictionary<string, ulong> Binding)
{
    /// <inheritdoc/>
    public bool Equals(RestoreRequest? other) =>
        other is not null && Untyped == other.Untyped && HolderCNode == other.HolderCNode && HolderFirstSlot == other.HolderFirstSlot
        && Binding.SequenceEqual(other.Binding);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Untyped, HolderCNode, HolderFirstSlot, Binding.Count);
}

/// <summary>
/// A restored task: the new task and where its holder capabilities are (in the holder CNode):
/// the task at <see cref="HolderFirstSlot"/>, its CNode at the next slot, its grant table (if
/// any) at <see cref="GrantTableSlot"/>, then the k-th mapped frame of the checkpoint (in
/// checkpoint order) at <see cref="FirstFrameSlot"/> + k; each records its page's mapping unless a
/// capability of the task's own recorded it in the source. Private unmapped frames are held only
/// by the task's CNode, as in the source.
/// </summary>
public sealed record RestoredTask(TaskObject Task, int HolderCNodeId, int HolderFirstSlot, int? GrantTableSlot, int FirstFrameSlot, int MappedFrameCount);

/// <summary>Restore-only planted bugs, so the tests see the equivalence check and the consistency checker bite.</summary>
public sealed record RestorePlantedFaults
{
    /// <summary>Every restored page is mapped writable, whatever the saved access.</summary>
    public bool MapsEveryPageWritable { get; init; }

    /// <summary>A capability minted from a bound one keeps the bound capability's rights instead of the saved ones.</summary>
    public bool MintKeepsBoundRights { get; init; }
}
