using Shouldly;
using Verified.Spec;
using Verified.Spec.Kernel;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// Review property for the touched-only invariant evaluation: on random edits of a real kernel's
/// valid state (one or two stores into random fields, at keys and with values taken from the
/// state itself, including rows of maps of maps edited inside), the touched-only result equals
/// the full evaluation's, both when the changes are found by comparison and when the exact
/// changed keys are given. Each edit moves keys between values, so the inverses cached per map
/// object are derived across many different edits of the same pre-state map.
/// </summary>
public sealed class TouchedRandomEditTests(ITestOutputHelper output)
{
    private const int Rounds = 2000;

    private static readonly Lazy<KernelEval> Shared = new(() => new KernelEval(Verified.Proofs.Refinement.RefinementSpec.Spec));

    [Fact]
    public void Touched_only_equals_full_on_random_edits()
    {
        var (mismatches, breaks) = Run(null);
        mismatches.ShouldBe(0);
        breaks.ShouldBeGreaterThan(50, "the edits must break clauses for the comparison to mean anything");
    }

    // The property bites: each planted wrong shortcut disagrees with the full evaluation on some edit
    // (InverseSkipsChanges needs a join over a changed field at a new value, which random edits
    // of one state do not reach: its targeted test is in TouchedShortcutTests).
    [Theory]
    [InlineData("GuardsFromConclusion")]
    [InlineData("AssumeSymmetric")]
    [InlineData("IgnoreComputedReads")]
    [InlineData("TransposeNested")]
    [InlineData("DisjointBelowStartOnly")]
    public void Each_planted_shortcut_fault_disagrees_on_some_random_edit(string fault)
    {
        var faults = fault switch
        {
            "GuardsFromConclusion" => new TouchedFaults { GuardsFromConclusion = true },
            "AssumeSymmetric" => new TouchedFaults { AssumeSymmetric = true },
            "IgnoreComputedReads" => new TouchedFaults { IgnoreComputedReads = true },
            "TransposeNested" => new TouchedFaults { TransposeNested = true },
            "DisjointBelowStartOnly" => new TouchedFaults { DisjointBelowStartOnly = true },
            _ => throw new ArgumentException($"unknown fault {fault}", nameof(fault)),
        };
        Run(faults).Mismatches.ShouldBeGreaterThan(0);
    }

    private (int Mismatches, int Breaks) Run(TouchedFaults? faults)
    {
        var w = new Verified.Proofs.Refinement.Workload(null, check: false);
        var ids = new Verified.Proofs.Refinement.CapIdentities();
        w.Run([new(Verified.Proofs.Refinement.ActionKind.Copy, 0, 3, 10, 7, 0)]).ShouldBeNull();
        w.Run([new(Verified.Proofs.Refinement.ActionKind.Copy, 0, 10, 11, 7, 0)]).ShouldBeNull();
        var pre = Verified.Proofs.Refinement.Abstraction.Abstract(w.Kernel, ids);
        var eval = Shared.Value;
        eval.BrokenClauses(pre).ShouldBeEmpty();
        var rng = new Random(12345);
        var maps = KernelState.Fields.Select(f => f.Name).Where(n => pre[n] is MapValue m && !m.Entries.IsEmpty).ToArray();
        int breaks = 0, runs = 0, mismatches = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var post = pre;
            var changed = new Dictionary<string, HashSet<Value>>(StringComparer.Ordinal);
            var edits = 1 + rng.Next(2);
            for (var e = 0; e < edits; e++)
            {
                var field = maps[rng.Next(maps.Length)];
                var m = post.Map(field);
                var entries = m.Entries.ToArray();
                var key = entries[rng.Next(entries.Length)].Key;
                if (rng.Next(3) == 0 && key is BitVecValue b) key = new BitVecValue(b.Width, b.Bits + 1);
                Value value;
                var old = m.Select(key);
                if (old is MapValue row && !row.Entries.IsEmpty && rng.Next(2) == 0)
                {
                    var inner = row.Entries.ToArray();
                    var (ik, iv) = inner[rng.Next(inner.Length)];
                    var other = inner[rng.Next(inner.Length)].Value;
                    value = row.Store(ik, iv is BoolValue bv2 ? BoolValue.Of(!bv2.Value) : other);
                }
                else
                {
                    value = rng.Next(4) == 0 ? m.Default : entries[rng.Next(entries.Length)].Value;
                }

                post = post.With(field, m.Store(key, value));
                if (!changed.TryGetValue(field, out var ks)) changed[field] = ks = [];
                ks.Add(key);
            }

            var full = eval.BrokenClauses(post, pre);
            var compared = eval.BrokenClausesTouched(post, pre, new TouchedCounts(), null, faults);
            var given = eval.BrokenClausesTouched(post, pre, new TouchedCounts(), changed, faults);
            if (!compared.SequenceEqual(full) || !given.SequenceEqual(full))
                output.WriteLine($"round {round}: edits {string.Join("; ", changed.Select(c => c.Key + "@" + string.Join(",", c.Value)))}: full [{string.Join(", ", full)}] compared [{string.Join(", ", compared)}] given [{string.Join(", ", given)}]");
            if (!compared.SequenceEqual(full) || !given.SequenceEqual(full)) mismatches++;
            runs++;
            if (full.Count > 0) breaks++;
        }

        output.WriteLine($"{runs} edits, {breaks} broke some clause, {mismatches} disagreed");
        return (mismatches, breaks);
    }
}
