using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Every check of a spec operation that fails on a state, not only the first. The spec's check
/// order is not part of the kernel's contract (seL4 and this kernel decode in their own order),
/// so a refused call agrees when the kernel's error maps to any failing check.
/// </summary>
public static class FailingChecks
{
    public static IReadOnlyList<string> Of(string operation, ConcreteState state, IReadOnlyDictionary<string, Value> args)
    {
        var spec = RefinementSpec.Spec;
        var op = spec.Operation(operation);
        var ctx = new Ctx(spec.Sorts, Quantify.Over(EvalDomains.For(spec.Sorts, state, op.Args.Select(a => (a.Role, args[a.Name])))));
        var pre = KernelState.Symbolic(spec.Sorts, "s.");
        var symArgs = op.SymbolicArgs(spec.Sorts, "a.");
        var step = op.Body(ctx, pre, symArgs);
        var assignment = state.Bind(Assignment.Empty, "s.");
        foreach (var a in op.Args) assignment = assignment.With("a." + a.Name, args[a.Name]);
        return [.. step.Checks.Where(c => !Eval.EvaluateBool(c.Ok, assignment)).Select(c => c.Error)];
    }
}
