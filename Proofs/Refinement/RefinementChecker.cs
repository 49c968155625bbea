using System.Collections.Immutable;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Spec;
using Verified.Spec.Kernel;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The refinement checker: an <see cref="ISyscallObserver"/> on the kernel. Before each syscall
/// it abstracts the pre-state and decides the spec call; after it, it abstracts the post-state,
/// evaluates the spec transition with Eval on the pre-state, and requires equal (canonical)
/// states and corresponding status; then every invariant clause on the post-state. The first
/// violation stops checking and is kept (or thrown, with <see cref="ThrowOnViolation"/>).
/// </summary>
public sealed partial class RefinementChecker : ISyscallObserver
{
    private readonly KernelEval eval = new(RefinementSpec.Spec);
    private readonly List<StepRecord> steps = [];
    private CapIdentities ids = new();
    private ConcreteState? pre;
    private ConcreteState? lastPost;
    private long lastSyscallCount = -1;
    private SpecCall? call;

    /// <summary>Throw a <see cref="RefinementException"/> at the first violation (for tests that do not inspect the checker).</summary>
    public bool ThrowOnViolation { get; init; }

    /// <summary>
    /// Reuse the previous post-state as the next pre-state when no syscall came between (cheap);
    /// sound only when nothing but syscalls mutates the kernel (the C# API driver, not the CPU run loop).
    /// </summary>
    public bool ReusePostAsPre { get; init; }

    /// <summary>Names the planted faults the kernel runs with, for the counterexample (replay sets them again).</summary>
    public ImmutableArray<string> PlantedFaults { get; init; } = [];

    /// <summary>Boot parameters recorded in the counterexample so replay can boot the same kernel.</summary>
    public BootParameters Boot { get; init; } = BootParameters.Default;

    public IReadOnlyList<StepRecord> Steps => steps;

    public RefinementViolation? Violation { get; private set; }

    public int CheckedCount { get; private set; }

    public int UnmodelledCount { get; private set; }

    public int DivergenceCount { get; private set; }

    /// <summary>Installs a new checker on a kernel (its pre-state is abstracted at the first syscall).</summary>
    public static RefinementChecker Attach(KernelImpl kernel, RefinementChecker? checker = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        checker ??= new RefinementChecker();
        kernel.Observer = checker;
        return checker;
    }

    public void Before(KernelImpl kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args)
    {
        if (Violation is not null) return;
        // The post-state of the previous syscall is this pre-state unless the kernel moved on
        // without a syscall (a fault taken by the run loop): then abstract afresh.
        pre = ReusePostAsPre && lastPost is not null && lastSyscallCount == kernel.SyscallCount - 1 ? lastPost : Abstraction.Abstract(kernel, ids);
        call = SyscallMapping.Decide(kernel, caller, number, args, ids);
    }

    public void After(KernelImpl kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args, KernelError status, bool restarted)
    {
        if (Violation is not null || pre is null || call is null) return;
        var moved = call is SpecCall.Single { Moved: { } m } ? m : call is SpecCall.IpcRecv { Moved: { } mr } ? mr : ((SlotAddress, SlotAddress)?)null;
        ids.Update(Abstraction.OccupiedSlots(kernel), moved?.Item1, moved?.Item2);
        var post = Abstraction.Abstract(kernel, ids);
        lastPost = post;
        lastSyscallCount = kernel.SyscallCount;
        var (verdict, note, violation) = Judge(call, pre, post, status, restarted);
        if (violation is null)
        {
            var broken = eval.BrokenClauses(post, pre);
            if (broken.Count > 0)
            {
                violation = new RefinementViolation("invariant", broken[0], $"after {Describe(number)} the post-state breaks {string.Join(", ", broken)}", null, post);
            }
        }

        if (violation is not null) verdict = StepVerdict.Violation;
        switch (verdict)
        {
            case StepVerdict.Checked: CheckedCount++; break;
            case StepVerdict.Unmodelled: UnmodelledCount++; break;
            case StepVerdict.Divergence: DivergenceCount++; break;
            default: break;
        }

        steps.Add(new StepRecord(steps.Count, caller.Id, number, [.. args.ToArray()], status, restarted, verdict, violation?.Message ?? note));
        if (violation is not null)
        {
            Violation = violation;
            if (ThrowOnViolation) throw new RefinementException(violation, Counterexample.Render(this));
        }
    }

    private (StepVerdict, string, RefinementViolation?) Judge(SpecCall c, ConcreteState before, ConcreteState after, KernelError status, bool restarted)
    {
        switch (c)
        {
            case SpecCall.Unmodelled u:
                return (StepVerdict.Unmodelled, $"{u.Syscall}: {u.Reason}", null);
            case SpecCall.Single s:
                return JudgeSingle(s, before, after, status);
            case SpecCall.Revoke r:
                return restarted ? (StepVerdict.Divergence, Divergences.Preempted, null) : JudgeRevoke(r, before, after, status);
            case SpecCall.Safecopy sc:
                return JudgeSafecopy(sc, before, after, status);
            case SpecCall.Destroy d:
                return JudgeDestroy(d, before, after, status);
            case SpecCall.IpcSend send:
                return JudgeSend(send, before, after, status);
            case SpecCall.IpcRecv recv:
                return JudgeRecv(recv, before, after, status);
            default:
                throw new InvalidOperationException($"RefinementChecker: unhandled spec call {c}");
        }
    }

    private (StepVerdict, string, RefinementViolation?) JudgeSingle(SpecCall.Single s, ConcreteState before, ConcreteState after, KernelError status)
    {
        var step = eval.Step(s.Operation, before, s.Args);
        var expected = Junk.Normalize(step.Next);
        var label = $"{s.Operation}({string.Join(", ", s.Args.Select(a => $"{a.Key}={a.Value}"))})";
        if (step.Ok && status == KernelError.Ok)
        {
            if (expected.Equals(after)) return (StepVerdict.Checked, label, null);
            if (CancelledTransfers(expected, after) is { Count: > 0 } cancelled && cancelled.State.Equals(after))
            {
                return (StepVerdict.Checked, $"{label} + {cancelled.Count} x cap.delete of capabilities queued in cancelled IPC", null);
            }

            return Divergences.ClassifyStateDifference(before, expected, expected.DifferingFields(after)) is { } d5
                ? (StepVerdict.Divergence, $"{label}: {d5}", null)
                : (StepVerdict.Violation, "", StateMismatch(s.Operation, label, expected, after));
        }

        var unchanged = after.Equals(before);
        if (Divergences.Classify(s.Operation, step.Error, status, unchanged) is { } d) return (StepVerdict.Divergence, $"{label}: {d}", null);
        if (!ErrorMap.Agree(status, step.Error) && !(status != KernelError.Ok && FailingChecks.Of(s.Operation, before, s.Args).Any(e => ErrorMap.Agree(status, e))))
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", $"{s.Operation}.status",
                $"{label}: the spec returns {step.Error}, the kernel {status} (allowed for {status}: {string.Join("/", ErrorMap.SpecErrorsFor(status))})", expected, after));
        }

        return unchanged
            ? (StepVerdict.Checked, $"{label} -> {step.Error}", null)
            : (StepVerdict.Violation, "", StateMismatch(s.Operation, $"{label} refused ({step.Error}) but the kernel changed the state", before, after));
    }

    private (StepVerdict, string, RefinementViolation?) JudgeRevoke(SpecCall.Revoke r, ConcreteState before, ConcreteState after, KernelError status)
    {
        var stepArgs = (Value victim) => (IReadOnlyDictionary<string, Value>)new Dictionary<string, Value> { ["slot"] = r.Slot, ["victim"] = victim };
        if (status != KernelError.Ok)
        {
            var refused = eval.Step("cap.revoke_step", before, stepArgs(r.Slot));
            if (refused.Error is not ("InvalidSlot" or "EmptySlot") || !ErrorMap.Agree(status, refused.Error))
            {
                return (StepVerdict.Violation, "", new RefinementViolation("refinement", "cap.revoke.status",
                    $"revoke({r.Slot}): the kernel refused with {status}, the spec's slot checks give {refused.Error}", before, after));
            }

            return after.Equals(before)
                ? (StepVerdict.Checked, $"cap.revoke({r.Slot}) -> {refused.Error}", null)
                : (StepVerdict.Violation, "", StateMismatch("cap.revoke", $"revoke({r.Slot}) refused but the kernel changed the state", before, after));
        }

        // The capabilities the kernel deleted, deepest first: each must be one spec revoke step.
        var liveBefore = before.Map("CapLive");
        var liveAfter = after.Map("CapLive");
        var depth = before.Map("CapDepth");
        // The slot holding each capability (the spec keeps only slot → capability).
        var slotFull = before.Map("SlotFull");
        var capSlot = before.Map("SlotCap").Entries.Where(e => slotFull.Select(e.Key) is BoolValue { Value: true })
            .ToDictionary(e => e.Value, e => e.Key);
        var victims = liveBefore.Entries.Keys.Where(c => liveAfter.Select(c) is BoolValue { Value: false })
            .OrderByDescending(c => ((BitVecValue)depth.Select(c)).Bits).ThenBy(c => ((BitVecValue)c).Bits).ToList();
        var state = before;
        foreach (var v in victims)
        {
            var st = eval.Step("cap.revoke_step", state, stepArgs(capSlot[v]));
            if (st.Error == "NotDescendant" && InFlight.IsGhost(capSlot[v]))
            {
                st = eval.Step("cap.delete", state, new Dictionary<string, Value> { ["slot"] = capSlot[v] }); // queued in IPC cancelled by a finalisation
            }

            if (!st.Ok)
            {
                return (StepVerdict.Violation, "", new RefinementViolation("refinement", "cap.revoke_step.status",
                    $"revoke({r.Slot}) deleted capability {v}, but cap.revoke_step refuses it: {st.Error}", state, after));
            }

            state = Junk.Normalize(st.Next);
        }

        if (!state.Equals(after) && Divergences.ClassifyStateDifference(before, state, state.DifferingFields(after)) is { } d5)
        {
            return (StepVerdict.Divergence, $"cap.revoke({r.Slot}): {d5}", null);
        }

        if (!state.Equals(after)) return (StepVerdict.Violation, "", StateMismatch("cap.revoke", $"revoke({r.Slot}) as {victims.Count} cap.revoke_step", state, after));
        if (after.Map("SlotFull").Select(r.Slot) is BoolValue { Value: true } && !eval.RevokeDone(after, r.Slot))
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "cap.revoke.done",
                $"revoke({r.Slot}) returned Ok but the capability still has descendants (RevokeDone is false)", null, after));
        }

        return (StepVerdict.Checked, $"cap.revoke({r.Slot}) = {victims.Count} x cap.revoke_step", null);
    }

    private (StepVerdict, string, RefinementViolation?) JudgeSafecopy(SpecCall.Safecopy s, ConcreteState before, ConcreteState after, KernelError status)
    {
        var label = $"safecopy(caller={s.Caller}, granter={s.Granter}, index={s.Index}, gen={s.Gen}, addr={s.Addr}, len={s.Len}, access={s.Access})";
        if (!after.Equals(before)) return (StepVerdict.Violation, "", StateMismatch("safecopy", $"{label} changed the abstract state", before, after));
        bool? kernelAllowed = status switch
        {
            KernelError.Ok or KernelError.BadAddress => true, // BadAddress: the grant verified, the memory was not mapped
            KernelError.GrantInvalid or KernelError.GrantChainTooDeep => false,
            _ => null,
        };
        if (kernelAllowed is null) return (StepVerdict.Unmodelled, $"{label} -> {status}: an argument check before the grant decision (length)", null);
        var specAllows = eval.SafecopyOk(before, s.Caller, s.Granter, s.Index, s.Gen, s.Addr, s.Len, s.Access);
        return specAllows == kernelAllowed
            ? (StepVerdict.Checked, $"{label} -> {(specAllows ? "allowed" : "refused")}", null)
            : (StepVerdict.Violation, "", new RefinementViolation("refinement", "safecopy.decision",
                $"{label}: the spec {(specAllows ? "allows" : "refuses")} it, the kernel {(kernelAllowed.Value ? "allowed" : "refused")} it ({status})", null, after));
    }

    private static RefinementViolation StateMismatch(string op, string label, ConcreteState expected, ConcreteState actual) =>
        new("refinement", $"{op}.state", $"{label}: post-states differ in {string.Join(", ", expected.DifferingFields(actual))}", expected, actual);

    internal static string Describe(long number) => Enum.IsDefined((SyscallNumber)number) ? ((SyscallNumber)number).ToString() : $"#{number}";
}
