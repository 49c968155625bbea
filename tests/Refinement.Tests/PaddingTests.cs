using Shouldly;
using Verified.Proofs.Refinement;
using Xunit;

namespace Verified.Refinement.Tests;

/// <summary>
/// The workload's padding (the bench's larger state): it adds the endpoints and copies it says,
/// and random actions on the padded state refine the spec with every shortcut cross-checked
/// against the full computation at every step — the state-size-dependent shortcuts meet a state
/// where most keys are untouched.
/// </summary>
public sealed class PaddingTests
{
    [Fact]
    public void Padding_adds_that_many_endpoints_each_with_a_copy()
    {
        var plain = new Workload(null, check: false);
        var padded = new Workload(null, false, 0, null, timings: false, padding: 40);
        Live(padded).ShouldBe(Live(plain) + 40);
        Abstraction.OccupiedSlots(padded.Kernel).Count.ShouldBe(Abstraction.OccupiedSlots(plain.Kernel).Count + 80);
    }

    [Fact]
    public void Padding_beyond_the_second_cnode_is_refused_with_the_bound()
    {
        var e = Should.Throw<ArgumentOutOfRangeException>(() => new Workload(null, false, 0, null, timings: false, padding: Workload.MaxPadding + 1));
        e.Message.ShouldContain(Workload.MaxPadding.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Random_actions_on_a_padded_state_refine_the_spec_under_cross_check_at_every_step()
    {
        var kinds = Workload.AllKinds;
        var rng = new Random(20261122);
        for (var seq = 0; seq < 12; seq++)
        {
            var w = new Workload(null, true, crossCheckEvery: 1, null, timings: false, padding: 30);
            var actions = Enumerable.Range(0, 25).Select(_ => new WorkAction(kinds[rng.Next(kinds.Length)], rng.Next(3), rng.Next(20), rng.Next(20), rng.Next(8), rng.Next(4))).ToArray();
            var v = w.Run(actions);
            v.ShouldBeNull(v?.Message);
            w.Checker!.CrossChecks.ShouldBeGreaterThan(25);
        }
    }

    private static int Live(Workload w) => w.Kernel.Objects.All.Count(o => o.IsLive);
}
