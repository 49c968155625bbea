using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

public sealed class TaskTests
{
    [Fact]
    public void ConfigureSetsCSpaceFaultEndpointPriorityAndGrantTable()
    {
        var s = new TestSystem();
        var task = s.Make(ObjectType.Task);
        var ep = s.Make(ObjectType.Endpoint);
        var badged = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMint, Root, ep, Root, badged, (ulong)Rights.Write, 9);
        var gt = s.Make(ObjectType.GrantTable, 2);
        s.Ok(SyscallNumber.TaskConfigure, task, Root, badged, 50, gt);
        var t = s.Object<TaskObject>(task);
        (t.CSpaceRoot, t.FaultEndpoint, t.FaultBadge, t.Priority, t.GrantTable).ShouldBe((s.RootTask.CSpaceRoot, s.Cap(ep).Object, 9UL, 50, s.Cap(gt).Object));
        s.Object<GrantTableObject>(gt).Owner.ShouldBe(t.Ref);
    }

    [Fact]
    public void ConfigureErrorPaths()
    {
        var s = new TestSystem();
        var task = s.Make(ObjectType.Task);
        var other = s.Make(ObjectType.Task);
        var ep = s.Make(ObjectType.Endpoint);
        var gt = s.Make(ObjectType.GrantTable, 2);
        s.Call(SyscallNumber.TaskConfigure, ep, Root, NoCap, 1, NoCap).Status.ShouldBe(KernelError.InvalidCapability);
        s.Call(SyscallNumber.TaskConfigure, task, ep, NoCap, 1, NoCap).Status.ShouldBe(KernelError.InvalidCapability);
        s.Call(SyscallNumber.TaskConfigure, task, Root, Root, 1, NoCap).Status.ShouldBe(KernelError.InvalidCapability);
        s.Call(SyscallNumber.TaskConfigure, task, Root, NoCap, 256, NoCap).Status.ShouldBe(KernelError.InvalidArgument);
        s.Ok(SyscallNumber.TaskConfigure, other, Root, NoCap, 1, gt);
        s.Call(SyscallNumber.TaskConfigure, task, Root, NoCap, 1, gt).Status.ShouldBe(KernelError.InvalidState, "a grant table has one owner");
        var (_, low) = s.MakeTask(priority: 10);
        s.Call(low, SyscallNumber.TaskConfigure, task, Root, NoCap, 11, NoCap).Status.ShouldBe(KernelError.InvalidArgument, "no priority above one's own");
    }

    [Fact]
    public void RegistersReadAndWriteWithChecks()
    {
        var s = new TestSystem();
        var task = s.Make(ObjectType.Task);
        s.Ok(SyscallNumber.TaskWriteRegister, task, AbiConstants.RegRip, 0x401000);
        s.Ok(SyscallNumber.TaskReadRegister, task, AbiConstants.RegRip).Result0.ShouldBe(0x401000UL);
        s.Ok(SyscallNumber.TaskWriteRegister, task, AbiConstants.RegRflags, ulong.MaxValue);
        s.Ok(SyscallNumber.TaskReadRegister, task, AbiConstants.RegRflags).Result0.ShouldBe(0xED7UL, "CF PF AF ZF SF DF OF (0xCD5), the fixed bit 1 and IF");
        s.Call(SyscallNumber.TaskWriteRegister, task, AbiConstants.RegFsBase, 0x0000_8000_0000_0000).Status.ShouldBe(KernelError.InvalidArgument);
        s.Call(SyscallNumber.TaskWriteRegister, task, 20, 0).Status.ShouldBe(KernelError.InvalidArgument);
        s.Call(SyscallNumber.TaskReadRegister, task, 20).Status.ShouldBe(KernelError.InvalidArgument);
        s.Call(SyscallNumber.TaskWriteRegister, AbiConstants.SlotRootTask, 0, 12345).Status.ShouldBe(KernelError.InvalidState, "rax of the caller carries the status");
    }

    [Fact]
    public void ResumeSuspendAndTheReadyQueues()
    {
        var s = new TestSystem();
        var (slot, t) = s.MakeTask(priority: 200);
        t.State.ShouldBe(TaskState.Ready);
        s.Kernel.ReadyHead(200).ShouldBe(t.Id);
        s.Ok(SyscallNumber.TaskSuspend, slot);
        t.State.ShouldBe(TaskState.Inactive);
        s.Kernel.ReadyHead(200).ShouldBe(-1);
        s.Ok(SyscallNumber.TaskResume, slot);
        s.Ok(SyscallNumber.TaskResume, slot); // resuming a ready task changes nothing
        s.Kernel.ReadyHead(200).ShouldBe(t.Id);
    }

    [Fact]
    public void HighestPriorityFirstRoundRobinWithin()
    {
        var s = new TestSystem();
        var (_, a) = s.MakeTask(priority: 100);
        var (_, b) = s.MakeTask(priority: 100);
        s.Kernel.ChooseTask().ShouldBe(s.RootTask, "the root runs at 255");
        s.Ok(SyscallNumber.TaskSuspend, AbiConstants.SlotRootTask);
        s.Kernel.ChooseTask().ShouldBe(a);
        s.Call(a, SyscallNumber.Yield).Status.ShouldBe(KernelError.Ok);
        s.Kernel.ChooseTask().ShouldBe(b);
        s.Kernel.RotateToTail(b);
        s.Kernel.ChooseTask().ShouldBe(a);
    }

    [Fact]
    public void ExitDeletesEveryCapabilityToTheTask()
    {
        // As task destroy (finding F2): the task dies with its capabilities, none is left dangling.
        var s = new TestSystem();
        var (slot, t) = s.MakeTask();
        var name = t.Ref;
        s.Call(t, SyscallNumber.Exit, 3);
        t.IsLive.ShouldBeFalse();
        s.Kernel.Exits.ShouldContain((name, 3L));
        s.Cap(slot).IsNull.ShouldBeTrue();
        s.Call(SyscallNumber.TaskResume, slot).Status.ShouldBe(KernelError.InvalidCapability);
    }

    [Fact]
    public void TaskIdNamesTheTaskWithItsGeneration()
    {
        var s = new TestSystem();
        var (slot, t) = s.MakeTask();
        s.Ok(SyscallNumber.TaskId, slot).Result0.ShouldBe(t.Ref.Packed);
        s.Call(t, SyscallNumber.TaskId, NoCap).Result0.ShouldBe(t.Ref.Packed);
        s.Call(SyscallNumber.TaskId, AbiConstants.SlotConsole).Status.ShouldBe(KernelError.InvalidCapability);
    }

    [Fact]
    public void AFaultWithoutAHandlerStopsTheTask()
    {
        var s = new TestSystem();
        var (_, t) = s.MakeTask();
        s.Kernel.RaiseFault(t, FaultKind.DivideError, 0, 0);
        t.State.ShouldBe(TaskState.Inactive);
        t.StopReason.ShouldNotBeNull().ShouldContain("DivideError");
        s.Check();
    }

    [Fact]
    public void AFaultBecomesAMessageAndTheReplyRestartsTheTask()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var faultCap = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeMint, Root, ep, Root, faultCap, (ulong)Rights.Write, 3);
        var (slot, t) = s.MakeTask();
        s.Ok(SyscallNumber.TaskConfigure, slot, Root, faultCap, 100, NoCap);
        t.Registers[AbiConstants.RegRip] = 0x401234;
        s.Kernel.RaiseFault(t, FaultKind.PageFault, 0xdead000, 6);
        s.Check();
        t.State.ShouldBe(TaskState.BlockedOnSend);
        var m = s.Ok(SyscallNumber.Recv, ep, NoCap);
        (m.Result0, m.Result1, m.Result2).ShouldBe((3UL, (ulong)FaultKind.PageFault, 0xdead000UL));
        s.RootTask.Registers[TaskObject.R10].ShouldBe(0x401234UL);
        s.RootTask.Registers[TaskObject.R9].ShouldBe(AbiConstants.InfoCall | AbiConstants.InfoFault);
        t.State.ShouldBe(TaskState.BlockedOnReply);
        s.Ok(SyscallNumber.Reply, 0, 0xFFFF_FFFF, AbiConstants.FaultReplyRestart, 0x402000, 0x7000, 0);
        t.State.ShouldBe(TaskState.Ready);
        t.Registers[AbiConstants.RegRip].ShouldBe(0x402000UL);
        t.Registers[TaskObject.Rsp].ShouldBe(0x7000UL);
    }

    [Fact]
    public void AnUnknownSyscallIsAFaultMessageWhenAHandlerExists()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var (slot, t) = s.MakeTask();
        s.Ok(SyscallNumber.TaskConfigure, slot, Root, ep, 100, NoCap);
        s.Kernel.Syscall(t, 4242).Blocked.ShouldBeTrue();
        s.Check();
        var m = s.Ok(SyscallNumber.Recv, ep, NoCap);
        (m.Result1, m.Result2).ShouldBe(((ulong)FaultKind.UnknownSyscall, 4242UL));
        s.Ok(SyscallNumber.Reply, 0, 0xFFFF_FFFF, AbiConstants.FaultReplyResume, 0, 0, 0);
        ((KernelError)(long)t.Registers[TaskObject.Rax]).ShouldBe(KernelError.UnknownSyscall, "resumed after the syscall with the error");
    }
}
