using Verified.Kernel.Abi;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Kernel status ↔ spec error. The kernel's ABI is coarser than the spec (one InvalidCapability
/// for an unaddressable and an empty slot), so each kernel error corresponds to a set of spec
/// errors; a kernel error outside that set for the spec's error is a mismatch.
/// </summary>
public static class ErrorMap
{
    private static readonly Dictionary<KernelError, string[]> Allowed = new()
    {
        [KernelError.Ok] = ["Ok"],
        [KernelError.InvalidCapability] = ["InvalidSlot", "EmptySlot"],
        [KernelError.InvalidArgument] = ["InvalidSlot", "InvalidRange"],
        [KernelError.StaleCapability] = ["StaleCap", "InvalidSlot"],
        [KernelError.SlotOccupied] = ["SlotOccupied"],
        [KernelError.BadgeAlreadySet] = ["AlreadyBadged"],
        [KernelError.InsufficientRights] = ["InsufficientRights", "NoGrantRight"],
        [KernelError.NotEnoughMemory] = ["NotEnoughMemory"],
        [KernelError.GrantInvalid] = ["InvalidGrant"],
        [KernelError.GrantChainTooDeep] = ["DepthExhausted"],
        [KernelError.RevokeFirst] = ["HasChildren"],
        [KernelError.NotEmpty] = ["NotEmpty"], // revoke stopped at the last capability to a non-empty CNode (finding F7)
        [KernelError.InvalidState] = ["InvalidState", "WrongType", "InvalidGrant"], // grant calls by a task without a grant table name no grant
    };

    /// <summary>The spec errors a kernel status corresponds to (empty: none).</summary>
    public static IReadOnlyList<string> SpecErrorsFor(KernelError status) => Allowed.TryGetValue(status, out var s) ? s : [];

    public static bool Agree(KernelError status, string specError) => SpecErrorsFor(status).Contains(specError);
}
