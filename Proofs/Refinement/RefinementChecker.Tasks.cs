using Verified.Kernel.Abi;
using Verified.Spec;
using Verified.Spec.Kernel;
using Rights = Verified.Kernel.Abi.Rights;

namespace Verified.Proofs.Refinement;

/// <summary>Task resume compared with task.create.</summary>
public sealed partial class RefinementChecker
{
    private (StepVerdict, StepNote, RefinementViolation?) JudgeResume(SpecCall.Resume c, ConcreteState before, ConcreteState after, KernelError status)
    {
        var label = $"resume(cap in {c.CapSlot})";
        var lookup = CapLookup.Expected(before, c.CapSlot, "Task", Rights.Write);
        if (lookup != KernelError.Ok) return Refused("task.create", label, lookup, status, before, after);
        if (status != KernelError.Ok)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "task.create.status", $"{label}: the lookup passes, the kernel refused ({status})", before, after));
        }

        var t = CapLookup.ObjectAt(before, c.CapSlot);
        var running = ((EnumValue)before.Map("TaskState").Select(t)).Member != "Inactive";
        if (!running && c.FaultEp is { } ep)
        {
            var args = new Dictionary<string, Value> { ["t"] = t, ["ep"] = ep };
            var step = eval.Step("task.create", before, args);
            var opLabel = $"task.create(t={t}, ep={ep})";
            if (!step.Ok) return (StepVerdict.Violation, "", new RefinementViolation("refinement", "task.create.status", $"{opLabel}: the spec refuses ({step.Error}), the kernel resumed the task", before, after));
            var expected = Normalized(step, before);
            return Same(expected, after) ? (StepVerdict.Checked, opLabel, null) : (StepVerdict.Violation, "", StateMismatch("task.create", opLabel, expected, after));
        }

        // D9: the task becomes (or stays) runnable and nothing but its task fields changes.
        var runnable = Junk.Normalize(before.With("TaskState", before.Map("TaskState").Store(t, new EnumValue(KernelSorts.TaskState, "Runnable"))), before);
        var differing = runnable.DifferingFields(after).ToList();
        return differing.All(f => f.StartsWith("TaskFault", StringComparison.Ordinal)) && after.Map("TaskState").Select(t).Equals(runnable.Map("TaskState").Select(t))
            ? (StepVerdict.Divergence, $"{label}: {Divergences.ResumeWithoutFaultEndpoint}", null)
            : (StepVerdict.Violation, "", StateMismatch("task.create", $"{label} of a task without a live fault endpoint or already running", runnable, after));
    }
}
