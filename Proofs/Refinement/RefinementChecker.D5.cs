using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>Divergence D5 judged at the keys the step changed (the grants of an owner that died).</summary>
public sealed partial class RefinementChecker
{
    /// <summary>
    /// Divergence D5 (<see cref="Divergences.ClassifyStateDifference"/>) for a step whose spec
    /// post-state is <paramref name="expected"/> and kernel post-state <paramref name="after"/>.
    /// Where both states' changes from the judged pre-state are known (as for <see cref="Same"/>),
    /// the differences are read at those keys: elsewhere both are the pre-state, so the keys where
    /// they differ are exactly the changed keys where they differ; and an object that died in the
    /// spec's state (ObjAlive true in the pre-state, false in the expected) is at one of the spec's
    /// changed ObjAlive keys. A field compared in full (a whole change, a moved default, an
    /// untouched field that is not the pre-state's map) is read entry by entry, as before. Reading
    /// every entry of every differing field and every object made a D5 step cost the size of the
    /// state. In cross-check mode the full classification must agree (transition.d5); planted
    /// <see cref="ShortcutFaults.D5LooksAtOwnersOnly"/> is caught by it and by DivergenceTests.
    /// </summary>
    private string? ClassifyD5(ConcreteState before, ConcreteState expected, ConcreteState after)
    {
        if (DifferencesAt(expected, after) is not { } at)
            return Divergences.ClassifyStateDifference(before, expected, after, OwnersOfDeadTables);
        var keyed = Divergences.ClassifyDifferences(before, expected, after, at.Differences, at.AliveKeys ?? before.Map("ObjAlive").Entries.Keys, OwnersOfDeadTables,
            plantOwnersOnly: Shortcuts is { D5LooksAtOwnersOnly: true });
        if (crossCheckingStep && transitionCrossCheck is null && Divergences.ClassifyStateDifference(before, expected, after, OwnersOfDeadTables) is var full && full != keyed)
        {
            transitionCrossCheck = new RefinementViolation("cross-check", "transition.d5",
                $"D5 classified at the changed keys gives {(keyed is null ? "no divergence" : "D5")}, classified on the whole states {(full is null ? "no divergence" : "D5")}", expected, after);
        }

        return keyed;
    }

    /// <summary>
    /// Where <paramref name="expected"/> (a state this step built from the judged pre-state) and the
    /// kernel's post-state <paramref name="after"/> differ, field by field with every differing key,
    /// read at the changed keys (as <see cref="SameAt"/> compares them); and the ObjAlive keys where
    /// <paramref name="expected"/> may differ from the pre-state (null: ObjAlive changed as a whole).
    /// Null when either state's changes are not known.
    /// </summary>
    private (List<Divergences.StateDifference> Differences, IEnumerable<Value>? AliveKeys)? DifferencesAt(ConcreteState expected, ConcreteState after)
    {
        if (KnownChanges(expected, after) is not (var pre, var mine, var theirs)) return null;
        var differences = new List<Divergences.StateDifference>();
        for (var i = 0; i < ConcreteState.FieldCount; i++)
        {
            var xi = expected[i];
            var yi = after[i];
            if (ReferenceEquals(xi, yi)) continue;
            var yKeys = theirs[i];
            var name = KernelState.Fields[i].Name;
            if (!KeyedField(pre, expected, mine, after, theirs, i))
            {
                if (xi.Equals(yi)) continue;
                differences.Add(xi is MapValue ex && yi is MapValue ey ? Divergences.StateDifference.Of(name, ex, ey) : new(name, null));
                continue;
            }

            var mx = (MapValue)xi;
            var my = (MapValue)yi;
            HashSet<Value>? differing = null;
            void At(IEnumerable<Value>? keys)
            {
                if (keys is null) return;
                foreach (var k in keys)
                    if (!AgreeAt(mx, my, k)) (differing ??= []).Add(k);
            }

            At(yKeys);
            for (var n = mine; n is not null; n = n.Tail) At(n.Head.Keys(i));
            if (differing is not null) differences.Add(new(name, differing));
        }

        var alive = ConcreteState.IndexOf("ObjAlive");
        List<Value>? aliveKeys = [];
        for (var n = mine; n is not null && aliveKeys is not null; n = n.Tail)
        {
            if (n.Head.IsWhole(alive)) aliveKeys = null;
            else if (n.Head.Keys(alive) is { } k) aliveKeys.AddRange(k);
        }

        // Untouched by every link, ObjAlive must be the pre-state's map itself (else it is scanned).
        if (aliveKeys is { Count: 0 } && !ReferenceEquals(expected[alive], pre[alive])) aliveKeys = null;
        return (differences, aliveKeys);
    }
}
