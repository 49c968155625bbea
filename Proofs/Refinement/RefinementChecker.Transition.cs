using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The transition comparison at the keys a step changed. A spec step knows the keys it wrote
/// (<see cref="ConcreteStep.Changes"/>) and the incremental abstraction the keys the kernel's step
/// changed (<see cref="AbstractionCache.LastChanges"/>), both from the same pre-state: the expected
/// state is normalised at its changed keys only (<see cref="Junk.Normalize(ConcreteState, ConcreteState, StateChanges)"/>)
/// and equals the kernel's post-state exactly when the two agree at the union of both sets (elsewhere
/// both are the pre-state). Cross-check mode checks each shortcut against the full computation.
/// </summary>
public sealed partial class RefinementChecker
{
    // The changes from the judged pre-state of each expected state built in this step (by reference).
    private readonly Dictionary<ConcreteState, ChangeChain> expectedChanges = new(ReferenceEqualityComparer.Instance);

    // The changes from the judged pre-state of a state reached by a sequence of spec steps: each
    // step's changes (from the state before it), latest first — shared, never copied or changed.
    private sealed record ChangeChain(StateChanges Head, ChangeChain? Tail)
    {
        public static readonly ChangeChain None = new(new StateChanges(), null);
    }

    private static readonly HashSet<Value>?[] NoKeys = new HashSet<Value>?[ConcreteState.FieldCount];
    private ConcreteState? judgedPre;
    private bool crossCheckingStep;
    private RefinementViolation? transitionCrossCheck;

    private void BeginJudging(ConcreteState before, bool crossCheck)
    {
        judgedPre = before;
        eval.PlantGuardInverted = Shortcuts is { GuardInverted: true }; // set every step: the evaluator is shared by the thread's checkers
        eval.PlantIndexSkipsMoves = Shortcuts is { IndexSkipsMoves: true };
        // The narrowed quantifiers' indexes are built for the pre-state if they do not describe it
        // already (moved to it at the end of the last step: MoveIndexesToPost).
        eval.IndexAnchor = before;
        // The pre-state's quantifier domains: the spec steps from it need them only when a check
        // they evaluate quantifies, but the invariant check derives the post-state's from them
        // (and scans both whole states when they are missing); mostly known already (carried over
        // from the previous step), computed here once otherwise (a new kernel's first step).
        eval.DomainsOf(before);
        expectedChanges.Clear();
        crossCheckingStep = crossCheck;
        transitionCrossCheck = null;
    }

    /// <summary>
    /// The canonical state of a spec step from <paramref name="from"/> (canonical: the judged
    /// pre-state or a state this built from it), normalised at the keys the step and its
    /// normalisation changed; its changes from the pre-state are kept for <see cref="Same"/>. The
    /// quantifier domains of the new state are carried over from <paramref name="from"/>'s (for the
    /// next step of a sequence).
    /// </summary>
    private ConcreteState Normalized(ConcreteStep step, ConcreteState from)
    {
        if (!step.Ok) return step.Next;
        var changes = step.Changes;
        if (Shortcuts is { ForgetWrittenKeys: true }) changes = ForgetOneKeyPerField(changes);
        var next = Junk.Normalize(step.Next, from, changes, plantOwnKeysOnly: Shortcuts is { NormalizeOwnKeysOnly: true });
        if (crossCheckingStep && transitionCrossCheck is null)
        {
            var full = Junk.Normalize(step.Next);
            if (changes.Uncovered(from, next) is { } missed)
            {
                transitionCrossCheck = new RefinementViolation("cross-check", "transition.changes",
                    $"the spec step's changed keys leave out a difference from the state it stepped: {missed}", from, next);
            }
            else if (!full.Equals(next))
            {
                transitionCrossCheck = new RefinementViolation("cross-check", "transition.normalize",
                    $"the spec step's result normalised at its changed keys differs from its full normalisation in {string.Join(", ", full.DifferingFields(next))}", full, next);
            }
        }

        eval.CarryDomains(from, next, changes);
        eval.MoveIndexes(from, next, changes);
        var total = ReferenceEquals(from, judgedPre) ? new ChangeChain(changes, null)
            : expectedChanges.TryGetValue(from, out var before) ? new ChangeChain(changes, before) : null;
        if (total is not null) expectedChanges[next] = total;
        return next;
    }

    /// <summary>
    /// After a step is judged: the narrowed quantifiers' indexes (KernelEval.MoveIndexes), wherever
    /// the step's judging left them — at the pre-state or at an expected state built from it — are
    /// moved to the kernel's post-state, the next step's pre-state when nothing changes between
    /// syscalls. An expected state differs from the pre-state at most at the union of its chain's
    /// changes (a field whole in one of them: dropped), and the post-state from the pre-state at
    /// the abstraction's changed keys when they are its last two results; otherwise the indexes
    /// stay where they are and are rebuilt when next needed. In cross-check mode the moved indexes
    /// must equal ones built afresh (transition.index).
    /// </summary>
    private void MoveIndexesToPost(ConcreteState after)
    {
        var pre = judgedPre;
        if (pre is null) return;
        foreach (var (state, chain) in expectedChanges)
        {
            if (!eval.IndexesDescribe(state)) continue;
            var links = new List<StateChanges>();
            for (var n = chain; n is not null; n = n.Tail) links.Add(n.Head);
            eval.MoveIndexes(state, pre, links); // indexes read at different expected states are each moved back
        }

        if (!ReferenceEquals(pre, after) && ReferenceEquals(abstraction.Previous, pre) && ReferenceEquals(abstraction.Last, after) && abstraction.LastChanges is { } known)
            eval.MoveIndexes(pre, after, KernelKeysByIndex(known));
        if (crossCheckingStep && transitionCrossCheck is null && eval.IndexDisagreement(after) is { } wrong)
        {
            transitionCrossCheck = new RefinementViolation("cross-check", "transition.index",
                $"the narrowed quantifiers' index of {wrong}, moved along the step's changes, differs from one built from the post-state", null, after);
        }
    }

    // The planted shortcut fault: every keyed field loses one of its changed keys.
    private static StateChanges ForgetOneKeyPerField(StateChanges changes)
    {
        var lossy = new StateChanges();
        for (var i = 0; i < ConcreteState.FieldCount; i++)
        {
            if (changes.IsWhole(i)) lossy.MarkWhole(i);
            else if (changes.Keys(i) is { } keys)
            {
                lossy.Touch(i);
                foreach (var k in keys.Distinct().Skip(1)) lossy.Add(i, k);
            }
        }

        return lossy;
    }

    /// <summary>
    /// <paramref name="expected"/> equals the kernel's post-state <paramref name="after"/>: compared at
    /// the changed keys when both states' changes from the judged pre-state are known, else in full.
    /// </summary>
    private bool Same(ConcreteState expected, ConcreteState after)
    {
        if (ReferenceEquals(expected, after)) return true;

        if (KnownChanges(expected, after) is not (var pre, var mine, var theirs)) return expected.Equals(after);
        var fast = SameAt(pre, expected, mine, after, theirs);
        if (crossCheckingStep && transitionCrossCheck is null && fast != expected.Equals(after))
        {
            transitionCrossCheck = new RefinementViolation("cross-check", "transition.compare",
                $"comparing the expected and the kernel's post-state at their changed keys gives {(fast ? "equal" : "different")}, comparing them in full the opposite", expected, after);
        }

        return fast;
    }

    /// <summary>
    /// The judged pre-state, the changes from it of <paramref name="expected"/> (a state this step
    /// built) and of the kernel's post-state <paramref name="after"/>; null when either is not known
    /// (then the two states are compared in full).
    /// </summary>
    private (ConcreteState Pre, ChangeChain Mine, HashSet<Value>?[] Theirs)? KnownChanges(ConcreteState expected, ConcreteState after)
    {
        var pre = judgedPre;
        var mine = ReferenceEquals(expected, pre) ? ChangeChain.None : expectedChanges.TryGetValue(expected, out var c) ? c : null;
        var theirs = ReferenceEquals(after, pre) ? NoKeys
            : ReferenceEquals(abstraction.Previous, pre) && ReferenceEquals(abstraction.Last, after) && abstraction.LastChanges is { } known ? ByIndex(known) : null;
        return pre is null || mine is null || theirs is null ? null : (pre, mine, theirs);
    }

    /// <summary>
    /// Field <paramref name="i"/> of x and y can be compared at the changed keys alone: neither
    /// changed it whole, an untouched side is the pre-state's value itself, and all three are maps
    /// with one default (so each equals the pre-state away from its changed keys). Otherwise the
    /// field is compared in full.
    /// </summary>
    private static bool KeyedField(ConcreteState pre, ConcreteState x, ChangeChain xc, ConcreteState y, HashSet<Value>?[] yc, int i)
    {
        bool xWhole = false, xTouched = false;
        for (var n = xc; n is not null; n = n.Tail)
        {
            xWhole |= n.Head.IsWhole(i);
            xTouched |= n.Head.Touched(i);
        }

        var xi = x[i];
        var yi = y[i];
        return !xWhole
            && (xTouched || ReferenceEquals(xi, pre[i])) && (yc[i] is not null || ReferenceEquals(yi, pre[i]))
            && xi is MapValue mx && yi is MapValue my && pre[i] is MapValue mp && mp.Default.Equals(mx.Default) && mp.Default.Equals(my.Default);
    }

    // The abstraction's changed keys by field position (the sets are shared, not copied), built once
    // per set of changes (a step compares several expected states with the same post-state).
    private HashSet<Value>?[] ByIndex(IReadOnlyDictionary<string, HashSet<Value>> byName)
    {
        if (ReferenceEquals(byName, kernelKeysOf) && kernelKeys is { } cached) return cached;
        var a = new HashSet<Value>?[ConcreteState.FieldCount];
        foreach (var (name, keys) in byName) a[ConcreteState.IndexOf(name)] = Shortcuts is { LoseKernelKeys: true } ? [] : keys;
        kernelKeysOf = byName;
        kernelKeys = a;
        return a;
    }

    private IReadOnlyDictionary<string, HashSet<Value>>? kernelKeysOf;
    private HashSet<Value>?[]? kernelKeys;

    // As ByIndex, never with the planted LoseKernelKeys (which plants into the comparison only).
    private HashSet<Value>?[] KernelKeysByIndex(IReadOnlyDictionary<string, HashSet<Value>> byName)
    {
        if (ReferenceEquals(byName, trueKeysOf) && trueKeys is { } cached) return cached;
        var a = new HashSet<Value>?[ConcreteState.FieldCount];
        foreach (var (name, keys) in byName) a[ConcreteState.IndexOf(name)] = keys;
        trueKeysOf = byName;
        trueKeys = a;
        return a;
    }

    private IReadOnlyDictionary<string, HashSet<Value>>? trueKeysOf;
    private HashSet<Value>?[]? trueKeys;

    // x and y agree where either differs from pre (each equals pre elsewhere), field by field.
    private static bool SameAt(ConcreteState pre, ConcreteState x, ChangeChain xc, ConcreteState y, HashSet<Value>?[] yc)
    {
        for (var i = 0; i < ConcreteState.FieldCount; i++)
            if (!SameField(pre, x, xc, y, yc, i)) return false;
        return true;
    }

    // As SameAt for field i alone.
    private static bool SameField(ConcreteState pre, ConcreteState x, ChangeChain xc, ConcreteState y, HashSet<Value>?[] yc, int i)
    {
        var xi = x[i];
        var yi = y[i];
        if (ReferenceEquals(xi, yi)) return true;
        var yKeys = yc[i];
        if (!KeyedField(pre, x, xc, y, yc, i)) return xi.Equals(yi);
        var mx = (MapValue)xi;
        var my = (MapValue)yi;
        if (!AgreeAt(mx, my, yKeys)) return false;
        for (var n = xc; n is not null; n = n.Tail)
            if (!AgreeAt(mx, my, n.Head.Keys(i), yKeys)) return false;
        return true;
    }

    // As AgreeAt at `keys`, skipping those already compared (in `done`: a set lookup costs less than two map reads).
    private static bool AgreeAt(MapValue a, MapValue b, List<Value>? keys, HashSet<Value>? done)
    {
        if (keys is null) return true;
        foreach (var k in keys)
            if ((done is null || !done.Contains(k)) && !AgreeAt(a, b, k)) return false;
        return true;
    }

    private static bool AgreeAt(MapValue a, MapValue b, HashSet<Value>? keys)
    {
        if (keys is null) return true;
        foreach (var k in keys)
            if (!AgreeAt(a, b, k)) return false;
        return true;
    }

    private static bool AgreeAt(MapValue a, MapValue b, Value key)
    {
        var va = a.Select(key);
        var vb = b.Select(key);
        return ReferenceEquals(va, vb) || va.Equals(vb);
    }
}
