using Verified.Kernel.Abi;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>
/// Faults: a fault becomes a fault message on the task's fault endpoint, sent as a call (the
/// handler's reply resumes or restarts the task). Message: mr0 = kind, mr1 = address (or the
/// unknown syscall number), mr2 = rip, mr3 = error code or vector. Without a live fault endpoint
/// (of the generation recorded when it was set) the task stops. Spec: task.crash, whose result
/// delivered says which (the refinement checker's D12 shows its Faulted state as one or the other).
/// </summary>
public sealed partial class Kernel
{
    /// <summary>Sees each fault raised by <see cref="RaiseFault"/> (the refinement checker); null: none.</summary>
    public IFaultObserver? FaultObserver { get; set; }

    /// <summary>
    /// Handles a fault of a ready task raised outside a syscall (the run loop's CPU exceptions),
    /// seen by <see cref="FaultObserver"/> as a step of its own.
    /// </summary>
    public void RaiseFault(TaskObject task, FaultKind kind, ulong address, ulong code)
    {
        ArgumentNullException.ThrowIfNull(task);
        var observer = FaultObserver;
        observer?.BeforeFault(this, task, kind, address, code);
        Fault(task, kind, address, code);
        observer?.AfterFault(this, task, kind, address, code);
    }

    /// <summary>Handles a fault of a ready task (inside a syscall: an unknown number, part of the syscall's step).</summary>
    private void Fault(TaskObject task, FaultKind kind, ulong address, ulong code)
    {
        var rip = task.Registers[AbiConstants.RegRip];
        var ep = Faults is { FaultIgnoresEndpointGeneration: true } ? FaultEndpointByIndex(task) : Objects.Resolve<EndpointObject>(task.FaultEndpoint);
        Emit(new KernelEvent.Fault(task.Ref, kind, address, rip, ep is not null));
        if (ep is null)
        {
            task.StopReason = $"{kind} at rip 0x{rip:x} (address 0x{address:x}, code 0x{code:x}) with no fault endpoint";
            CancelIpc(task);
            RunDeletions();
            return;
        }

        MessageWords words = default;
        words[0] = (ulong)kind;
        words[1] = address;
        words[2] = rip;
        words[3] = code;
        var receiver = FirstWaiter(ep, TaskState.BlockedOnReceive);
        var faultCap = new Caps.Capability(ObjectType.Endpoint, ep.Ref, Rights.Write, task.FaultBadge, ObjectRef.None, 0);
        if (receiver is not null)
        {
            DequeueFromEndpoint(receiver, ep);
            Deliver(receiver, task.FaultBadge, words, AbiConstants.InfoCall | AbiConstants.InfoFault, SlotAddress.None);
            task.ReceiveCNode = ObjectRef.None;
            BlockOnReply(task, receiver, canGrant: false);
            task.MessageIsFault = true;
            return;
        }

        InvokeSend(task, ep, faultCap, words, SlotAddress.None, call: true, replySlot: -1, receiver: null);
        task.MessageIsFault = true;
    }

    // The planted fault FaultIgnoresEndpointGeneration: the live endpoint at the recorded index, whatever its generation.
    private EndpointObject? FaultEndpointByIndex(TaskObject task) =>
        task.FaultEndpoint.IsSome && Objects[task.FaultEndpoint.Id] is EndpointObject { IsLive: true } e ? e : null;
}
