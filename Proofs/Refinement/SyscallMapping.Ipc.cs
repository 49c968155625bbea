using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Spec;
using KernelImpl = Verified.Kernel.Kernel;
using KTaskState = Verified.Kernel.Objects.TaskState;

namespace Verified.Proofs.Refinement;

/// <summary>
/// IPC syscalls → spec calls. Which task the kernel pairs with (the first waiter of the endpoint
/// queue) is scheduling state the spec does not have; it is read from the kernel pre-state as an
/// input of the mapping, like a slot's CNode. What happens to capabilities is then the spec's.
/// </summary>
public static partial class SyscallMapping
{
    private const ulong NoCap32 = 0xFFFF_FFFF;

    private static SpecCall DecideSend(KernelImpl kernel, TaskObject caller, SyscallNumber n, ReadOnlySpan<ulong> a, CapIdentities ids)
    {
        var ep = CptrSlot(kernel, caller, a[0]);
        var cptr = a[1] & NoCap32;
        var src = cptr == NoCap32 ? null : CptrSlot(kernel, caller, cptr);
        var reply = n == SyscallNumber.Call && (a[1] >> 32) != NoCap32 ? CptrSlot(kernel, caller, a[1] >> 32) : null;
        var receiver = FirstWaiter(kernel, caller, a[0], KTaskState.BlockedOnReceive);
        var dst = receiver is not null ? ReceiveSlotOf(kernel, receiver) : n == SyscallNumber.NBSend ? null : InFlight.GhostSlot(caller.Id);
        return new SpecCall.IpcSend(n.ToString(), ep, src, dst, Bv(K.CapId, ids.NextFresh), reply);
    }

    private static SpecCall DecideRecv(KernelImpl kernel, TaskObject caller, SyscallNumber n, ReadOnlySpan<ulong> a)
    {
        var ep = CptrSlot(kernel, caller, a[0]);
        var recvSlot = a[1] == AbiConstants.NoCap ? null : CptrSlot(kernel, caller, a[1]);
        var sender = FirstWaiter(kernel, caller, a[0], KTaskState.BlockedOnSend);
        Value? inFlight = sender is not null && !sender.InFlightSlot.Cap.IsNull ? InFlight.GhostSlot(sender.Id) : null;
        var root = kernel.Objects.Resolve<CNodeObject>(caller.CSpaceRoot);
        (SlotAddress, SlotAddress)? moved = inFlight is not null && recvSlot is not null && root is not null && a[1] < (ulong)root.View.Length
            ? (new SlotAddress(sender!.Id, 0), new SlotAddress(root.Id, (int)a[1]))
            : null;
        return new SpecCall.IpcRecv(n.ToString(), ep, recvSlot, n != SyscallNumber.NBRecv, sender is not null, inFlight, moved);
    }

    /// <summary>The first task of the queue of the endpoint the cptr's capability names, when it waits in <paramref name="state"/>.</summary>
    private static TaskObject? FirstWaiter(KernelImpl kernel, TaskObject caller, ulong cptr, KTaskState state)
    {
        var root = kernel.Objects.Resolve<CNodeObject>(caller.CSpaceRoot);
        if (root is null || cptr >= (ulong)root.View.Length) return null;
        var ep = kernel.Objects.Resolve<EndpointObject>(root.View[(int)cptr].Cap.Object);
        return ep is { Head: >= 0 } && kernel.Objects[ep.Head] is TaskObject t && t.State == state ? t : null;
    }

    /// <summary>The slot a blocked receiver named for a capability, or a slot of the absent object when it named none.</summary>
    private static Value ReceiveSlotOf(KernelImpl kernel, TaskObject receiver)
    {
        var cnode = kernel.Objects.Resolve<CNodeObject>(receiver.ReceiveCNode);
        return cnode is not null && receiver.ReceiveIndex >= 0 && receiver.ReceiveIndex < cnode.View.Length
            ? Bv(K.Slot, ((ulong)(uint)cnode.Id << K.Config.CNodeIndexBits) | (uint)receiver.ReceiveIndex)
            : Bv(K.Slot, AbsentObject << K.Config.CNodeIndexBits);
    }
}
