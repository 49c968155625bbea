using Verified.Kernel.Abi;
using Rights = Verified.Kernel.Abi.Rights;
using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The kernel ABI's capability lookup (Kernel.LookupObject), stated on the abstract pre-state:
/// the spec's operations take objects, the ABI takes a cptr whose capability must be present,
/// current, of the right type and carry the rights the call needs. The checker computes the
/// status the lookup must give from the abstract state alone and compares it with the kernel's.
/// </summary>
public static class CapLookup
{
    /// <summary>The status a lookup of the capability in <paramref name="slot"/> must give.</summary>
    public static KernelError Expected(ConcreteState s, Value slot, string type, Rights needed)
    {
        ArgumentNullException.ThrowIfNull(s);
        var k = RefinementSpec.Sorts;
        var cnode = Bv(k.Obj, ((BitVecValue)slot).Bits >> k.Config.CNodeIndexBits);
        if (!IsTrue(s.Map(ObjAlive), cnode) || Member(s.Map(ObjType), cnode) != "CNode" || !IsTrue(s.Map(SlotFull), slot))
        {
            return KernelError.InvalidCapability;
        }

        var cap = s.Map(SlotCap).Select(slot);
        var obj = s.Map(CapObj).Select(cap);
        if (!IsTrue(s.Map(ObjAlive), obj) || !s.Map(CapGen).Select(cap).Equals(s.Map(ObjGen).Select(obj)))
        {
            return KernelError.StaleCapability;
        }

        if (Member(s.Map(ObjType), obj) != type)
        {
            return KernelError.InvalidCapability;
        }

        var rights = ((BitVecValue)s.Map(CapRights).Select(cap)).Bits;
        return (rights & (ulong)needed) == (ulong)needed ? KernelError.Ok : KernelError.InsufficientRights;
    }

    /// <summary>The object the capability in a slot names (read after <see cref="Expected"/> gave Ok).</summary>
    public static Value ObjectAt(ConcreteState s, Value slot)
    {
        ArgumentNullException.ThrowIfNull(s);
        return s.Map(CapObj).Select(s.Map(SlotCap).Select(slot));
    }

    // The fields by position (a lookup runs on most syscalls; by name each read was a dictionary lookup).
    private static readonly int ObjAlive = ConcreteState.IndexOf("ObjAlive");
    private static readonly int ObjType = ConcreteState.IndexOf("ObjType");
    private static readonly int ObjGen = ConcreteState.IndexOf("ObjGen");
    private static readonly int SlotFull = ConcreteState.IndexOf("SlotFull");
    private static readonly int SlotCap = ConcreteState.IndexOf("SlotCap");
    private static readonly int CapObj = ConcreteState.IndexOf("CapObj");
    private static readonly int CapGen = ConcreteState.IndexOf("CapGen");
    private static readonly int CapRights = ConcreteState.IndexOf("CapRights");

    private static bool IsTrue(MapValue m, Value k) => m.Select(k) is BoolValue { Value: true };

    private static string Member(MapValue m, Value k) => ((EnumValue)m.Select(k)).Member;

    private static BitVecValue Bv(BitVecSort s, ulong v) => new(s.Width, v & s.Mask);
}
