using Verified.Kernel.Abi;
using Verified.Spec;
using Verified.Spec.Kernel;
using Rights = Verified.Kernel.Abi.Rights;

namespace Verified.Proofs.Refinement;

/// <summary>IPC steps: the capability each one moves is a spec operation; a message alone leaves the abstract state unchanged.</summary>
public sealed partial class RefinementChecker
{
    private (StepVerdict, StepNote, RefinementViolation?) JudgeSend(SpecCall.IpcSend c, ConcreteState before, ConcreteState after, KernelError status)
    {
        // Notes are rendered when read (most never are).
        var label = StepNote.Later(() => $"{c.Syscall}(ep={c.EpSlot}{(c.Src is null ? "" : $", transfer {c.Src} -> {c.Dst?.ToString() ?? "none"}")})");
        var lookup = CapLookup.Expected(before, c.EpSlot, "Endpoint", Rights.Write);
        if (lookup != KernelError.Ok) return Refused("ipc.send", label, lookup, status, before, after);
        if (c.Src is { } src)
        {
            // The sender's checks of ipc.transfer (endpoint, grant right, source), with a destination that passes.
            var senderErrors = FailingChecks.Of(eval, "ipc.transfer", before, TransferArgs(c.EpSlot, src, InFlight.GhostSlot((int)RefinementSpec.Sorts.Index.Mask), c.Id));
            if (senderErrors.Count > 0)
            {
                if (status == KernelError.Ok || !senderErrors.Any(e => ErrorMap.Agree(status, e)))
                {
                    return (StepVerdict.Violation, "", new RefinementViolation("refinement", "ipc.transfer.status",
                        $"{label}: the spec refuses the transfer ({string.Join("/", senderErrors)}), the kernel gives {status}", before, after));
                }

                return after.Equals(before)
                    ? (StepVerdict.Checked, StepNote.Later(() => $"{label} -> {status} (ipc.transfer: {string.Join("/", senderErrors)})"), null)
                    : (StepVerdict.Violation, "", StateMismatch("ipc.transfer", $"{label} refused but the kernel changed the state", before, after));
            }
        }

        if (c.ReplySlot is { } reply && ReceiveSlotStatus(before, reply) is var rs && rs != KernelError.Ok)
        {
            var replySlot = reply;
            return Refused("ipc.send", StepNote.Later(() => $"{label} reply slot {replySlot}"), rs, status, before, after);
        }

        if (c.Dst is null) return Refused("ipc.send", StepNote.Later(() => $"{label}: no receiver"), KernelError.WouldBlock, status, before, after);
        if (status != KernelError.Ok)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "ipc.send.status",
                $"{label}: the spec and the ABI allow the send, the kernel refused it ({status})", before, after));
        }

        if (c.Src is null) return Unchanged("ipc.send", StepNote.Later(() => $"{label}: a message without a capability"), before, after);
        var step = eval.Step("ipc.transfer", before, TransferArgs(c.EpSlot, c.Src, c.Dst, c.Id));
        if (!step.Ok)
        {
            // Only the receiver's side can fail here (the sender's checks passed above).
            return after.Equals(before)
                ? (StepVerdict.Divergence, StepNote.Later(() => $"{label}: {Divergences.NoRoomAtReceiver} ({step.Error})"), null)
                : (StepVerdict.Violation, "", StateMismatch("ipc.transfer", $"{label}: the receiver has no room ({step.Error}) but the kernel changed the state", before, after));
        }

        var expected = Normalized(step, before);
        var opLabel = StepNote.Later(() => $"ipc.transfer(ep={c.EpSlot}, src={c.Src}, dst={c.Dst}, id={c.Id})");
        return Same(expected, after) ? (StepVerdict.Checked, opLabel, null) : (StepVerdict.Violation, "", StateMismatch("ipc.transfer", opLabel.ToString(), expected, after));
    }

    private (StepVerdict, StepNote, RefinementViolation?) JudgeRecv(SpecCall.IpcRecv c, ConcreteState before, ConcreteState after, KernelError status)
    {
        var label = StepNote.Later(() => $"{c.Syscall}(ep={c.EpSlot}, slot={c.RecvSlot?.ToString() ?? "none"})");
        var lookup = CapLookup.Expected(before, c.EpSlot, "Endpoint", Rights.Read);
        if (lookup != KernelError.Ok) return Refused("ipc.recv", label, lookup, status, before, after);
        if (c.RecvSlot is { } slot && ReceiveSlotStatus(before, slot) is var rs && rs != KernelError.Ok)
        {
            return Refused("ipc.recv", label, rs, status, before, after);
        }

        if (!c.SenderWaiting) return Refused("ipc.recv", StepNote.Later(() => $"{label}: no sender"), c.Blocking ? KernelError.Ok : KernelError.WouldBlock, status, before, after);
        if (status != KernelError.Ok)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "ipc.recv.status",
                $"{label}: a sender waits, the kernel refused the receive ({status})", before, after));
        }

        if (c.InFlight is not { } inFlight) return Unchanged("ipc.recv", StepNote.Later(() => $"{label}: a message without a capability"), before, after);

        // Delivery of the queued capability: moved into the receive slot when there is one and it is still usable, else deleted.
        var usable = CapLookup.Expected(before, inFlight, TypeOfCapAt(before, inFlight), Rights.None) == KernelError.Ok;
        var (op, args) = c.RecvSlot is { } dst && usable
            ? ("cap.move", new Dictionary<string, Value> { ["src"] = inFlight, ["dst"] = dst })
            : ("cap.delete", new Dictionary<string, Value> { ["slot"] = inFlight });
        var step = eval.Step(op, before, args);
        var opLabel = StepNote.Later(() => $"{op}({string.Join(", ", args.Select(x => $"{x.Key}={x.Value}"))}) delivering the queued capability");
        if (!step.Ok)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", $"{op}.status", $"{label}: {opLabel} is refused by the spec ({step.Error})", before, after));
        }

        var expected = Normalized(step, before);
        return Same(expected, after) ? (StepVerdict.Checked, opLabel, null) : (StepVerdict.Violation, "", StateMismatch(op, opLabel.ToString(), expected, after));
    }

    /// <summary>
    /// A reply carrying a capability: NoReplyTarget without a caller waiting; the replier's checks
    /// of ipc.reply_transfer (grant right of the reply capability, source) decide acceptance; the
    /// caller's side (its reply slot) failing is D6 (the reply goes without the capability).
    /// </summary>
    private (StepVerdict, StepNote, RefinementViolation?) JudgeReplyTransfer(SpecCall.ReplyTransfer c, ConcreteState before, ConcreteState after, KernelError status)
    {
        var label = $"Reply(transfer {c.Src} -> {c.Dst}, grant={c.Grant})";
        if (!c.HasTarget) return Refused("ipc.reply_transfer", $"{label}: no caller waits for a reply", KernelError.NoReplyTarget, status, before, after);
        var args = (Value dst) => new Dictionary<string, Value> { ["src"] = c.Src, ["dst"] = dst, ["id"] = c.Id, ["grant"] = BoolValue.Of(c.Grant) };
        var replierErrors = FailingChecks.Of(eval, "ipc.reply_transfer", before, args(InFlight.GhostSlot((int)RefinementSpec.Sorts.Index.Mask)));
        if (replierErrors.Count > 0)
        {
            if (status == KernelError.Ok || !replierErrors.Any(e => ErrorMap.Agree(status, e)))
            {
                return (StepVerdict.Violation, "", new RefinementViolation("refinement", "ipc.reply_transfer.status",
                    $"{label}: the spec refuses the transfer ({string.Join("/", replierErrors)}), the kernel gives {status}", before, after));
            }

            return after.Equals(before)
                ? (StepVerdict.Checked, $"{label} -> {status} (ipc.reply_transfer: {string.Join("/", replierErrors)})", null)
                : (StepVerdict.Violation, "", StateMismatch("ipc.reply_transfer", $"{label} refused but the kernel changed the state", before, after));
        }

        if (status != KernelError.Ok)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "ipc.reply_transfer.status",
                $"{label}: the spec allows the reply, the kernel refused it ({status})", before, after));
        }

        var step = eval.Step("ipc.reply_transfer", before, args(c.Dst));
        if (!step.Ok)
        {
            return after.Equals(before)
                ? (StepVerdict.Divergence, $"{label}: {Divergences.NoRoomAtReceiver} ({step.Error})", null)
                : (StepVerdict.Violation, "", StateMismatch("ipc.reply_transfer", $"{label}: the caller has no room ({step.Error}) but the kernel changed the state", before, after));
        }

        var expected = Normalized(step, before);
        var opLabel = $"ipc.reply_transfer(src={c.Src}, dst={c.Dst}, id={c.Id}, grant={c.Grant})";
        return Same(expected, after) ? (StepVerdict.Checked, opLabel, null) : (StepVerdict.Violation, "", StateMismatch("ipc.reply_transfer", opLabel, expected, after));
    }

    /// <summary>
    /// Capabilities queued in IPC that a finalisation cancelled (an endpoint or task died with
    /// blocked senders): live in <paramref name="expected"/>, gone in <paramref name="after"/>, in
    /// ghost in-flight slots. Each is one cap.delete on the expected state.
    /// </summary>
    private (ConcreteState State, int Count) CancelledTransfers(ConcreteState expected, ConcreteState after)
    {
        var liveAfter = after.Map("CapLive");
        var full = expected.Map("SlotFull");
        var queued = expected.Map("SlotCap").Entries
            .Where(e => InFlight.IsGhost(e.Key) && full.Select(e.Key) is BoolValue { Value: true } && liveAfter.Select(e.Value) is BoolValue { Value: false } && SendCancelled(e.Key))
            .Select(e => e.Key).ToList();
        var state = expected;
        foreach (var slot in queued)
        {
            var st = eval.Step("cap.delete", state, new Dictionary<string, Value> { ["slot"] = slot });
            if (!st.Ok) return (expected, 0);
            state = Normalized(st, state);
        }

        return (state, queued.Count);
    }

    /// <summary>
    /// The send queued in ghost slot <paramref name="ghost"/> was cancelled by the step judged: its
    /// sender (the slot's index) is no longer a live task blocked sending in the kernel after the
    /// step (cancelling IPC makes it inactive; finalising kills it). Only then is the queued
    /// capability's deletion a cancelled transfer: a kernel that drops it and leaves the sender
    /// queued delivers the message without it later — not a spec step.
    /// </summary>
    private bool SendCancelled(Value ghost)
    {
        var task = (int)(((BitVecValue)ghost).Bits & RefinementSpec.Sorts.Index.Mask);
        return judging is { } k && k.Objects[task] is not Verified.Kernel.Objects.TaskObject { IsLive: true, State: Verified.Kernel.Objects.TaskState.BlockedOnSend };
    }

    private static Dictionary<string, Value> TransferArgs(Value ep, Value src, Value dst, Value id) =>
        new() { ["ep"] = ep, ["src"] = src, ["dst"] = dst, ["id"] = id };

    /// <summary>The ABI's check of a receive slot (in the caller's root CNode, empty).</summary>
    private static KernelError ReceiveSlotStatus(ConcreteState s, Value slot)
    {
        var k = RefinementSpec.Sorts;
        var cnode = new BitVecValue(k.Obj.Width, ((BitVecValue)slot).Bits >> k.Config.CNodeIndexBits);
        if (s.Map("ObjAlive").Select(cnode) is not BoolValue { Value: true }) return KernelError.InvalidCapability;
        return s.Map("SlotFull").Select(slot) is BoolValue { Value: true } ? KernelError.SlotOccupied : KernelError.Ok;
    }

    private static string TypeOfCapAt(ConcreteState s, Value slot) =>
        ((EnumValue)s.Map("ObjType").Select(CapLookup.ObjectAt(s, slot))).Member;

    private static (StepVerdict, StepNote, RefinementViolation?) Refused(string op, StepNote label, KernelError expected, KernelError status, ConcreteState before, ConcreteState after)
    {
        if (status != expected)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", $"{op}.status", $"{label}: expected {expected}, the kernel gives {status}", before, after));
        }

        return after.Equals(before)
            ? (StepVerdict.Checked, StepNote.Later(() => $"{label} -> {status}"), null)
            : (StepVerdict.Violation, "", StateMismatch(op, $"{label} -> {status} but the kernel changed the state", before, after));
    }

    private static (StepVerdict, StepNote, RefinementViolation?) Unchanged(string op, StepNote label, ConcreteState before, ConcreteState after) =>
        after.Equals(before)
            ? (StepVerdict.Checked, StepNote.Later(() => $"{label}: abstract state unchanged"), null)
            : (StepVerdict.Violation, "", StateMismatch(op, $"{label} changed the abstract state", before, after));
}
