using Verified.Kernel.Abi;
using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>Grant creation compared with grant.create_direct / grant.create_indirect.</summary>
public sealed partial class RefinementChecker
{
    private (StepVerdict, StepNote, RefinementViolation?) JudgeGrantCreate(SpecCall.GrantCreate c, ConcreteState before, ConcreteState after, KernelError status)
    {
        var label = StepNote.Later(() => SpecCallLabel.Of(c.Operation, c.Args));
        if (c.AbiStatus != KernelError.Ok) return Refused(c.Operation, StepNote.Later(() => $"{label}: the ABI's argument checks"), c.AbiStatus, status, before, after);
        var step = eval.Step(c.Operation, before, c.Args);
        if (step.Ok && status == KernelError.Ok)
        {
            var expected = Normalized(step, before);
            return Same(expected, after) ? (StepVerdict.Checked, label, null) : (StepVerdict.Violation, "", StateMismatch(c.Operation, label.ToString(), expected, after));
        }

        if (status == KernelError.Ok)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", $"{c.Operation}.status", $"{label}: the spec refuses ({step.Error}), the kernel created the grant", before, after));
        }

        if (!after.Equals(before)) return (StepVerdict.Violation, "", StateMismatch(c.Operation, $"{label} refused ({status}) but the kernel changed the state", before, after));
        if (step.Ok)
        {
            // D8: the kernel verifies the source's whole chain at creation (as safecopy would); the spec one link.
            var brokenChain = c.Operation == "grant.create_indirect"
                && !eval.SafecopyOk(before, c.Args["owner"], c.Args["srcOwner"], c.Args["srcIndex"], c.Args["srcGen"], c.Args["base"], c.Args["len"], c.Args["access"]);
            return brokenChain && status is KernelError.GrantInvalid or KernelError.GrantChainTooDeep
                ? (StepVerdict.Divergence, $"{label} -> {status}: {Divergences.IndirectWholeChain}", null)
                : (StepVerdict.Violation, "", new RefinementViolation("refinement", $"{c.Operation}.status", $"{label}: the spec allows it, the kernel refused ({status})", before, after));
        }

        // The kernel reports every failing link check of an indirect grant's source as GrantInvalid (GrantRefusals).
        var failing = FailingChecks.Of(eval, c.Operation, before, c.Args);
        return GrantRefusals.Agree(c.Operation, status, failing)
            ? (StepVerdict.Checked, StepNote.Later(() => $"{label} -> {status} ({string.Join("/", failing)})"), null)
            : (StepVerdict.Violation, "", new RefinementViolation("refinement", $"{c.Operation}.status", $"{label}: the spec refuses ({string.Join("/", failing)}), the kernel gives {status}", before, after));
    }
}
