using System.Collections.Immutable;
using System.Diagnostics;
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
    // The compiled spec is shared by the checkers of one thread (building and compiling every
    // term again for each new kernel cost more than checking a short run); KernelEval is not thread-safe.
    private static readonly ThreadLocal<KernelEval> PerThread = new(() => new KernelEval(RefinementSpec.Spec));
    private readonly KernelEval eval = PerThread.Value!;

    // States this thread saw satisfy every state clause (see VerifyPre).
    private const int KnownGoodLimit = 8;
    private static readonly ThreadLocal<List<ConcreteState>> KnownGood = new(() => []);
    private readonly StepLog steps = new();
    private readonly AbstractionCache abstraction = new();
    private readonly CapIdentities ids = new();
    private ConcreteState? pre;
    private ConcreteState? verified; // the last state every invariant clause was seen to hold on
    private SpecCall? call;
    private KernelImpl? judging; // the kernel whose step is being judged (read only by OwnersOfDeadTables)
    private readonly List<(ObjectRef Table, ulong Owner)> tableOwners = []; // bound grant tables before the step (D5)
    private bool ownersRecorded; // tableOwners holds this step's (RecordTableOwners)

    /// <summary>Throw a <see cref="RefinementException"/> at the first violation (for tests that do not inspect the checker).</summary>
    public bool ThrowOnViolation { get; set; }

    /// <summary>
    /// Cross-check mode (0 = off): every Nth step, and at <see cref="Finish"/>, the shortcuts are
    /// checked against the full computation — the abstraction rebuilt from scratch must equal the
    /// incremental one, and every invariant clause evaluated in full must hold where the
    /// touched-only evaluation said so. A disagreement is a violation of property "cross-check".
    /// </summary>
    public int CrossCheckEvery { get; init; }

    /// <summary>
    /// Test-only: the next syscall is judged by no transition (reported Unmodelled; invariants and
    /// the cross-check still see it). Every kernel step has a transition now (faults too, task.crash),
    /// so the tests of the invariant check and the cross-check, which need a change no transition
    /// judges, ask for one explicitly. Reset when the syscall is seen.
    /// </summary>
    internal bool UnjudgedNext { get; set; }

    /// <summary>Test-only planted shortcut bugs the cross-check must catch (see <see cref="ShortcutFaults"/>).</summary>
    public ShortcutFaults? Shortcuts { get; set; }

    /// <summary>Invariant clauses skipped as untouched, evaluated on changed keys only, evaluated in full (for the bench and tests).</summary>
    public TouchedCounts Touched { get; } = new();

    public int CrossChecks { get; private set; }

    /// <summary>Abstractions read by the kernel's touch log (re-reading what it logged) and in full (for the bench and tests).</summary>
    public (int Logged, int Full) AbstractionReads => (abstraction.LoggedReads, abstraction.FullReads);

    /// <summary>Reads by the touch log that found nothing changed (for the bench and tests).</summary>
    public int QuietAbstractionReads => abstraction.QuietReads;

    /// <summary>The thread's evaluator's narrowed quantifiers: how many, and how often bound from an index or to the whole domain (for the bench and tests).</summary>
    public (int Quantifiers, long FromIndex, long Whole, long Rebuilt) Narrowing => eval.Narrowing;

    /// <summary>Names the planted faults the kernel runs with, for the counterexample (replay sets them again).</summary>
    public ImmutableArray<string> PlantedFaults { get; init; } = [];

    /// <summary>Boot parameters recorded in the counterexample so replay can boot the same kernel.</summary>
    public BootParameters Boot { get; init; } = BootParameters.Default;

    public IReadOnlyList<StepRecord> Steps => steps;

    public RefinementViolation? Violation { get; private set; }

    public int CheckedCount { get; private set; }

    public int UnmodelledCount { get; private set; }

    public int DivergenceCount { get; private set; }

    /// <summary>Time spent per phase of the check (for the bench; set <see cref="CheckerTimings.Enabled"/> to measure).</summary>
    public CheckerTimings Timings { get; } = new();

    /// <summary>Installs a new checker on a kernel (its pre-state is abstracted at the first syscall).</summary>
    public static RefinementChecker Attach(KernelImpl kernel, RefinementChecker? checker = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        checker ??= new RefinementChecker();
        if (kernel.Observer is RefinementChecker replaced && !ReferenceEquals(replaced, checker)) replaced.abstraction.Leave();
        kernel.Observer = checker;
        kernel.FaultObserver = checker;
        return checker;
    }

    // The shared compiled spec is locked for a check, in case a checker is driven from another
    // thread than the one that created it while that thread checks another kernel.
    public void Before(KernelImpl kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args)
    {
        lock (eval) BeforeCore(kernel, caller, number, args);
    }

    public void After(KernelImpl kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args, KernelError status, bool restarted)
    {
        lock (eval) AfterCore(kernel, caller, number, args, status, restarted);
    }

    private void BeforeCore(KernelImpl kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args)
    {
        if (Violation is not null) return;
        var mark = Timings.Mark();
        // Read the whole kernel (cheaply when nothing changed: AbstractionCache compares the raw
        // words it reads first); when nothing changed since the last post-state this is that same
        // object, which the touched-only invariant check relies on.
        PlantShortcuts();
        pre = abstraction.Abstract(kernel, ids);
        mark = Timings.Add(CheckerPhase.AbstractPre, mark);
        call = SyscallMapping.Decide(kernel, caller, number, args, ids);
        if (UnjudgedNext)
        {
            call = new SpecCall.Unmodelled(Describe(number), "a test's unjudged step (UnjudgedNext)");
            UnjudgedNext = false;
        }

        RecordTableOwners(kernel, call);
        Timings.Add(CheckerPhase.Decide, mark);
    }

    private void PlantShortcuts()
    {
        abstraction.PlantImageMissesCapabilities = Shortcuts is { ImageMissesCapabilities: true };
        abstraction.PlantSlotDiffIgnoresContents = Shortcuts is { SlotDiffIgnoresContents: true };
        abstraction.PlantSeedIgnoresImage = Shortcuts is { SeedIgnoresImage: true };
        abstraction.PlantObjectValuesStale = Shortcuts is { ObjectValuesStale: true };
        abstraction.PlantSlotLogLost = Shortcuts is { SlotLogLost: true };
        abstraction.PlantObjectLogLost = Shortcuts is { ObjectLogLost: true };
        abstraction.PlantObjectInputsMissWatermark = Shortcuts is { ObjectInputsMissWatermark: true };
    }

    // D5 may excuse the grants of the owner of a grant table that dies in the step, and no other
    // task's: the kernel detaches a dying table from its owner, so the owner is known only before.
    // They are asked for only when the spec's expected state finalises a grant table
    // (Divergences.ClassifyStateDifference), which of the spec's operations only cap.delete,
    // cap.revoke_step and task.destroy do, so only the calls judged by those record them: a scan of
    // the whole object table before every syscall made each one O(state). OwnersOfDeadTables
    // refuses to answer for a step that did not record them (a judge that starts asking elsewhere
    // must be added here), so a narrower rule cannot quietly turn a D5 step into a violation.
    private void RecordTableOwners(KernelImpl kernel, SpecCall c)
    {
        tableOwners.Clear();
        ownersRecorded = c is SpecCall.Single { Operation: "cap.delete" } or SpecCall.Revoke or SpecCall.Destroy && Shortcuts is not { OwnersUnrecorded: true };
        if (!ownersRecorded) return;
        var table = kernel.Objects;
        for (var id = 0; id < table.Capacity; id++)
        {
            if (table[id] is GrantTableObject { IsLive: true } g && table.Resolve<TaskObject>(g.Owner) is { IsLive: true } t && t.GrantTable == g.Ref) tableOwners.Add((g.Ref, (ulong)t.Id));
        }
    }

    // fault: a fault the run loop raised (number: its kind; IFaultObserver, RefinementChecker.Faults.cs).
    private void AfterCore(KernelImpl kernel, TaskObject caller, long number, ReadOnlySpan<ulong> args, KernelError status, bool restarted, bool fault = false)
    {
        if (Violation is not null || pre is null || call is null) return;
        var moved = call is SpecCall.Single { Moved: { } m } ? m : call is SpecCall.IpcRecv { Moved: { } mr } ? mr : ((SlotAddress, SlotAddress)?)null;
        var mark = Timings.Mark();
        if (Shortcuts is { StalePostState: true }) abstraction.PlantStaleOnce = true;
        if (Shortcuts is { LoseChangedKeys: true }) abstraction.PlantLostChangesOnce = true;
        if (Shortcuts is { ObjectsUnread: true }) abstraction.PlantObjectsUnreadOnce = true;
        if (Shortcuts is { GrantsUnread: true }) abstraction.PlantGrantsUnreadOnce = true;
        PlantShortcuts();
        var post = abstraction.AbstractPost(kernel, ids, moved?.Item1, moved?.Item2);
        mark = Timings.Add(CheckerPhase.AbstractPost, mark);
        judging = kernel;
        var crossCheckDue = CrossCheckEvery > 0 && (steps.Count + 1) % CrossCheckEvery == 0;
        BeginJudging(pre, crossCheckDue);
        var (verdict, note, violation) = Judge(call, pre, post, status, restarted);
        // A transition shortcut that disagreed with the full computation makes the verdict suspect.
        if (transitionCrossCheck is { } disagreed) violation = disagreed;
        judging = null;
        mark = Timings.Add(CheckerPhase.Transition, mark);
        if (violation is null && VerifyPre(pre) is { Count: > 0 } preBroken)
        {
            violation = new RefinementViolation("invariant", preBroken[0],
                $"before {What(number, fault)} the kernel state, changed since the last checked step, breaks {string.Join(", ", preBroken)}", null, pre);
        }

        if (violation is null)
        {
            var broken = CheckInvariants(pre, post);
            Timings.Add(CheckerPhase.Invariants, mark);
            if (broken.Count > 0)
            {
                violation = new RefinementViolation("invariant", broken[0], $"after {What(number, fault)} the post-state breaks {string.Join(", ", broken)}", null, post);
            }
            else
            {
                verified = post;
            }
        }

        if (violation is null && crossCheckDue)
        {
            violation = CrossCheck(kernel, post, pre, $"after {What(number, fault)}");
        }

        if (violation is not null) verdict = StepVerdict.Violation;
        switch (verdict)
        {
            case StepVerdict.Checked: CheckedCount++; break;
            case StepVerdict.Unmodelled: UnmodelledCount++; break;
            case StepVerdict.Divergence: DivergenceCount++; break;
            default: break;
        }

        steps.Add(caller.Id, number, args, status, restarted, verdict, violation?.Message ?? note, fault);
        if (fault) CpuFaultCount++;
        if (violation is not null) Stop(violation);
    }

    /// <summary>
    /// The end of a run: the kernel's current state must satisfy every invariant clause — a change
    /// made after the last syscall (by the run loop, a test, a planted fault) is checked here — and,
    /// when cross-checking is on, the shortcuts are cross-checked on it. Returns the violation found,
    /// if any (and throws with <see cref="ThrowOnViolation"/>). Cheap when nothing changed since the
    /// last checked step (the abstraction returns that verified state).
    /// </summary>
    public RefinementViolation? Finish(KernelImpl kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (Violation is not null) return Violation;
        RefinementViolation? v;
        lock (eval)
        {
            var state = abstraction.Abstract(kernel, ids);
            v = VerifyPre(state) is { Count: > 0 } broken
                ? new RefinementViolation("invariant", broken[0], $"at the end of the run the kernel state, changed since the last checked step, breaks {string.Join(", ", broken)}", null, state)
                : CrossCheckEvery > 0 ? CrossCheck(kernel, state, null, "at the end of the run") : null;
        }

        if (v is not null) Stop(v);
        return Violation;
    }

    private void Stop(RefinementViolation violation)
    {
        Violation = violation;
        if (ThrowOnViolation) throw new RefinementException(violation, Counterexample.Render(this));
    }

    /// <summary>
    /// The invariant clauses <paramref name="post"/> breaks: touched-only (KernelEval.BrokenClausesTouched,
    /// whose comment justifies each shortcut) when <paramref name="before"/> is the very state last
    /// seen to satisfy every clause — the incremental abstraction returns that object exactly when
    /// the kernel did not change since — and in full otherwise (the first step, or after the kernel
    /// changed between syscalls, e.g. a fault taken by the run loop).
    /// </summary>
    /// <summary>
    /// Makes <paramref name="before"/> a verified state, so the step can be checked touched-only:
    /// nothing to do when it is the last verified state (the kernel did not change since) or equal to
    /// one this thread verified recently (invariants are a function of the state's value: every new
    /// kernel's boot state is checked once); otherwise every state clause is evaluated on it.
    /// Returns the clauses it breaks (a change made between syscalls broke them).
    /// </summary>
    private IReadOnlyList<string> VerifyPre(ConcreteState before)
    {
        if (ReferenceEquals(before, verified) || Shortcuts is { TrustPreState: true }) return [];
        var known = KnownGood.Value!;
        if (known.Any(k => k.Equals(before)))
        {
            verified = before;
            return [];
        }

        Touched.Full += eval.Clauses.Count(c => !c.Relational);
        var broken = eval.BrokenClauses(before);
        if (broken.Count > 0) return broken;
        verified = before;
        if (known.Count == KnownGoodLimit) known.RemoveAt(0);
        known.Add(before);
        return [];
    }

    private IReadOnlyList<string> CheckInvariants(ConcreteState before, ConcreteState post)
    {
        var touchedOnly = ReferenceEquals(before, verified) || Shortcuts is { TrustPreState: true };
        if (touchedOnly && Shortcuts is { SkipEveryClause: true })
        {
            Touched.Skipped += eval.Clauses.Count(c => !c.Relational);
            return eval.BrokenClauses(post, before, c => c.Relational);
        }

        // The abstraction knows which keys changed when these are its last two results.
        var known = ReferenceEquals(abstraction.Previous, before) && ReferenceEquals(abstraction.Last, post) ? abstraction.LastChanges : null;
        if (touchedOnly && Shortcuts is { DropRelationalBreaks: true })
            return [.. eval.BrokenClausesTouched(post, before, Touched, known, Shortcuts.Touched).Where(n => !eval.Clauses.Any(c => c.Relational && c.Name == n))];
        if (touchedOnly) return eval.BrokenClausesTouched(post, before, Touched, known, Shortcuts?.Touched);
        Touched.Full += eval.Clauses.Length;
        return eval.BrokenClauses(post, before);
    }

    // With the step's pre-state (after a step, not at the end of the run) the full evaluation
    // includes the relational clauses of pre → the rebuilt post-state, which the touched-only check
    // evaluates on changed keys only.
    private RefinementViolation? CrossCheck(KernelImpl kernel, ConcreteState incremental, ConcreteState? pre, string when)
    {
        var mark = Timings.Mark();
        CrossChecks++;
        var fresh = Abstraction.Abstract(kernel, ids.Clone());
        RefinementViolation? v = null;
        if (!fresh.Equals(incremental))
        {
            v = new RefinementViolation("cross-check", "abstraction.incremental",
                $"{when} the incremental abstraction differs from the abstraction rebuilt from scratch in {string.Join(", ", fresh.DifferingFields(incremental))}", fresh, incremental);
        }
        else if (eval.BrokenClauses(fresh, pre) is { Count: > 0 } broken)
        {
            v = new RefinementViolation("cross-check", broken[0],
                $"{when} the full evaluation finds {string.Join(", ", broken)} broken, which the touched-only check passed", null, fresh);
        }

        Timings.Add(CheckerPhase.CrossCheck, mark);
        return v;
    }

    private (StepVerdict, StepNote, RefinementViolation?) Judge(SpecCall c, ConcreteState before, ConcreteState after, KernelError status, bool restarted)
    {
        var judged = JudgeCall(c, before, after, status, restarted);
        MoveIndexesToPost(after);
        return judged;
    }

    private (StepVerdict, StepNote, RefinementViolation?) JudgeCall(SpecCall c, ConcreteState before, ConcreteState after, KernelError status, bool restarted)
    {
        switch (c)
        {
            case SpecCall.Unmodelled u:
                return (StepVerdict.Unmodelled, $"{u.Syscall}: {u.Reason}", null);
            case SpecCall.Single s:
                return JudgeSingle(s, before, after, status);
            case SpecCall.Revoke r:
                return JudgeRevoke(r, before, after, status, restarted);
            case SpecCall.Safecopy sc:
                return JudgeSafecopy(sc, before, after, status);
            case SpecCall.Destroy d:
                return JudgeDestroy(d, before, after, status);
            case SpecCall.Retype rt:
                return JudgeRetype(rt, before, after, status);
            case SpecCall.GrantCreate gc:
                return JudgeGrantCreate(gc, before, after, status);
            case SpecCall.Resume rs:
                return JudgeResume(rs, before, after, status);
            case SpecCall.IpcSend send:
                return JudgeSend(send, before, after, status);
            case SpecCall.IpcRecv recv:
                return JudgeRecv(recv, before, after, status);
            case SpecCall.Stutter st:
                return JudgeStutter(st, before, after, status);
            case SpecCall.Suspend su:
                return JudgeSuspend(su, before, after, status);
            case SpecCall.Configure cf:
                return JudgeConfigure(cf, before, after, status);
            case SpecCall.ReplyTransfer rt:
                return JudgeReplyTransfer(rt, before, after, status);
            case SpecCall.Crash cr:
                return JudgeCrash(cr, before, after, status);
            default:
                throw new InvalidOperationException($"RefinementChecker: unhandled spec call {c}");
        }
    }

    private (StepVerdict, StepNote, RefinementViolation?) JudgeSingle(SpecCall.Single s, ConcreteState before, ConcreteState after, KernelError status)
    {
        var step = eval.Step(s.Operation, before, s.Args);
        var expected = Normalized(step, before);
        var label = StepNote.Later(() => SpecCallLabel.Of(s.Operation, s.Args));
        if (step.Ok && status == KernelError.Ok)
        {
            if (Same(expected, after))
            {
                IndexesToEqualPost(expected, after);
                return (StepVerdict.Checked, label, null);
            }

            if (CancelledTransfers(expected, after) is { Count: > 0 } cancelled && Same(cancelled.State, after))
            {
                return (StepVerdict.Checked, $"{label} + {cancelled.Count} x cap.delete of capabilities queued in cancelled IPC", null);
            }

            return ClassifyD5(before, expected, after) is { } d5
                ? (StepVerdict.Divergence, $"{label}: {d5}", null)
                : (StepVerdict.Violation, "", StateMismatch(s.Operation, label.ToString(), expected, after));
        }

        if (s.Operation == "cap.delete" && status == KernelError.Ok && step.Error is "NotEmpty" or "ChildrenAlive") return JudgeCascade(s.Args["slot"], label.ToString(), before, after);
        var unchanged = Same(before, after);
        if (Divergences.Classify(s.Operation, step.Error, status, unchanged, s.KernelRefusal) is { } d) return (StepVerdict.Divergence, StepNote.Later(() => $"{label}: {d}"), null);
        if (!ErrorMap.Agree(status, step.Error) && !(status != KernelError.Ok && FailingChecks.Of(eval, s.Operation, before, s.Args).Any(e => ErrorMap.Agree(status, e))))
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", $"{s.Operation}.status",
                $"{label}: the spec returns {step.Error}, the kernel {status} (allowed for {status}: {string.Join("/", ErrorMap.SpecErrorsFor(status))})", expected, after));
        }

        return unchanged
            ? (StepVerdict.Checked, StepNote.Later(() => $"{label} -> {step.Error}"), null)
            : (StepVerdict.Violation, "", StateMismatch(s.Operation, $"{label} refused ({step.Error}) but the kernel changed the state", before, after));
    }

    private (StepVerdict, StepNote, RefinementViolation?) JudgeRevoke(SpecCall.Revoke r, ConcreteState before, ConcreteState after, KernelError status, bool restarted)
    {
        var stepArgs = (Value victim) => (IReadOnlyDictionary<string, Value>)new Dictionary<string, Value> { ["slot"] = r.Slot, ["victim"] = victim };
        if (status is not (KernelError.Ok or KernelError.NotEmpty))
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

        // The capabilities the kernel deleted, deepest first: each must be one spec revoke step
        // (a capability queued in IPC that a finalisation cancelled: one cap.delete).
        var (state, count, violation) = DeleteVictims(before, before, after, "cap.revoke_step", $"revoke({r.Slot})", (s, slot) =>
        {
            var st = eval.Step("cap.revoke_step", s, stepArgs(slot));
            return st.Error == "NotDescendant" && InFlight.IsGhost(slot) ? eval.Step("cap.delete", s, new Dictionary<string, Value> { ["slot"] = slot }) : st;
        });
        if (violation is not null) return (StepVerdict.Violation, "", violation);
        // A D5 difference (grants of a task the revoke finalised) does not excuse the revoke's own
        // checks below: the stop, the preemption and RevokeDone are judged on the kernel's state first.
        string? d5 = null;
        if (!Same(state, after))
        {
            d5 = ClassifyD5(before, state, after);
            if (d5 is null) return (StepVerdict.Violation, "", StateMismatch("cap.revoke", $"revoke({r.Slot}) as {count} cap.revoke_step", state, after));
        }

        // RevokeDone is evaluated on the kernel's state; when the spec's equals it, the narrowed
        // quantifiers' indexes moved along the revoke steps describe it (IndexesToEqualPost).
        if (d5 is null) IndexesToEqualPost(state, after);
        var judged = JudgeRevokeEnd(r, after, status, restarted, count);
        return d5 is not null && judged.Item1 == StepVerdict.Checked ? (StepVerdict.Divergence, $"cap.revoke({r.Slot}): {d5}", null) : judged;
    }

    private (StepVerdict, StepNote, RefinementViolation?) JudgeRevokeEnd(SpecCall.Revoke r, ConcreteState after, KernelError status, bool restarted, int count)
    {
        if (status == KernelError.NotEmpty) return JudgeRevokeStopped(r, after, count);
        if (restarted) return (StepVerdict.Checked, $"cap.revoke({r.Slot}) preempted after {count} x cap.revoke_step", null);
        if (after.Map("SlotFull").Select(r.Slot) is BoolValue { Value: true } && !eval.RevokeDone(after, r.Slot))
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "cap.revoke.done",
                $"revoke({r.Slot}) returned Ok but the capability still has descendants (RevokeDone is false)", CompleteRevoke(after, r.Slot), after));
        }

        return (StepVerdict.Checked, StepNote.Later(() => $"cap.revoke({r.Slot}) = {count} x cap.revoke_step"), null);
    }

    private (StepVerdict, StepNote, RefinementViolation?) JudgeSafecopy(SpecCall.Safecopy s, ConcreteState before, ConcreteState after, KernelError status)
    {
        var label = StepNote.Later(() => $"safecopy(caller={s.Caller}, granter={s.Granter}, index={s.Index}, gen={s.Gen}, addr={s.Addr}, len={s.Len}, access={s.Access})");
        if (!after.Equals(before)) return (StepVerdict.Violation, "", StateMismatch("safecopy", $"{label} changed the abstract state", before, after));
        if (!s.LengthOk || status == KernelError.InvalidArgument)
        {
            // The ABI's length check comes before the grant decision.
            return s.LengthOk == (status != KernelError.InvalidArgument)
                ? (StepVerdict.Checked, StepNote.Later(() => $"{label} -> InvalidArgument (the ABI's length check: 1..{AbiConstants.MaxCopyLength})"), null)
                : (StepVerdict.Violation, "", new RefinementViolation("refinement", "safecopy.status",
                    $"{label}: the ABI's length check (1..{AbiConstants.MaxCopyLength}) {(s.LengthOk ? "passes" : "fails")}, the kernel gives {status}", before, after));
        }

        bool? kernelAllowed = status switch
        {
            KernelError.Ok or KernelError.BadAddress => true, // BadAddress: the grant verified, the memory was not mapped
            KernelError.GrantInvalid or KernelError.GrantChainTooDeep => false,
            _ => null,
        };
        if (kernelAllowed is null)
        {
            return (StepVerdict.Violation, "", new RefinementViolation("refinement", "safecopy.status",
                $"{label}: the length passes the ABI's check; the kernel gives {status}, which is no grant decision (Ok, BadAddress, GrantInvalid, GrantChainTooDeep)", before, after));
        }

        var specAllows = eval.SafecopyOk(before, s.Caller, s.Granter, s.Index, s.Gen, s.Addr, s.Len, s.Access);
        return specAllows == kernelAllowed
            ? (StepVerdict.Checked, StepNote.Later(() => $"{label} -> {(specAllows ? "allowed" : "refused")}"), null)
            : (StepVerdict.Violation, "", new RefinementViolation("refinement", "safecopy.decision",
                $"{label}: the spec {(specAllows ? "allows" : "refuses")} it, the kernel {(kernelAllowed.Value ? "allowed" : "refused")} it ({status})", null, after));
    }

    // The tasks whose bound grant table (recorded before the step) died in it.
    private IReadOnlySet<ulong> OwnersOfDeadTables()
    {
        if (judging is not { } k) return new HashSet<ulong>();
        if (!ownersRecorded) throw new InvalidOperationException($"RefinementChecker: D5 asked for the owners of the grant tables that died in a step judged as {call?.GetType().Name}, which does not record them before the step; add that call to RecordTableOwners");
        return tableOwners.Where(o => k.Objects.Resolve<GrantTableObject>(o.Table) is null).Select(o => o.Owner).ToHashSet();
    }

    private static RefinementViolation StateMismatch(string op, string label, ConcreteState expected, ConcreteState actual) =>
        new("refinement", $"{op}.state", $"{label}: post-states differ in {string.Join(", ", expected.DifferingFields(actual))}", expected, actual);

    internal static string Describe(long number) => SyscallMapping.IsDefined(number) ? ((SyscallNumber)number).ToString() : $"#{number}";
}
