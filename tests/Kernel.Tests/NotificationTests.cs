using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

public sealed class NotificationTests
{
    [Fact]
    public void SignalsAccumulateAndPollClearsThem()
    {
        var s = new TestSystem();
        var n = s.Make(ObjectType.Notification);
        var b1 = s.TakeSlot();
        var b4 = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMint, Root, n, Root, b1, (ulong)Rights.Write, 1);
        s.Ok(SyscallNumber.CNodeMint, Root, n, Root, b4, (ulong)Rights.Write, 4);
        s.Ok(SyscallNumber.Signal, b1);
        s.Ok(SyscallNumber.Signal, b4);
        s.Ok(SyscallNumber.Poll, n).Result0.ShouldBe(5UL);
        s.Ok(SyscallNumber.Poll, n).Result0.ShouldBe(0UL);
    }

    [Fact]
    public void WaitBlocksUntilASignal()
    {
        var s = new TestSystem();
        var n = s.Make(ObjectType.Notification);
        var (_, t) = s.MakeTask();
        s.Call(t, SyscallNumber.Wait, n).Blocked.ShouldBeTrue();
        t.State.ShouldBe(TaskState.BlockedOnNotification);
        s.Ok(SyscallNumber.Signal, n);
        t.State.ShouldBe(TaskState.Ready);
        t.Registers[TaskObject.Rdi].ShouldBe(1UL, "an unbadged capability signals bit 0");
        s.Object<NotificationObject>(n).Word.ShouldBe(0UL);
    }

    [Fact]
    public void WaitReturnsAtOnceWhenBitsArePending()
    {
        var s = new TestSystem();
        var n = s.Make(ObjectType.Notification);
        s.Ok(SyscallNumber.Signal, n);
        s.Ok(SyscallNumber.Wait, n).Result0.ShouldBe(1UL);
    }

    [Fact]
    public void NotificationErrorPaths()
    {
        var s = new TestSystem();
        var n = s.Make(ObjectType.Notification);
        var signalOnly = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, n, Root, signalOnly, (ulong)Rights.Write);
        var waitOnly = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, Root, n, Root, waitOnly, (ulong)Rights.Read);
        s.Call(SyscallNumber.Wait, signalOnly).Status.ShouldBe(KernelError.InsufficientRights);
        s.Call(SyscallNumber.Poll, signalOnly).Status.ShouldBe(KernelError.InsufficientRights);
        s.Call(SyscallNumber.Signal, waitOnly).Status.ShouldBe(KernelError.InsufficientRights);
        s.Call(SyscallNumber.Signal, AbiConstants.SlotConsole).Status.ShouldBe(KernelError.InvalidCapability);
    }

    [Fact]
    public void DeletingANotificationWakesWaitersWithAnError()
    {
        var s = new TestSystem();
        var n = s.Make(ObjectType.Notification);
        var (_, t) = s.MakeTask();
        s.Call(t, SyscallNumber.Wait, n);
        s.Ok(SyscallNumber.CNodeDelete, Root, n);
        ((KernelError)(long)t.Registers[TaskObject.Rax]).ShouldBe(KernelError.ObjectDestroyed);
    }
}
