namespace Verified.Spec.Kernel;

/// <summary>
/// The error an operation returns for a bad argument (state unchanged), or Ok. One enum sort so
/// the proofs and the refinement checker compare the kernel's status with the spec's exactly.
/// </summary>
public static class KError
{
    public static EnumSort Sort { get; } = Verified.Spec.Sort.Enum("KError",
        "Ok", "InvalidSlot", "EmptySlot", "SlotOccupied", "CapIdInUse", "StaleCap", "InsufficientRights",
        "AlreadyBadged", "HasChildren", "NotDescendant", "WrongType", "ObjectInUse", "NotEnoughMemory",
        "InvalidRange", "DepthExhausted", "GenerationExhausted", "NotEmpty", "ChildrenAlive",
        "InvalidGrant", "InvalidState", "DependencyNotReady", "NoGrantRight");

    public static Term Of(string member) => T.Enum(Sort, member);

    public static Term Ok => Of("Ok");
}
