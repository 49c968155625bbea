namespace Verified.Spec.Kernel;

/// <summary>
/// What a bit-vector of the abstract state stands for. Two roles may share a sort (a slot key and a
/// grant key are both 24 bits by default), so quantifier domains for Eval are chosen by role, not by sort.
/// </summary>
public enum Role
{
    None,
    Obj,
    Slot,
    CNodeIndex,
    CapId,
    GrantKey,
    GrantGen,
    Service,
}
