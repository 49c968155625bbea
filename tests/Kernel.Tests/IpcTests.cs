using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

public sealed class IpcTests
{
    private const ulong NoTransfer = 0xFFFF_FFFF;

    [Fact]
    public void SendThenReceiveDeliversWordsAndBadge()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var badged = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMint, Root, ep, Root, badged, (ulong)Rights.All, 0xBEEF);
        var (_, a) = s.MakeTask();
        var (_, b) = s.MakeTask();
        s.Call(a, SyscallNumber.Send, badged, NoTransfer, 1, 2, 3, 4).Blocked.ShouldBeTrue();
        a.State.ShouldBe(TaskState.BlockedOnSend);
        var r = s.Call(b, SyscallNumber.Recv, ep, NoCap);
        r.Status.ShouldBe(KernelError.Ok);
        (r.Result0, r.Result1, r.Result2).ShouldBe((0xBEEFUL, 1UL, 2UL));
        b.Registers[TaskObject.R10].ShouldBe(3UL);
        b.Registers[TaskObject.R8].ShouldBe(4UL);
        a.State.ShouldBe(TaskState.Ready);
        a.Registers[TaskObject.Rax].ShouldBe(0UL);
    }

    [Fact]
    public void ReceiveThenSendWakesTheReceiver()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var (_, b) = s.MakeTask();
        s.Call(b, SyscallNumber.Recv, ep, NoCap).Blocked.ShouldBeTrue();
        s.Ok(SyscallNumber.Send, ep, NoTransfer, 9, 8, 7, 6);
        b.State.ShouldBe(TaskState.Ready);
        b.Registers[TaskObject.Rsi].ShouldBe(9UL);
    }

    [Fact]
    public void NonBlockingVariantsReturnWouldBlock()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        s.Call(SyscallNumber.NBSend, ep, NoTransfer, 1, 2, 3, 4).Status.ShouldBe(KernelError.WouldBlock);
        s.Call(SyscallNumber.NBRecv, ep, NoCap).Status.ShouldBe(KernelError.WouldBlock);
        s.RootTask.State.ShouldBe(TaskState.Ready);
    }

    [Fact]
    public void CallAndReplyUseAOneShotReplyCapability()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var (_, server) = s.MakeTask();
        var (_, client) = s.MakeTask();
        s.Call(server, SyscallNumber.Recv, ep, NoCap).Blocked.ShouldBeTrue();
        s.Call(client, SyscallNumber.Call, ep, NoTransfer, 5, 0, 0, 0).Blocked.ShouldBeTrue();
        client.State.ShouldBe(TaskState.BlockedOnReply);
        server.Registers[TaskObject.R9].ShouldBe(AbiConstants.InfoCall);
        s.Call(server, SyscallNumber.Reply, 0, NoTransfer, 6, 0, 0, 0).Status.ShouldBe(KernelError.Ok);
        client.State.ShouldBe(TaskState.Ready);
        client.Registers[TaskObject.Rsi].ShouldBe(6UL);
        s.Call(server, SyscallNumber.Reply, 0, NoTransfer, 6, 0, 0, 0).Status.ShouldBe(KernelError.NoReplyTarget, "one shot");
    }

    [Fact]
    public void ReplyRecvAnswersAndWaitsAgain()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var (_, server) = s.MakeTask();
        var (_, c1) = s.MakeTask();
        var (_, c2) = s.MakeTask();
        s.Call(c1, SyscallNumber.Call, ep, NoTransfer, 1, 0, 0, 0);
        s.Call(c2, SyscallNumber.Call, ep, NoTransfer, 2, 0, 0, 0);
        s.Call(server, SyscallNumber.Recv, ep, NoCap).Result1.ShouldBe(1UL);
        var o = s.Call(server, SyscallNumber.ReplyRecv, ep, NoCap, 11, 0, 0, 0);
        o.Result1.ShouldBe(2UL, "the second call arrives in the same kernel entry");
        c1.Registers[TaskObject.Rsi].ShouldBe(11UL);
        c2.State.ShouldBe(TaskState.BlockedOnReply);
        s.Call(server, SyscallNumber.ReplyRecv, ep, NoCap, 22, 0, 0, 0).Blocked.ShouldBeTrue();
        c2.Registers[TaskObject.Rsi].ShouldBe(22UL);
    }

    [Fact]
    public void CapabilityTransferNeedsTheGrantRight()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var noGrant = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, ep, Root, noGrant, (ulong)(Rights.Read | Rights.Write));
        var frame = s.Make(ObjectType.Frame);
        s.Call(SyscallNumber.Send, noGrant, frame, 0, 0, 0, 0).Status.ShouldBe(KernelError.InsufficientRights);
    }

    [Fact]
    public void ACapabilityIsTransferredIntoTheReceiveSlot()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var frame = s.Make(ObjectType.Frame);
        var (_, b) = s.MakeTask();
        var into = s.TakeSlot();
        s.Call(b, SyscallNumber.Recv, ep, into).Blocked.ShouldBeTrue();
        s.Ok(SyscallNumber.Send, ep, frame, 0, 0, 0, 0);
        b.Registers[TaskObject.R9].ShouldBe(AbiConstants.InfoCapTransferred);
        s.Cap(into).Object.ShouldBe(s.Cap(frame).Object);
        s.Object<FrameObject>(frame).CapCount.ShouldBe(2);
    }

    [Fact]
    public void AQueuedCapabilityIsRevokedInFlight()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var frame = s.Make(ObjectType.Frame);
        var child = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, frame, Root, child, 7);
        var (_, sender) = s.MakeTask();
        s.Call(sender, SyscallNumber.Send, ep, child, 0, 0, 0, 0).Blocked.ShouldBeTrue();
        sender.InFlightSlot.Cap.IsNull.ShouldBeFalse();
        s.Ok(SyscallNumber.CNodeRevoke, Root, frame);
        sender.InFlightSlot.Cap.IsNull.ShouldBeTrue("revoke reaches capabilities queued in messages");
        var into = s.TakeSlot();
        s.Ok(SyscallNumber.Recv, ep, into);
        s.RootTask.Registers[TaskObject.R9].ShouldBe(0UL, "no capability arrives");
        s.Cap(into).IsNull.ShouldBeTrue();
    }

    [Fact]
    public void AFullReceiveSlotDropsTheQueuedCapability()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var frame = s.Make(ObjectType.Frame);
        var (_, sender) = s.MakeTask();
        s.Call(sender, SyscallNumber.Send, ep, frame, 0, 0, 0, 0);
        s.Object<FrameObject>(frame).CapCount.ShouldBe(2);
        s.Call(SyscallNumber.Recv, ep, frame).Status.ShouldBe(KernelError.SlotOccupied);
        s.Ok(SyscallNumber.Recv, ep, NoCap);
        s.Object<FrameObject>(frame).CapCount.ShouldBe(1);
    }

    [Fact]
    public void DeletingAnEndpointWakesItsWaitersWithAnError()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var (_, a) = s.MakeTask();
        var (_, b) = s.MakeTask();
        s.Call(a, SyscallNumber.Recv, ep, NoCap);
        s.Call(b, SyscallNumber.Recv, ep, NoCap);
        s.Ok(SyscallNumber.CNodeDelete, Root, ep);
        foreach (var t in new[] { a, b })
        {
            t.State.ShouldBe(TaskState.Ready);
            ((KernelError)(long)t.Registers[TaskObject.Rax]).ShouldBe(KernelError.ObjectDestroyed);
        }
    }

    [Fact]
    public void DestroyingAServerWakesItsCaller()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var (serverSlot, server) = s.MakeTask();
        var (_, client) = s.MakeTask();
        s.Call(server, SyscallNumber.Recv, ep, NoCap);
        s.Call(client, SyscallNumber.Call, ep, NoTransfer, 0, 0, 0, 0);
        s.Ok(SyscallNumber.TaskDestroy, serverSlot);
        client.State.ShouldBe(TaskState.Ready);
        ((KernelError)(long)client.Registers[TaskObject.Rax]).ShouldBe(KernelError.ObjectDestroyed);
    }

    [Fact]
    public void IpcErrorPaths()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var recvOnly = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, ep, Root, recvOnly, (ulong)Rights.Read);
        var sendOnly = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, ep, Root, sendOnly, (ulong)Rights.Write);
        s.Call(SyscallNumber.Send, recvOnly, NoTransfer, 0, 0, 0, 0).Status.ShouldBe(KernelError.InsufficientRights);
        s.Call(SyscallNumber.Recv, sendOnly, NoCap).Status.ShouldBe(KernelError.InsufficientRights);
        s.Call(SyscallNumber.Send, AbiConstants.SlotConsole, NoTransfer, 0, 0, 0, 0).Status.ShouldBe(KernelError.InvalidCapability);
        s.Call(SyscallNumber.Recv, ep, 100000).Status.ShouldBe(KernelError.InvalidCapability);
        s.Call(SyscallNumber.Send, ep, 250, 0, 0, 0, 0).Status.ShouldBe(KernelError.InvalidCapability, "empty transfer slot");
        s.Call(SyscallNumber.Reply, 0, NoTransfer, 0, 0, 0, 0).Status.ShouldBe(KernelError.NoReplyTarget);
    }

    [Fact]
    public void SuspendingAQueuedSenderDeletesItsQueuedCapability()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var frame = s.Make(ObjectType.Frame);
        var (slot, sender) = s.MakeTask();
        s.Call(sender, SyscallNumber.Send, ep, frame, 0, 0, 0, 0);
        s.Ok(SyscallNumber.TaskSuspend, slot);
        sender.State.ShouldBe(TaskState.Inactive);
        s.Object<FrameObject>(frame).CapCount.ShouldBe(1);
        s.Object<EndpointObject>(ep).Head.ShouldBe(-1);
    }
}
