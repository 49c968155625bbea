using Verified.Kernel.Abi;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>
/// Scheduling: one FIFO ready queue per priority; the head of the highest non-empty queue runs.
/// Round-robin inside a priority happens when a task yields or its instruction budget runs out
/// (it goes to the tail). Everything is deterministic: no host time or randomness.
/// </summary>
public sealed partial class Kernel
{
    /// <summary>The task that should run now, or null when none is ready.</summary>
    public TaskObject? ChooseTask()
    {
        for (var p = AbiConstants.MaxPriority; p >= 0; p--)
        {
            if (readyHead[p] >= 0)
            {
                return (TaskObject)Objects[readyHead[p]]!;
            }
        }

        return null;
    }

    /// <summary>Moves a ready task to the tail of its queue (yield, budget exhausted).</summary>
    public void RotateToTail(TaskObject t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.State != TaskState.Ready)
        {
            return;
        }

        ReadyRemove(t);
        ReadyAdd(t);
    }

    /// <summary>Makes a task ready (appends it to its priority's queue).</summary>
    internal void MakeReady(TaskObject t)
    {
        t.State = TaskState.Ready;
        t.BlockedOn = ObjectRef.None;
        ReadyAdd(t);
    }

    /// <summary>Finishes a blocked operation with a status and makes the task ready.</summary>
    internal void Complete(TaskObject t, KernelError status)
    {
        t.Registers[TaskObject.Rax] = (ulong)(long)status;
        if (t.State != TaskState.Ready)
        {
            MakeReady(t);
        }
    }

    private void ReadyAdd(TaskObject t)
    {
        var p = t.Priority;
        t.QueueNext = -1;
        t.QueuePrev = readyTail[p];
        if (readyTail[p] >= 0)
        {
            ((TaskObject)Objects[readyTail[p]]!).QueueNext = t.Id;
        }
        else
        {
            readyHead[p] = t.Id;
        }

        readyTail[p] = t.Id;
    }

    private void ReadyRemove(TaskObject t)
    {
        var p = t.Priority;
        Unlink(t, ref readyHead[p], ref readyTail[p]);
    }

    /// <summary>Removes a task from an intrusive queue given by head and tail.</summary>
    private void Unlink(TaskObject t, ref int head, ref int tail)
    {
        if (t.QueuePrev >= 0)
        {
            ((TaskObject)Objects[t.QueuePrev]!).QueueNext = t.QueueNext;
        }
        else
        {
            head = t.QueueNext;
        }

        if (t.QueueNext >= 0)
        {
            ((TaskObject)Objects[t.QueueNext]!).QueuePrev = t.QueuePrev;
        }
        else
        {
            tail = t.QueuePrev;
        }

        t.QueueNext = -1;
        t.QueuePrev = -1;
    }

    /// <summary>Appends a task to an intrusive wait queue.</summary>
    private void Append(TaskObject t, ref int head, ref int tail)
    {
        t.QueueNext = -1;
        t.QueuePrev = tail;
        if (tail >= 0)
        {
            ((TaskObject)Objects[tail]!).QueueNext = t.Id;
        }
        else
        {
            head = t.Id;
        }

        tail = t.Id;
    }

    /// <summary>
    /// Takes a task out of whatever it waits in (endpoint queue, notification queue, reply) and
    /// deletes a capability it had queued with a message. The task is left Inactive, not in any queue.
    /// </summary>
    internal void CancelIpc(TaskObject t)
    {
        switch (t.State)
        {
            case TaskState.BlockedOnSend or TaskState.BlockedOnReceive:
                if (Objects[t.BlockedOn.Id] is EndpointObject ep)
                {
                    var h = ep.Head;
                    var tl = ep.Tail;
                    Unlink(t, ref h, ref tl);
                    ep.Head = h;
                    ep.Tail = tl;
                }

                break;
            case TaskState.BlockedOnNotification:
                if (Objects[t.BlockedOn.Id] is NotificationObject n)
                {
                    var h = n.Head;
                    var tl = n.Tail;
                    Unlink(t, ref h, ref tl);
                    n.Head = h;
                    n.Tail = tl;
                }

                break;
            case TaskState.Ready:
                ReadyRemove(t);
                break;
            default:
                break;
        }

        if (!t.InFlight.Cap.IsNull)
        {
            deletions.Push(new SlotAddress(t.Id, 0));
        }

        t.State = TaskState.Inactive;
        t.BlockedOn = ObjectRef.None;
        t.MessageIsCall = false;
        t.MessageIsFault = false;
        t.ReceiveCNode = ObjectRef.None;
    }
}
