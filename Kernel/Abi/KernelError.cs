namespace Verified.Kernel.Abi;

/// <summary>
/// The one documented error enum. A system call returns 0 (<see cref="Ok"/>) or one of these
/// negative values in rax. The C header is generated from this enum (see <see cref="CHeader"/>).
/// </summary>
public enum KernelError : long
{
    /// <summary>Success.</summary>
    Ok = 0,

    /// <summary>The number in rax names no system call (also raised as a fault when a fault endpoint exists).</summary>
    UnknownSyscall = -1,

    /// <summary>A cptr or slot index is out of range, or the slot is empty or holds the wrong type.</summary>
    InvalidCapability = -2,

    /// <summary>The capability refers to an object of an older generation (it was destroyed).</summary>
    StaleCapability = -3,

    /// <summary>The capability lacks a right the operation needs.</summary>
    InsufficientRights = -4,

    /// <summary>A destination slot is not empty.</summary>
    SlotOccupied = -5,

    /// <summary>An argument is out of range (alignment, size, object type, register index, ...).</summary>
    InvalidArgument = -6,

    /// <summary>The untyped memory has too little room left.</summary>
    NotEnoughMemory = -7,

    /// <summary>A non-blocking operation would have to wait.</summary>
    WouldBlock = -8,

    /// <summary>The object waited on was destroyed, or the partner of a call went away.</summary>
    ObjectDestroyed = -9,

    /// <summary>The frame capability is already mapped, or the virtual address is taken.</summary>
    AlreadyMapped = -10,

    /// <summary>The frame capability is not mapped.</summary>
    NotMapped = -11,

    /// <summary>The target task is in a state that forbids the operation.</summary>
    InvalidState = -12,

    /// <summary>A badge is already set (a badge is set once), or the operation would amplify rights.</summary>
    BadgeAlreadySet = -13,

    /// <summary>There is no caller to reply to.</summary>
    NoReplyTarget = -14,

    /// <summary>A grant does not verify: wrong grantee, revoked (generation), out of range, wrong access, or a broken chain.</summary>
    GrantInvalid = -15,

    /// <summary>An indirect grant chain is longer than the bound (<see cref="AbiConstants.MaxGrantChain"/>).</summary>
    GrantChainTooDeep = -16,

    /// <summary>A user address is not mapped with the access needed.</summary>
    BadAddress = -17,

    /// <summary>A grant table is full.</summary>
    GrantTableFull = -18,

    /// <summary>The capability has descendants in the derivation tree: revoke them first (seL4's RevokeFirst).</summary>
    RevokeFirst = -19,

    /// <summary>
    /// Revoke reached the last capability to a CNode that still holds capabilities: empty that
    /// CNode (or delete its capability directly) first. There is no recursive finalisation in revoke.
    /// </summary>
    NotEmpty = -20,
}
