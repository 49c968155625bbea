using FsCheck;
using FsCheck.Fluent;
using Verified.Kernel;
using Verified.Proofs.Refinement;

namespace Verified.Refinement.Tests;

/// <summary>
/// Random multi-task action sequences run on the kernel with the refinement checker on. The
/// shrinker removes actions (halves, then one at a time), so a failure comes back as a sequence
/// from which no action can be dropped without losing it.
/// </summary>
internal static class RefinementProperty
{
    public static Gen<WorkAction[]> Sequences(IReadOnlyList<ActionKind> kinds, int maxLength) =>
        Gen.Choose(1, maxLength).SelectMany(n => Gen.ArrayOf(Action(kinds), n));

    private static Gen<WorkAction> Action(IReadOnlyList<ActionKind> kinds) =>
        from k in Gen.Elements(kinds.ToArray())
        from t in Gen.Choose(0, 2)
        from x in Slot
        from y in Slot
        from z in Gen.Choose(0, 7)
        from w in Gen.Choose(0, 3)
        select new WorkAction(k, t, x, y, z, w);

    // Slots cluster on two root slots (endpoints) and three of the second CNode, so that
    // capabilities are derived from each other and revoked often; the rest of the window sometimes.
    private static Gen<int> Slot { get; } = Gen.OneOf(Gen.Elements(3, 10, 11), Gen.Elements(3, 4, 10, 11, 12), Gen.Choose(0, 19));

    public static IEnumerable<WorkAction[]> Shrink(WorkAction[] xs)
    {
        if (xs.Length > 1)
        {
            yield return xs[..(xs.Length / 2)];
            yield return xs[(xs.Length / 2)..];
        }

        for (var i = 0; i < xs.Length; i++)
        {
            yield return [.. xs[..i], .. xs[(i + 1)..]];
        }
    }

    /// <summary>Result of one property run: sequences tried, syscalls checked, and the minimal failing sequence if any.</summary>
    public sealed record Outcome(int Sequences, long Syscalls, WorkAction[]? Minimal, RefinementViolation? Violation, long CrossChecks = 0);

    public static Outcome Run(IReadOnlyList<ActionKind> kinds, PlantedFaults? faults, int tests, int maxLength, ulong seed, int crossCheckEvery = 0, ShortcutFaults? shortcuts = null)
    {
        long crossChecks = 0;
        WorkAction[]? minimal = null;
        RefinementViolation? violation = null;
        var sequences = 0;
        long syscalls = 0;
        var property = Prop.ForAll(Arb.From(Sequences(kinds, maxLength), Shrink), actions =>
        {
            sequences++;
            var w = new Workload(faults, check: true, crossCheckEvery, shortcuts);
            var v = w.Run(actions);
            syscalls += w.Executed;
            crossChecks += w.Checker!.CrossChecks;
            if (v is not null && (minimal is null || actions.Length <= minimal.Length))
            {
                minimal = actions;
                violation = v;
            }

            return v is null;
        });
        var config = Config.Quick.WithMaxTest(tests).WithQuietOnSuccess(true)
            .WithReplay(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), null)); // fixed seed: a test run is reproducible
        try
        {
            Check.One(config.WithRunner(new ThrowRunner()), property);
        }
        catch (PropertyFailed) when (minimal is not null)
        {
            // A violation: its shortest failing input is kept in 'minimal' and returned. Any other
            // failure (an exception in the kernel or the checker) propagates and fails the test.
        }

        return new Outcome(sequences, syscalls, minimal, violation, crossChecks);
    }

    private sealed class PropertyFailed(string message) : Exception(message);

    private sealed class ThrowRunner : IRunner
    {
        public void OnStartFixture(Type t) { }

        public void OnArguments(int ntest, Microsoft.FSharp.Collections.FSharpList<object> args, Microsoft.FSharp.Core.FSharpFunc<int, Microsoft.FSharp.Core.FSharpFunc<Microsoft.FSharp.Collections.FSharpList<object>, string>> every) { }

        public void OnShrink(Microsoft.FSharp.Collections.FSharpList<object> args, Microsoft.FSharp.Core.FSharpFunc<Microsoft.FSharp.Collections.FSharpList<object>, string> everyShrink) { }

        public void OnFinished(string name, TestResult testResult)
        {
            if (testResult is not TestResult.Passed) throw new PropertyFailed(Runner.onFinishedToString(name, testResult));
        }
    }
}
