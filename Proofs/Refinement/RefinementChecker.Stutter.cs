using Verified.Kernel.Abi;
using Verified.Spec;
using Verified.Spec.Kernel;
using Rights = Verified.Kernel.Abi.Rights;

namespace Verified.Proofs.Refinement;

/// <summary>Stutter steps (the identity transition), task suspend (task.suspend) and task configure (task.configure).</summary>
public sealed partial class RefinementChecker
{
    /// <summary>
    /// The spec's identity transition: the abstract post-state must equal the pre-state,
    /// whatever status the kernel gives (its checks concern state the abstraction does not hold).
    /// FrameMap may only raise the watermark of the untyped it took page tables from, within that
    /// untyped's region (D11).
    /// </summary>
    private static (StepVerdict, StepNote, RefinementViolation?) JudgeStutter(SpecCall.Stutter c, ConcreteState before, ConcreteState after, KernelError status)
    {
        var op = $"stutter.{c.Syscall}";
        if (after.Equals(before)) return (StepVerdict.Checked, StepNote.Later(() => $"{op} -> {status}: abstract state unchanged"), null);
        if (c.TablesUntyped is { } ut && status == KernelError.Ok && TablesOnly(before, after, ut))
        {
            return (StepVerdict.Divergence, $"{op}: {Divergences.PageTablesFromUntyped}", null);
        }

        return (StepVerdict.Violation, "", StateMismatch(op, $"{c.Syscall} -> {status} is a stutter step (identity transition) but the kernel changed the abstract state", before, after));
    }

    /// <summary>D11: only UtFree of <paramref name="ut"/> changed, upwards, and stays within the untyped's region.</summary>
    private static bool TablesOnly(ConcreteState before, ConcreteState after, Value ut)
    {
        var withFree = before.With("UtFree", before.Map("UtFree").Store(ut, after.Map("UtFree").Select(ut)));
        if (!withFree.Equals(after)) return false;
        var was = ((BitVecValue)before.Map("UtFree").Select(ut)).Bits;
        var now = ((BitVecValue)after.Map("UtFree").Select(ut)).Bits;
        var end = ((BitVecValue)before.Map("ObjBase").Select(ut)).Bits + ((BitVecValue)before.Map("ObjSize").Select(ut)).Bits;
        return now > was && now <= end;
    }

    private (StepVerdict, StepNote, RefinementViolation?) JudgeSuspend(SpecCall.Suspend c, ConcreteState before, ConcreteState after, KernelError status)
    {
        var label = StepNote.Later(() => $"suspend(cap in {c.CapSlot})");
        var lookup = CapLookup.Expected(before, c.CapSlot, "Task", Rights.Write);
        if (lookup != KernelError.Ok) return Refused("task.suspend", label, lookup, status, before, after);
        var t = CapLookup.ObjectAt(before, c.CapSlot);
        var step = eval.Step("task.suspend", before, new SpecArgs(("t", t)));
        var opLabel = StepNote.Later(() => $"task.suspend(t={t})");
        if (!step.Ok || status != KernelError.Ok)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "task.suspend.status",
                $"{opLabel}: the spec gives {step.Error}, the kernel {status}", before, after));
        }

        var expected = Normalized(step, before);
        if (Same(expected, after))
        {
            IndexesToEqualPost(expected, after);
            return (StepVerdict.Checked, opLabel, null);
        }

        // A capability the task had queued in IPC is deleted (its in-flight slot, and only that one).
        var ghost = InFlight.GhostSlot((int)((BitVecValue)t).Bits);
        if (expected.Map("SlotFull").Select(ghost) is BoolValue { Value: true })
        {
            var del = eval.Step("cap.delete", expected, new Dictionary<string, Value> { ["slot"] = ghost });
            if (del.Ok && Same(Normalized(del, expected), after)) return (StepVerdict.Checked, StepNote.Later(() => $"{opLabel} + cap.delete of its queued capability"), null);
        }

        return (StepVerdict.Violation, "", StateMismatch("task.suspend", opLabel.ToString(), expected, after));
    }

    private (StepVerdict, StepNote, RefinementViolation?) JudgeConfigure(SpecCall.Configure c, ConcreteState before, ConcreteState after, KernelError status)
    {
        var label = StepNote.Later(() => $"configure(task cap in {c.TaskSlot})");
        // The ABI's checks in the kernel's order; the first that fails is the status.
        var abi = CapLookup.Expected(before, c.TaskSlot, "Task", Rights.Write);
        if (abi == KernelError.Ok) abi = CapLookup.Expected(before, c.CSpaceSlot, "CNode", Rights.None);
        if (abi == KernelError.Ok && c.FaultSlot is { } fs) abi = CapLookup.Expected(before, fs, "Endpoint", Rights.Write);
        if (abi == KernelError.Ok && !c.PriorityOk) abi = KernelError.InvalidArgument;
        if (abi == KernelError.Ok && c.GrantSlot is { } gs) abi = CapLookup.Expected(before, gs, "GrantTable", Rights.Write);
        if (abi == KernelError.Ok && !c.GrantOwnerOk) abi = KernelError.InvalidState;
        if (abi != KernelError.Ok) return Refused("task.configure", label, abi, status, before, after);

        var t = CapLookup.ObjectAt(before, c.TaskSlot);
        var ep = c.FaultSlot is { } f ? CapLookup.ObjectAt(before, f) : new BitVecValue(RefinementSpec.Sorts.Obj.Width, 0);
        var args = new SpecArgs(("t", t), ("ep", ep), ("has_ep", BoolValue.Of(c.FaultSlot is not null)));
        var step = eval.Step("task.configure", before, args);
        // Rendered when read (most steps' notes never are).
        var opLabel = StepNote.Later(() => $"task.configure(t={t}, ep={ep}, has_ep={c.FaultSlot is not null})");
        if (!step.Ok || status != KernelError.Ok)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "task.configure.status",
                $"{opLabel}: the ABI's checks pass; the spec gives {step.Error}, the kernel {status}", before, after));
        }

        var expected = Normalized(step, before);
        if (!c.RebindsGrants) return Same(expected, after) ? (StepVerdict.Checked, opLabel, null) : (StepVerdict.Violation, "", StateMismatch("task.configure", opLabel.ToString(), expected, after));
        // D10: the task's grants are read through the table it now has (required even when that
        // changes nothing abstract: a kernel that kept the old table is caught).
        var rebound = Divergences.Rebound(expected, ((BitVecValue)t).Bits, c.BoundGrants, c.RevokesDerived);
        if (!rebound.Equals(after)) return (StepVerdict.Violation, "", StateMismatch("task.configure", $"{opLabel} with the task's grants read through its new grant table (D10)", rebound, after));
        return rebound.Equals(expected) ? (StepVerdict.Checked, opLabel, null) : (StepVerdict.Divergence, StepNote.Later(() => $"{opLabel}: {Divergences.GrantTableRebound}"), null);
    }
}
