using Verified.Kernel.Abi;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>Notifications: signal ORs the capability's badge into the word; wait blocks for a non-zero word; poll never blocks.</summary>
public sealed partial class Kernel
{
    private KernelError DecodeSignal(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupObject<NotificationObject>(caller, a[0], Rights.Write, out var slot, out var n);
        if (e != KernelError.Ok)
        {
            return e;
        }

        var badge = Slot(slot).Cap.Badge;
        var bits = badge == 0 ? 1UL : badge;
        if (Faults is { SignalClearsBadge: true })
        {
            Slot(slot).Cap = Slot(slot).Cap with { Badge = 0 };
        }

        if (n.Head >= 0)
        {
            var w = (TaskObject)Objects[n.Head]!;
            var h = n.Head;
            var t = n.Tail;
            Unlink(w, ref h, ref t);
            n.Head = h;
            n.Tail = t;
            w.State = TaskState.Inactive;
            Complete(w, KernelError.Ok);
            w.Registers[TaskObject.Rdi] = n.Word | bits;
            n.Word = 0;
        }
        else
        {
            n.Word |= bits; // spec: notification.signal — bits accumulate until consumed
        }

        return Ok(caller);
    }

    private KernelError DecodeWait(TaskObject caller, ReadOnlySpan<ulong> a, bool blocking)
    {
        var e = LookupObject<NotificationObject>(caller, a[0], Rights.Read, out _, out var n);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (n.Word != 0 || !blocking)
        {
            var word = n.Word;
            n.Word = 0;
            Return(caller, KernelError.Ok, word);
            return KernelError.Ok;
        }

        if (caller.State == TaskState.Ready)
        {
            ReadyRemove(caller);
        }

        caller.State = TaskState.BlockedOnNotification;
        caller.BlockedOn = n.Ref;
        var head = n.Head;
        var tail = n.Tail;
        Append(caller, ref head, ref tail);
        n.Head = head;
        n.Tail = tail;
        return KernelError.Ok;
    }
}
