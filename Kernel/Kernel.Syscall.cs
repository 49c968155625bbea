using Verified.Kernel.Abi;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>The result of one syscall driven through the C# API.</summary>
public sealed record SyscallOutcome(KernelError Status, ulong Result0, ulong Result1, ulong Result2, TaskState StateAfter, bool Restarted)
{
    /// <summary>True when the caller is blocked (the status arrives when it wakes).</summary>
    public bool Blocked => StateAfter is not TaskState.Ready and not TaskState.Inactive;
}

/// <summary>Syscall entry: read the ABI registers, dispatch to the decoder, write the status.</summary>
public sealed partial class Kernel
{
    /// <summary>
    /// Drives one syscall from a task through the C# API: the arguments are put in the task's
    /// registers as the ABI says, then the same entry as a `syscall` instruction runs.
    /// </summary>
    public SyscallOutcome Syscall(TaskObject task, SyscallNumber number, params ulong[] args)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 6)
        {
            throw new ArgumentException("a syscall takes at most 6 arguments", nameof(args));
        }

        return Syscall(task, (long)number, args);
    }

    /// <summary>As the typed overload, with a raw number (for testing unknown numbers).</summary>
    public SyscallOutcome Syscall(TaskObject task, long number, params ulong[] args)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(args);
        if (!task.IsLive || task.State != TaskState.Ready)
        {
            throw new InvalidOperationException($"task {task.Ref} is {(task.IsLive ? task.State.ToString() : "dead")}; only a ready task can make a syscall");
        }

        var regs = new[] { TaskObject.Rdi, TaskObject.Rsi, TaskObject.Rdx, TaskObject.R10, TaskObject.R8, TaskObject.R9 };
        task.Registers[TaskObject.Rax] = (ulong)number;
        for (var i = 0; i < 6; i++)
        {
            task.Registers[regs[i]] = i < args.Length ? args[i] : 0;
        }

        var restarted = HandleSyscall(task);
        return new SyscallOutcome((KernelError)(long)task.Registers[TaskObject.Rax], task.Registers[TaskObject.Rdi], task.Registers[TaskObject.Rsi], task.Registers[TaskObject.Rdx], task.IsLive ? task.State : TaskState.Inactive, restarted);
    }

    /// <summary>
    /// The kernel entry for `syscall` by a ready task whose registers are saved in the task.
    /// Returns true when the call was restarted (a preempted revoke): rip was moved back onto the
    /// 2-byte `syscall` instruction and the task went to the tail of its queue.
    /// </summary>
    public bool HandleSyscall(TaskObject caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        SyscallCount++;
        Span<ulong> a = stackalloc ulong[6];
        a[0] = caller.Registers[TaskObject.Rdi];
        a[1] = caller.Registers[TaskObject.Rsi];
        a[2] = caller.Registers[TaskObject.Rdx];
        a[3] = caller.Registers[TaskObject.R10];
        a[4] = caller.Registers[TaskObject.R8];
        a[5] = caller.Registers[TaskObject.R9];
        var raw = (long)caller.Registers[TaskObject.Rax];
        var restart = false;
        Observer?.Before(this, caller, raw, a);
        var status = Enum.IsDefined((SyscallNumber)raw) ? Dispatch(caller, (SyscallNumber)raw, a, out restart) : KernelError.UnknownSyscall;
        if (restart)
        {
            caller.Registers[AbiConstants.RegRip] -= 2;
            RotateToTail(caller);
        }
        else if (status == KernelError.UnknownSyscall)
        {
            Return(caller, KernelError.UnknownSyscall);
            Fault(caller, FaultKind.UnknownSyscall, (ulong)raw, 0); // part of this syscall's step (not RaiseFault's own)
        }
        else if (status != KernelError.Ok)
        {
            Return(caller, status);
        }

        Observer?.After(this, caller, raw, a, status, restart);
        if (Events is not null)
        {
            Emit(new KernelEvent.Syscall(caller.Ref, (SyscallNumber)raw, a.ToArray(), status, caller.IsLive && caller.State != TaskState.Ready));
        }

        return restart;
    }

    private KernelError Dispatch(TaskObject caller, SyscallNumber number, ReadOnlySpan<ulong> a, out bool restart)
    {
        restart = false;
        switch (number)
        {
            case SyscallNumber.Null: return Ok(caller);
            case SyscallNumber.CNodeCopy: return DecodeCNodeCopy(caller, a, mint: false);
            case SyscallNumber.CNodeMint: return DecodeCNodeCopy(caller, a, mint: true);
            case SyscallNumber.CNodeMove: return DecodeCNodeMove(caller, a, mutate: false);
            case SyscallNumber.CNodeMutate: return DecodeCNodeMove(caller, a, mutate: true);
            case SyscallNumber.CNodeDelete: return DecodeCNodeDelete(caller, a);
            case SyscallNumber.CNodeRevoke: return DecodeCNodeRevoke(caller, a, out restart);
            case SyscallNumber.UntypedRetype: return DecodeRetype(caller, a);
            case SyscallNumber.Send: return DecodeSend(caller, a, blocking: true, call: false);
            case SyscallNumber.NBSend: return DecodeSend(caller, a, blocking: false, call: false);
            case SyscallNumber.Call: return DecodeSend(caller, a, blocking: true, call: true);
            case SyscallNumber.Recv: return DecodeRecv(caller, a, blocking: true);
            case SyscallNumber.NBRecv: return DecodeRecv(caller, a, blocking: false);
            case SyscallNumber.Reply: return DecodeReply(caller, a);
            case SyscallNumber.ReplyRecv: return DecodeReplyRecv(caller, a);
            case SyscallNumber.Signal: return DecodeSignal(caller, a);
            case SyscallNumber.Wait: return DecodeWait(caller, a, blocking: true);
            case SyscallNumber.Poll: return DecodeWait(caller, a, blocking: false);
            case SyscallNumber.TaskConfigure: return DecodeTaskConfigure(caller, a);
            case SyscallNumber.TaskReadRegister: return DecodeReadRegister(caller, a);
            case SyscallNumber.TaskWriteRegister: return DecodeWriteRegister(caller, a);
            case SyscallNumber.TaskResume: return DecodeResume(caller, a);
            case SyscallNumber.TaskSuspend: return DecodeSuspend(caller, a);
            case SyscallNumber.TaskDestroy: return DecodeDestroy(caller, a);
            case SyscallNumber.Yield: return InvokeYield(caller);
            case SyscallNumber.Exit: return InvokeExit(caller, a);
            case SyscallNumber.TaskId: return DecodeTaskId(caller, a);
            case SyscallNumber.FrameMap: return DecodeFrameMap(caller, a);
            case SyscallNumber.FrameUnmap: return DecodeFrameUnmap(caller, a);
            case SyscallNumber.GrantCreate: return DecodeGrantCreate(caller, a);
            case SyscallNumber.GrantCreateIndirect: return DecodeGrantCreateIndirect(caller, a);
            case SyscallNumber.GrantRevoke: return DecodeGrantRevoke(caller, a);
            case SyscallNumber.SafeCopyFrom: return DecodeSafeCopy(caller, a, toGrant: false);
            case SyscallNumber.SafeCopyTo: return DecodeSafeCopy(caller, a, toGrant: true);
            case SyscallNumber.ConsoleWrite: return DecodeConsoleWrite(caller, a);
            case SyscallNumber.CapIdentify: return DecodeCapIdentify(caller, a);
            default: return KernelError.UnknownSyscall;
        }
    }

    private KernelError DecodeCapIdentify(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupSlotAddress(caller, a[0], a[1], out var slot);
        if (e != KernelError.Ok)
        {
            return e;
        }

        var cap = SlotAt(slot).Cap; // a read: not logged
        Return(caller, KernelError.Ok, (ulong)cap.Type, (ulong)cap.Rights, cap.Badge);
        return KernelError.Ok;
    }

    /// <summary>Writes status and results into a task's registers.</summary>
    internal static void Return(TaskObject t, KernelError status, ulong r0 = 0, ulong r1 = 0, ulong r2 = 0)
    {
        t.Registers[TaskObject.Rax] = (ulong)(long)status;
        t.Registers[TaskObject.Rdi] = r0;
        t.Registers[TaskObject.Rsi] = r1;
        t.Registers[TaskObject.Rdx] = r2;
    }

    private static KernelError Ok(TaskObject caller)
    {
        caller.Registers[TaskObject.Rax] = 0;
        return KernelError.Ok;
    }
}
