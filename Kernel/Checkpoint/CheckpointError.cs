namespace Verified.Kernel.Checkpoints;

/// <summary>Why a checkpoint or a restore was refused (a value, never an exception).</summary>
public enum CheckpointError
{
    /// <summary>The task is not live.</summary>
    TaskNotLive,

    /// <summary>The task has no live root CNode.</summary>
    NoCSpace,

    /// <summary>
    /// The task is blocked in IPC (send, receive, reply or notification wait): its state lives in
    /// other objects. This covers capabilities in flight too: only a blocked sender holds one.
    /// </summary>
    BlockedInIpc,

    /// <summary>The task was called and has not replied yet (it holds a one-shot reply capability).</summary>
    HoldsReplyObligation,

    /// <summary>A frame capability of the task records a mapping in another task's address space.</summary>
    MapsIntoOtherTask,

    /// <summary>One frame is mapped at two addresses of the task (aliasing is not captured).</summary>
    AliasedFrame,

    /// <summary>The checkpoint (or its serialised form) is malformed or inconsistent.</summary>
    Malformed,

    /// <summary>The serialised checkpoint has a format version this build does not read.</summary>
    UnsupportedVersion,

    /// <summary>A capability the caller named (untyped, holder CNode, bound capability) does not resolve or lacks a right.</summary>
    InvalidCapability,

    /// <summary>The holder slots are out of range or not empty.</summary>
    HolderSlotsUnavailable,

    /// <summary>A shared reference the checkpoint uses has no binding.</summary>
    BindingMissing,

    /// <summary>A bound capability is of another object type than the reference.</summary>
    BoundCapabilityWrongType,

    /// <summary>A bound capability lacks a right a restored capability would have (rights never amplify).</summary>
    RightsWouldAmplify,

    /// <summary>A bound capability carries a badge other than the saved one (a badge is set once).</summary>
    BadgeConflict,

    /// <summary>The untyped has too little room for the task, its CNode, frames and page tables.</summary>
    NotEnoughMemory,

    /// <summary>The saved priority is above the restoring task's own (spec: task.priority).</summary>
    PriorityTooHigh,
}

/// <summary>A refusal: the error and a sentence naming what was wrong.</summary>
public sealed record CheckpointFailure(CheckpointError Error, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Error}: {Detail}";
}
