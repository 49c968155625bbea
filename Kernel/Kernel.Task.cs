using Verified.Kernel.Abi;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>Task invocations: configure, registers, resume, suspend, destroy, yield, exit, id.</summary>
public sealed partial class Kernel
{
    /// <summary>Exits so far: the task and its exit code, in order.</summary>
    public List<(ObjectRef Task, long Code)> Exits { get; private set; } = [];

    private KernelError DecodeTaskConfigure(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupObject<TaskObject>(caller, a[0], Rights.Write, out _, out var task);
        if (e != KernelError.Ok)
        {
            return e;
        }

        e = LookupObject<CNodeObject>(caller, a[1], Rights.None, out _, out var cspace);
        if (e != KernelError.Ok)
        {
            return e;
        }

        EndpointObject? fault = null;
        ulong faultBadge = 0;
        if (a[2] != AbiConstants.NoCap)
        {
            e = LookupObject<EndpointObject>(caller, a[2], Rights.Write, out var fslot, out var found);
            if (e != KernelError.Ok)
            {
                return e;
            }

            fault = found;
            faultBadge = Slot(fslot).Cap.Badge;
        }

        // spec: task.priority — a task cannot give a priority above its own
        if (a[3] > (ulong)caller.Priority)
        {
            return KernelError.InvalidArgument;
        }

        GrantTableObject? grants = null;
        if (a[4] != AbiConstants.NoCap)
        {
            e = LookupObject<GrantTableObject>(caller, a[4], Rights.Write, out _, out var found);
            if (e != KernelError.Ok)
            {
                return e;
            }

            grants = found;
            if (grants.Owner.IsSome && grants.Owner != task.Ref && Objects.Resolve(grants.Owner) is not null)
            {
                return KernelError.InvalidState; // one grant table, one owner
            }
        }

        // invoke
        task.CSpaceRoot = cspace.Ref;
        if (Faults is not { ConfigureKeepsFaultEndpoint: true } || !task.FaultEndpoint.IsSome)
        {
            task.FaultEndpoint = fault?.Ref ?? ObjectRef.None; // spec: task.configure
            task.FaultBadge = faultBadge;
        }

        if (Objects.Resolve<GrantTableObject>(task.GrantTable) is { } old && old != grants)
        {
            old.Owner = ObjectRef.None;
            RevokeGrantsDerivedFrom(task);
        }

        task.GrantTable = grants?.Ref ?? ObjectRef.None;
        if (grants is not null)
        {
            if (Faults is { BindResetsGrantTable: true } && grants.Owner != task.Ref)
            {
                for (var i = 0; i < grants.Entries.Length; i++) grants.SetEntry(i, GrantEntry.Free(0)); // planted
            }

            grants.Owner = task.Ref;
        }

        SetPriority(task, (int)a[3]);
        return Ok(caller);
    }

    private void SetPriority(TaskObject task, int priority)
    {
        if (task.State == TaskState.Ready)
        {
            ReadyRemove(task);
            task.Priority = priority;
            ReadyAdd(task);
        }
        else
        {
            task.Priority = priority;
        }
    }

    private KernelError DecodeReadRegister(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupObject<TaskObject>(caller, a[0], Rights.Read, out _, out var task);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (a[1] >= AbiConstants.RegisterCount)
        {
            return KernelError.InvalidArgument;
        }

        Return(caller, KernelError.Ok, task.Registers[(int)a[1]]);
        return KernelError.Ok;
    }

    private KernelError DecodeWriteRegister(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupObject<TaskObject>(caller, a[0], Rights.Write, out _, out var task);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (task == caller)
        {
            return KernelError.InvalidState; // the caller's registers carry this call's status and results
        }

        var value = a[2];
        switch (a[1])
        {
            case >= AbiConstants.RegisterCount:
                return KernelError.InvalidArgument;
            case AbiConstants.RegRflags:
                value = (value & 0xCD5) | 0x202; // user-visible flags only; IF stays set, as in user mode
                break;
            case AbiConstants.RegFsBase or AbiConstants.RegGsBase when !IsCanonical(value):
                return KernelError.InvalidArgument;
            default:
                break;
        }

        task.Registers[(int)a[1]] = value;
        return Ok(caller);
    }

    private KernelError DecodeResume(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupObject<TaskObject>(caller, a[0], Rights.Write, out _, out var task);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (task.State == TaskState.Inactive)
        {
            MakeReady(task); // spec: task.resume
        }

        return Ok(caller);
    }

    private KernelError DecodeSuspend(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupObject<TaskObject>(caller, a[0], Rights.Write, out _, out var task);
        if (e != KernelError.Ok)
        {
            return e;
        }

        Ok(caller);
        if (Faults is { SuspendSkipsReadyTask: true } && task.State == TaskState.Ready)
        {
            return KernelError.Ok;
        }

        CancelIpc(task); // spec: task.suspend — leaves every queue; a queued capability is deleted
        task.MessageIsFault = false;
        RunDeletions();
        return KernelError.Ok;
    }

    private KernelError DecodeDestroy(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupObject<TaskObject>(caller, a[0], Rights.Write, out _, out var task);
        if (e != KernelError.Ok)
        {
            return e;
        }

        Ok(caller);
        DestroyTask(task);
        return KernelError.Ok;
    }

    /// <summary>
    /// spec: task.destroy, then cap.delete of every capability naming the task, leaves first
    /// (reverse derivation order), so the last deletion finalises it — as in seL4, where a
    /// thread dies with its last capability and no capability ever names a dead object
    /// (inv.cap_object.names_live_object; finding F2).
    /// </summary>
    private void DestroyTask(TaskObject task)
    {
        if (Faults is { DestroyLeavesCapabilities: true })
        {
            Finalise(task);
            RunDeletions();
            return;
        }

        // CapCount says how many there are: the walk stops at the last one.
        var naming = MdbOrder().Where(s => SlotAt(s).Cap.Object == task.Ref).Take(task.CapCount).Reverse().ToList();
        foreach (var s in naming)
        {
            if (task.IsLive)
            {
                DeleteCap(s);
            }
        }

        if (task.IsLive)
        {
            Finalise(task); // no capability named it (a task whose capabilities were all deleted is finalised then)
            RunDeletions();
        }
    }

    private KernelError InvokeYield(TaskObject caller)
    {
        Ok(caller);
        if (Faults is { YieldDeactivates: true } && caller.State == TaskState.Ready)
        {
            ReadyRemove(caller);
            caller.State = TaskState.Inactive;
            return KernelError.Ok;
        }

        RotateToTail(caller);
        return KernelError.Ok;
    }

    private KernelError InvokeExit(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        caller.ExitCode = (long)a[0];
        Exits.Add((caller.Ref, (long)a[0]));
        DestroyTask(caller);
        return KernelError.Ok;
    }

    private KernelError DecodeTaskId(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        if (a[0] == AbiConstants.NoCap)
        {
            Return(caller, KernelError.Ok, caller.Ref.Packed);
            return KernelError.Ok;
        }

        var e = LookupObject<TaskObject>(caller, a[0], Rights.None, out _, out var task);
        if (e != KernelError.Ok)
        {
            return e;
        }

        Return(caller, KernelError.Ok, task.Ref.Packed);
        return KernelError.Ok;
    }

    internal static bool IsCanonical(ulong va) => va < AbiConstants.UserTop || va >= 0xFFFF_8000_0000_0000;
}
