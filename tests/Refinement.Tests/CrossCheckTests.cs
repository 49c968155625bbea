using Shouldly;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// The checker's shortcuts (incremental abstraction, touched-only invariants) against the full
/// computation: a planted wrong shortcut must be reported by the cross-check mode, and the
/// correct shortcuts must agree with the full computation on random sequences. (The planted
/// invariant break between syscalls needs the kernel's internals: tests/Kernel.Tests RefinementCheckerTests.)
/// </summary>
public sealed class CrossCheckTests(ITestOutputHelper output)
{
    [Fact]
    public void Cross_check_reports_an_abstraction_that_missed_a_step()
    {
        // The setup retypes objects (unmodelled steps: no transition compares the states), so a stale
        // post-state is seen only by comparing with the abstraction rebuilt from scratch.
        var stale = new ShortcutFaults { StalePostState = true };
        new Workload(null, check: true, crossCheckEvery: 0, stale).Run([]).ShouldBeNull("the planted shortcut hides the missed step");
        var w = new Workload(null, check: true, crossCheckEvery: 1, stale);
        var v = w.Run([]).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("abstraction.incremental");
    }

    [Fact]
    public void Shortcuts_agree_with_the_full_computation_at_every_step_of_random_sequences()
    {
        var kinds = Workload.AllKinds.Where(k => k is not (ActionKind.TaskDestroy or ActionKind.Mutate)).ToList();
        var r = RefinementProperty.Run(kinds, faults: null, tests: 60, maxLength: 20, seed: 4242, crossCheckEvery: 1);
        output.WriteLine($"{r.Sequences} sequences, {r.Syscalls} syscalls, cross-checked at every step");
        r.Violation.ShouldBeNull(r.Violation?.Message);
        r.CrossChecks.ShouldBeGreaterThanOrEqualTo(r.Syscalls, "every step was cross-checked");
    }
}
