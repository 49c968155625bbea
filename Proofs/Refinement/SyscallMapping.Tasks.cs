using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Spec;
using Verified.Spec.Kernel;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Stutter steps, task suspend and task configure → spec calls. What the ABI reads that the
/// abstraction does not hold (the caller's priority, a grant table's owner, which table a task
/// has) is read from the kernel pre-state, as the endpoint queue is for IPC.
/// </summary>
public static partial class SyscallMapping
{
    /// <summary>
    /// Syscalls whose whole effect is outside the abstract state, checked as the identity
    /// transition. Each was read against the kernel (docs/REFINEMENT.md, "Stutter steps"): none
    /// writes a capability, a slot, an object's life or generation, a grant, or a task's
    /// Inactive/running state as the abstraction sees it — except FrameMap's page tables, taken
    /// from an untyped's watermark (D11).
    /// </summary>
    public static IReadOnlySet<SyscallNumber> StutterSyscalls { get; } = new HashSet<SyscallNumber>
    {
        SyscallNumber.Null, SyscallNumber.Signal, SyscallNumber.Wait, SyscallNumber.Poll,
        SyscallNumber.TaskReadRegister, SyscallNumber.TaskWriteRegister, SyscallNumber.Yield, SyscallNumber.TaskId,
        SyscallNumber.FrameMap, SyscallNumber.FrameUnmap, SyscallNumber.ConsoleWrite, SyscallNumber.CapIdentify,
    };

    private static SpecCall DecideStutter(KernelImpl kernel, TaskObject caller, SyscallNumber n, ReadOnlySpan<ulong> a)
    {
        Value? tables = null;
        if (n == SyscallNumber.FrameMap && a[4] != AbiConstants.NoCap && ObjectAtCptr<UntypedObject>(kernel, caller, a[4]) is { } ut)
        {
            tables = Bv(K.Obj, (ulong)ut.Id);
        }

        return new SpecCall.Stutter(n.ToString(), tables);
    }

    private static SpecCall DecideConfigure(KernelImpl kernel, TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var task = ObjectAtCptr<TaskObject>(kernel, caller, a[0]);
        var grants = a[4] == AbiConstants.NoCap ? null : ObjectAtCptr<GrantTableObject>(kernel, caller, a[4]);
        // The kernel's "one grant table, one owner": a table owned by another live task is refused.
        var ownerOk = grants is null || task is null || !grants.Owner.IsSome || grants.Owner == task.Ref || kernel.Objects.Resolve(grants.Owner) is null;
        var current = task is null ? null : kernel.Objects.Resolve<GrantTableObject>(task.GrantTable);
        // D10: the table the task will be read through, its entries as they are now (the kernel keeps
        // them); built only when the kernel-side checks pass (a refused configure changes nothing)
        // and some entry was used (a fresh table reads as no grants, as no table does).
        ConcreteState? bound = null;
        if (task is not null && grants is not null && current != grants && ownerOk && a[3] <= (ulong)caller.Priority && Used(grants.View))
        {
            var b = new Abstraction.Builder();
            Abstraction.CollectGrants(b, task.Id, grants.View, null);
            bound = b.Build();
        }

        return new SpecCall.Configure(
            CptrSlot(kernel, caller, a[0]),
            CptrSlot(kernel, caller, a[1]),
            a[2] == AbiConstants.NoCap ? null : CptrSlot(kernel, caller, a[2]),
            a[3] <= (ulong)caller.Priority,
            a[4] == AbiConstants.NoCap ? null : CptrSlot(kernel, caller, a[4]),
            ownerOk,
            current != grants,
            bound,
            current is not null && current != grants);
    }

    private static bool Used(ReadOnlySpan<GrantEntry> entries)
    {
        foreach (var e in entries)
        {
            if (e.InUse || e.Generation != 0) return true;
        }

        return false;
    }

    /// <summary>
    /// Reply: without a capability, a stutter step (the caller's reply target becomes ready:
    /// Runnable to the abstraction before and after); with one, ipc.reply_transfer into the
    /// slot the caller named at its call, with the grant right its endpoint capability had then.
    /// </summary>
    private static SpecCall DecideReply(KernelImpl kernel, TaskObject caller, ReadOnlySpan<ulong> a, CapIdentities ids)
    {
        var cptr = a[1] & NoCap32;
        if (cptr == NoCap32) return new SpecCall.Stutter(nameof(SyscallNumber.Reply), null);
        var target = kernel.Objects.Resolve<TaskObject>(caller.ReplyTo) is { State: Verified.Kernel.Objects.TaskState.BlockedOnReply } t ? t : null;
        return new SpecCall.ReplyTransfer(target is not null, CptrSlot(kernel, caller, cptr),
            target is null ? Bv(K.Slot, AbsentObject << K.Config.CNodeIndexBits) : ReceiveSlotOf(kernel, target),
            Bv(K.CapId, ids.NextFresh), target?.CallerCanGrant ?? false);
    }

    /// <summary>The live object of type <typeparamref name="T"/> the capability at a cptr of the caller's root CNode names, if any.</summary>
    private static T? ObjectAtCptr<T>(KernelImpl kernel, TaskObject caller, ulong cptr)
        where T : KernelObject
    {
        var root = kernel.Objects.Resolve<CNodeObject>(caller.CSpaceRoot);
        return root is not null && cptr < (ulong)root.View.Length ? kernel.Objects.Resolve<T>(root.View[(int)cptr].Cap.Object) : null;
    }
}
