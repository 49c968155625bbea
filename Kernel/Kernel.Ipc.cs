using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>
/// Synchronous IPC: send, receive, call (with a one-shot reply capability: the receiver's
/// <see cref="TaskObject.ReplyTo"/>), reply, reply-and-receive and the non-blocking variants.
/// A message is four words, the sender's badge and at most one capability. A capability queued
/// with a blocked sender sits in the sender's in-flight slot as a child of its source, so revoke
/// reaches it (spec: cap.revoke — including capabilities in flight).
/// The capability argument of Send/NBSend/Call/Reply: low 32 bits = cptr of the capability to
/// transfer (0xFFFFFFFF none); for Call, high 32 bits = the slot for a capability in the reply.
/// </summary>
public sealed partial class Kernel
{
    private const ulong NoCap32 = 0xFFFF_FFFF;

    private KernelError DecodeSend(TaskObject caller, ReadOnlySpan<ulong> a, bool blocking, bool call)
    {
        var e = LookupObject<EndpointObject>(caller, a[0], Rights.Write, out var epSlot, out var ep);
        if (e != KernelError.Ok)
        {
            return e;
        }

        var epCap = SlotAt(epSlot).Cap; // a read: not logged
        e = DecodeTransfer(caller, a[1] & NoCap32, epCap.Rights, out var transfer);
        if (e != KernelError.Ok)
        {
            return e;
        }

        var replySlot = -1;
        if (call && (a[1] >> 32) != NoCap32)
        {
            e = DecodeReceiveSlot(caller, a[1] >> 32, out replySlot);
            if (e != KernelError.Ok)
            {
                return e;
            }
        }

        var receiver = FirstWaiter(ep, TaskState.BlockedOnReceive);
        if (receiver is null && !blocking)
        {
            return KernelError.WouldBlock;
        }

        MessageWords words = default;
        for (var i = 0; i < 4; i++)
        {
            words[i] = a[2 + i];
        }

        InvokeSend(caller, ep, epCap, words, transfer, call, replySlot, receiver);
        return KernelError.Ok;
    }

    private void InvokeSend(TaskObject caller, EndpointObject ep, Capability epCap, MessageWords words, SlotAddress transfer, bool call, int replySlot, TaskObject? receiver)
    {
        var canGrant = (epCap.Rights & Rights.Grant) != 0;
        if (call)
        {
            caller.ReceiveCNode = replySlot >= 0 ? caller.CSpaceRoot : ObjectRef.None;
            caller.ReceiveIndex = replySlot;
        }

        if (receiver is not null)
        {
            DequeueFromEndpoint(receiver, ep);
            var info = call ? AbiConstants.InfoCall : 0;
            Deliver(receiver, epCap.Badge, words, info, transfer);
            if (call)
            {
                BlockOnReply(caller, receiver, canGrant);
            }
            else
            {
                Return(caller, KernelError.Ok);
            }

            return;
        }

        // No receiver: the sender waits in the endpoint's queue with its message.
        if (caller.State == TaskState.Ready)
        {
            ReadyRemove(caller);
        }

        caller.State = TaskState.BlockedOnSend;
        caller.BlockedOn = ep.Ref;
        caller.Message = words;
        caller.MessageBadge = epCap.Badge;
        caller.MessageIsCall = call;
        caller.MessageIsFault = false;
        caller.CallerCanGrant = canGrant;
        if (transfer.IsSome)
        {
            var src = Slot(transfer).Cap;
            MdbInsert(transfer, new SlotAddress(caller.Id, 0), src.Derive(Rights.All, src.Badge));
        }

        var h = ep.Head;
        var t = ep.Tail;
        Append(caller, ref h, ref t);
        ep.Head = h;
        ep.Tail = t;
    }

    private KernelError DecodeRecv(TaskObject caller, ReadOnlySpan<ulong> a, bool blocking)
    {
        var e = DecodeRecvArguments(caller, a, out var ep, out var slot);
        if (e != KernelError.Ok)
        {
            return e;
        }

        var sender = FirstWaiter(ep, TaskState.BlockedOnSend);
        if (sender is null && !blocking)
        {
            return KernelError.WouldBlock;
        }

        InvokeRecv(caller, ep, slot, sender);
        return KernelError.Ok;
    }

    private KernelError DecodeRecvArguments(TaskObject caller, ReadOnlySpan<ulong> a, out EndpointObject ep, out int slot)
    {
        slot = -1;
        var e = LookupObject(caller, a[0], Rights.Read, out _, out ep);
        if (e != KernelError.Ok || a[1] == AbiConstants.NoCap)
        {
            return e;
        }

        return DecodeReceiveSlot(caller, a[1], out slot);
    }

    private void InvokeRecv(TaskObject caller, EndpointObject ep, int slot, TaskObject? sender)
    {
        caller.ReceiveCNode = slot >= 0 ? caller.CSpaceRoot : ObjectRef.None;
        caller.ReceiveIndex = slot;
        if (sender is null)
        {
            if (caller.State == TaskState.Ready)
            {
                ReadyRemove(caller);
            }

            caller.State = TaskState.BlockedOnReceive;
            caller.BlockedOn = ep.Ref;
            var h = ep.Head;
            var t = ep.Tail;
            Append(caller, ref h, ref t);
            ep.Head = h;
            ep.Tail = t;
            return;
        }

        DequeueFromEndpoint(sender, ep);
        var info = (sender.MessageIsCall ? AbiConstants.InfoCall : 0) | (sender.MessageIsFault ? AbiConstants.InfoFault : 0);
        var inFlight = sender.InFlight.Cap.IsNull ? SlotAddress.None : new SlotAddress(sender.Id, 0);
        Deliver(caller, sender.MessageBadge, sender.Message, info, inFlight);
        if (sender.MessageIsCall)
        {
            BlockOnReply(sender, caller, sender.CallerCanGrant);
        }
        else
        {
            sender.State = TaskState.Inactive;
            Complete(sender, KernelError.Ok);
        }
    }

    private KernelError DecodeReply(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var target = Objects.Resolve<TaskObject>(caller.ReplyTo);
        if (target is not { State: TaskState.BlockedOnReply })
        {
            return KernelError.NoReplyTarget;
        }

        var e = DecodeTransfer(caller, a[1] & NoCap32, target.CallerCanGrant ? Rights.Grant : Rights.None, out var transfer);
        if (e != KernelError.Ok)
        {
            return e;
        }

        InvokeReply(caller, target, a, transfer);
        return Ok(caller);
    }

    /// <summary>spec: ipc.reply — the reply capability is one-shot: used once, then gone.</summary>
    private void InvokeReply(TaskObject caller, TaskObject target, ReadOnlySpan<ulong> a, SlotAddress transfer)
    {
        caller.ReplyTo = ObjectRef.None;
        if (target.MessageIsFault)
        {
            // Fault protocol: mr0 = 0 resume at the saved rip; 1 restart at rip = mr1, rsp = mr2.
            if (a[2] == AbiConstants.FaultReplyRestart)
            {
                target.Registers[AbiConstants.RegRip] = a[3];
                target.Registers[TaskObject.Rsp] = a[4];
            }

            target.MessageIsFault = false;
            target.State = TaskState.Inactive;
            MakeReady(target);
            return;
        }

        MessageWords words = default;
        for (var i = 0; i < 4; i++)
        {
            words[i] = a[2 + i];
        }

        target.State = TaskState.Inactive;
        Deliver(target, 0, words, 0, transfer);
    }

    private KernelError DecodeReplyRecv(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = DecodeRecvArguments(caller, a, out var ep, out var slot);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (Objects.Resolve<TaskObject>(caller.ReplyTo) is { State: TaskState.BlockedOnReply } target)
        {
            InvokeReply(caller, target, a, SlotAddress.None);
        }

        // The reply may have made a sender ready to queue here later; the receive is decided now.
        InvokeRecv(caller, ep, slot, FirstWaiter(ep, TaskState.BlockedOnSend));
        return KernelError.Ok;
    }

    /// <summary>Writes a message into a receiver's registers, moves or copies the capability, and makes it ready.</summary>
    private void Deliver(TaskObject receiver, ulong badge, MessageWords words, ulong info, SlotAddress transfer)
    {
        if (transfer.IsSome)
        {
            var cap = Slot(transfer).Cap;
            var cnode = Objects.Resolve<CNodeObject>(receiver.ReceiveCNode);
            var ok = cnode is not null && receiver.ReceiveIndex >= 0 && receiver.ReceiveIndex < cnode.Slots.Length
                && cnode.Slots[receiver.ReceiveIndex].Cap.IsNull && IsCurrent(cap);
            var inFlight = Objects[transfer.Object] is TaskObject;
            if (ok)
            {
                var dest = new SlotAddress(cnode!.Id, receiver.ReceiveIndex);
                if (inFlight)
                {
                    MdbMove(transfer, dest, cap);
                }
                else
                {
                    MdbInsert(transfer, dest, cap.Derive(Rights.All, cap.Badge));
                }

                info |= AbiConstants.InfoCapTransferred;
            }
            else if (inFlight)
            {
                DeleteCap(transfer); // no room at the receiver: the queued capability is dropped
            }
        }

        receiver.ReceiveCNode = ObjectRef.None;
        receiver.Registers[TaskObject.Rax] = 0;
        receiver.Registers[TaskObject.Rdi] = badge;
        receiver.Registers[TaskObject.Rsi] = words[0];
        receiver.Registers[TaskObject.Rdx] = words[1];
        receiver.Registers[TaskObject.R10] = words[2];
        receiver.Registers[TaskObject.R8] = words[3];
        receiver.Registers[TaskObject.R9] = info;
        if (receiver.State != TaskState.Ready)
        {
            MakeReady(receiver);
        }
    }

    private void BlockOnReply(TaskObject caller, TaskObject server, bool canGrant)
    {
        if (caller.State == TaskState.Ready)
        {
            ReadyRemove(caller);
        }

        caller.State = TaskState.BlockedOnReply;
        caller.BlockedOn = server.Ref;
        caller.CallerCanGrant = canGrant;
        if (Objects.Resolve<TaskObject>(server.ReplyTo) is { State: TaskState.BlockedOnReply } previous && previous != caller)
        {
            // The server's earlier reply capability is replaced; its caller learns it will not be answered.
            previous.MessageIsFault = false;
            previous.State = TaskState.Inactive;
            Complete(previous, KernelError.ObjectDestroyed);
        }

        server.ReplyTo = caller.Ref;
    }

    private KernelError DecodeTransfer(TaskObject caller, ulong cptr, Rights channelRights, out SlotAddress transfer)
    {
        transfer = SlotAddress.None;
        if (cptr == NoCap32)
        {
            return KernelError.Ok;
        }

        if ((channelRights & Rights.Grant) == 0 && Faults is not { TransferWithoutGrant: true })
        {
            return KernelError.InsufficientRights; // spec: ipc.transfer — needs the grant right
        }

        var e = LookupSlot(caller, cptr, out transfer);
        if (e != KernelError.Ok)
        {
            return e;
        }

        return IsCurrent(SlotAt(transfer).Cap) ? KernelError.Ok : KernelError.StaleCapability;
    }

    private KernelError DecodeReceiveSlot(TaskObject caller, ulong cptr, out int slot)
    {
        slot = -1;
        var root = Objects.Resolve<CNodeObject>(caller.CSpaceRoot);
        if (root is null || cptr >= (ulong)root.Slots.Length)
        {
            return KernelError.InvalidCapability;
        }

        if (!root.Slots[(int)cptr].Cap.IsNull)
        {
            return KernelError.SlotOccupied;
        }

        slot = (int)cptr;
        return KernelError.Ok;
    }

    private TaskObject? FirstWaiter(EndpointObject ep, TaskState state) =>
        ep.Head >= 0 && Objects[ep.Head] is TaskObject t && t.State == state ? t : null;

    private void DequeueFromEndpoint(TaskObject t, EndpointObject ep)
    {
        var h = ep.Head;
        var tl = ep.Tail;
        Unlink(t, ref h, ref tl);
        ep.Head = h;
        ep.Tail = tl;
        t.BlockedOn = ObjectRef.None;
    }
}
