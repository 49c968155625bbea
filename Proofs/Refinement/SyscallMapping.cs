using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Spec;
using Verified.Spec.Kernel;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Decoded syscall → spec operation and argument values, read on the pre-state. The ABI names a
/// slot by (CNode capability in the caller's root CNode, index); the spec by (CNode object, index):
/// the CNode capability is resolved here. An unresolvable name becomes a slot of an object that
/// does not exist, which the spec refuses as InvalidSlot — as the kernel refuses it.
/// </summary>
public static partial class SyscallMapping
{
    private static KernelSorts K => RefinementSpec.Sorts;

    /// <summary>An object id no kernel object has (the top of the id sort).</summary>
    public static ulong AbsentObject => K.Obj.Mask;

    /// <summary>
    /// Defined syscalls with no spec transition, and why (docs/REFINEMENT.md). None is left: each
    /// is a spec operation, a lookup, or a stutter step (<see cref="StutterSyscalls"/>). Unknown
    /// syscall numbers are faults, task.crash (<see cref="Crash"/>).
    /// </summary>
    public static IReadOnlyDictionary<SyscallNumber, string> UnmodelledReasons { get; } = new Dictionary<SyscallNumber, string>();

    public static SpecCall Decide(KernelImpl kernel, TaskObject caller, long number, ReadOnlySpan<ulong> a, CapIdentities ids)
    {
        // An unknown number is a fault of the caller (task.crash; the Faulted state is D12).
        if (!IsDefined(number)) return Crash(caller, $"#{number}", syscall: true);
        var n = (SyscallNumber)number;
        switch (n)
        {
            case SyscallNumber.CNodeCopy:
            case SyscallNumber.CNodeMint:
            {
                var src = SlotValue(kernel, caller, a[0], a[1], out var from);
                var badge = n == SyscallNumber.CNodeMint ? a[5] : 0;
                return new SpecCall.Single("cap.mint", Args(
                    ("src", src),
                    ("dst", SlotValue(kernel, caller, a[2], a[3], out _)),
                    ("id", Bv(K.CapId, ids.NextFresh)),
                    ("rights", Bv(K.Rights, a[4] & 0xF)),
                    ("badge", Bv(K.Badge, badge))), null, KernelRefusal(kernel, from, badge, null));
            }

            case SyscallNumber.CNodeMove:
            case SyscallNumber.CNodeMutate:
            {
                var src = SlotValue(kernel, caller, a[0], a[1], out var from);
                var dst = SlotValue(kernel, caller, a[2], a[3], out var to);
                var moved = from is { } f && to is { } t ? (f, t) : ((SlotAddress, SlotAddress)?)null;
                return n == SyscallNumber.CNodeMove
                    ? new SpecCall.Single("cap.move", Args(("src", src), ("dst", dst)), moved)
                    : new SpecCall.Single("cap.mutate", Args(("src", src), ("dst", dst), ("rights", Bv(K.Rights, a[4] & 0xF)), ("badge", Bv(K.Badge, a[5]))), moved,
                        KernelRefusal(kernel, from, a[5], (Verified.Kernel.Abi.Rights)a[4]));
            }

            case SyscallNumber.CNodeDelete:
                return new SpecCall.Single("cap.delete", Args(("slot", SlotValue(kernel, caller, a[0], a[1], out _))), null);
            case SyscallNumber.CNodeRevoke:
            {
                var slot = SlotValue(kernel, caller, a[0], a[1], out var address);
                return new SpecCall.Revoke(slot, address ?? SlotAddress.None);
            }

            case SyscallNumber.GrantRevoke:
                return new SpecCall.Single("grant.revoke", Args(
                    ("owner", Bv(K.Obj, GrantOwner(kernel, caller, a[0]))),
                    ("index", Bv(K.GrantIndex, a[0] & 0xFF))), null);
            case SyscallNumber.SafeCopyFrom:
            case SyscallNumber.SafeCopyTo:
            {
                var granter = ObjectRef.Unpack(a[0]);
                var live = kernel.Objects.Resolve<TaskObject>(granter) is not null;
                var index = a[1] & 0xFFFF_FFFF;
                var grantKey = Abstraction.GrantKey(live ? granter.Id : (int)AbsentObject, index & 0xFF);
                return new SpecCall.Safecopy(
                    Bv(K.Obj, (ulong)caller.Id),
                    Bv(K.Obj, live && index <= 0xFF ? (ulong)granter.Id : AbsentObject),
                    Bv(K.GrantIndex, index & 0xFF),
                    Bv(K.GrantGen, a[1] >> 32),
                    Bv(K.Addr, AbsoluteBaseOf(kernel, grantKey) + a[2]),
                    Bv(K.Addr, a[4]),
                    Bv(K.Access, n == SyscallNumber.SafeCopyTo ? Access.Write : Access.Read),
                    a[4] is > 0 and <= AbiConstants.MaxCopyLength);
            }

            case SyscallNumber.Send or SyscallNumber.NBSend or SyscallNumber.Call:
                return DecideSend(kernel, caller, n, a, ids);
            case SyscallNumber.Recv or SyscallNumber.NBRecv:
                return DecideRecv(kernel, caller, n, a);
            case SyscallNumber.UntypedRetype:
                return DecideRetype(kernel, caller, a);
            case SyscallNumber.GrantCreate or SyscallNumber.GrantCreateIndirect:
                return DecideGrantCreate(kernel, caller, n, a);
            case SyscallNumber.TaskResume:
                return DecideResume(kernel, caller, a);
            case SyscallNumber.TaskDestroy:
                return new SpecCall.Destroy(CptrSlot(kernel, caller, a[0]), null);
            case SyscallNumber.Exit:
                return new SpecCall.Destroy(null, Bv(K.Obj, (ulong)caller.Id));
            case SyscallNumber.TaskSuspend:
                return new SpecCall.Suspend(CptrSlot(kernel, caller, a[0]));
            case SyscallNumber.TaskConfigure:
                return DecideConfigure(kernel, caller, a);
            case SyscallNumber.Reply:
                return DecideReply(kernel, caller, a, ids);
            case SyscallNumber.ReplyRecv:
                return DecideRecv(kernel, caller, n, a); // the reply part carries no capability and changes no abstract state
            case var _ when StutterSyscalls.Contains(n):
                return DecideStutter(kernel, caller, n, a);
            default:
                return new SpecCall.Unmodelled(n.ToString(), UnmodelledReasons.TryGetValue(n, out var why) ? why : "not in the spec");
        }
    }

    /// <summary>A fault of <paramref name="task"/> (a ready task, Runnable to the abstraction): task.crash of it.</summary>
    public static SpecCall.Crash Crash(TaskObject task, string fault, bool syscall)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new SpecCall.Crash(fault, Bv(K.Obj, (ulong)task.Id), task.Id, syscall);
    }

    /// <summary>
    /// The grant a revoke handle names, as the spec's (owner, index): the handle's generation is
    /// part of the name, so a handle of another generation (or a caller without a table) names
    /// no grant — an absent owner, which grant.revoke refuses as InvalidGrant.
    /// </summary>
    private static ulong GrantOwner(KernelImpl kernel, TaskObject caller, ulong handle)
    {
        var table = kernel.Objects.Resolve<GrantTableObject>(caller.GrantTable);
        var index = handle & 0xFFFF_FFFF;
        if (table is null || index >= (ulong)table.View.Length || index > 0xFF) return AbsentObject;
        return table.View[(int)index].Generation == (uint)(handle >> 32) ? (ulong)caller.Id : AbsentObject;
    }

    /// <summary>
    /// The spec's GrBase of the grant with this key: the entry's recorded absolute base (an indirect
    /// grant's is fixed at creation, <see cref="GrantEntry.AbsoluteBase"/>), the same value the
    /// abstraction gives; 0 when the key names no entry.
    /// </summary>
    private static ulong AbsoluteBaseOf(KernelImpl kernel, ulong grantKey)
    {
        var owner = (int)(grantKey >> K.Config.GrantIndexBits);
        var t = kernel.Objects[owner] as TaskObject;
        var table = t is { IsLive: true } ? kernel.Objects.Resolve<GrantTableObject>(t.GrantTable) : null;
        var index = (int)(grantKey & 0xFF);
        return table is null || index >= table.View.Length ? 0 : table.View[index].AbsoluteBase;
    }

    /// <summary>
    /// Divergence D3: the reason, true of the source capability, for which the kernel refuses with
    /// InvalidArgument a mint or mutate the spec (which has no capability types) allows — a badge on
    /// a capability that is neither an endpoint nor a notification (Kernel.DecodeBadge), or a mutate
    /// whose mask takes the read right from a mapped frame, or the write right from a frame mapped
    /// writable (Kernel.DecodeCNodeMove; finding F9). Null otherwise.
    /// </summary>
    private static string? KernelRefusal(KernelImpl kernel, SlotAddress? src, ulong badge, Verified.Kernel.Abi.Rights? mutateMask)
    {
        if (src is not { } address) return null;
        var cap = kernel.SlotAt(address).Cap;
        if (cap.IsNull) return null;
        if (badge != 0 && cap.Type is not (ObjectType.Endpoint or ObjectType.Notification)) return $"badge on a non-badgeable {cap.Type} capability";
        if (mutateMask is not { } mask || cap.Type != ObjectType.Frame || !cap.IsMapped) return null;
        if ((cap.Rights & mask & Verified.Kernel.Abi.Rights.Read) == 0) return "a mapped frame losing read";
        // Finding F9: write too, when the recorded mapping is a writable page.
        return (cap.Rights & mask & Verified.Kernel.Abi.Rights.Write) == 0 && kernel.MapsWritable(cap) ? "a frame mapped writable losing write" : null;
    }

    /// <summary>(cnode cptr, index) → spec slot value; <paramref name="address"/> is the kernel slot when it resolves.</summary>
    public static Value SlotValue(KernelImpl kernel, TaskObject caller, ulong cnodeCptr, ulong index, out SlotAddress? address)
    {
        address = null;
        var root = kernel.Objects.Resolve<CNodeObject>(caller.CSpaceRoot);
        ulong cnode = AbsentObject;
        if (root is not null && cnodeCptr < (ulong)root.View.Length && index <= K.Index.Mask)
        {
            var cap = root.View[(int)cnodeCptr].Cap;
            if (!cap.IsNull && kernel.Objects.Resolve<CNodeObject>(cap.Object) is { } cn && index < (ulong)cn.View.Length)
            {
                cnode = (ulong)cap.Object.Id;
                address = new SlotAddress(cap.Object.Id, (int)index);
            }
        }

        return Bv(K.Slot, (cnode << K.Config.CNodeIndexBits) | (index & K.Index.Mask));
    }

    // New values, not the abstraction's shared ones: looking those up (a thread-static table per
    // width) measured slower here than allocating the few a call needs.
    private static BitVecValue Bv(BitVecSort s, ulong v) => new(s.Width, v & s.Mask);

    // Which syscall numbers are defined, by number (Enum.IsDefined looked the enum's values up on every syscall).
    private static readonly bool[] Defined = DefinedNumbers();

    private static bool[] DefinedNumbers()
    {
        var values = Enum.GetValues<SyscallNumber>();
        var defined = new bool[values.Max(v => (long)v) + 1];
        foreach (var v in values)
            if ((long)v >= 0) defined[(long)v] = true;
        return defined;
    }

    /// <summary>Whether <paramref name="number"/> is a defined syscall number.</summary>
    internal static bool IsDefined(long number) => number >= 0 && number < Defined.Length && Defined[number];

    private static SpecArgs Args(params ReadOnlySpan<(string Name, Value Value)> args) => new(args);
}
