using Shouldly;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// The abstraction's seed (a fresh checker's first state, kept per thread for the next fresh
/// checker on an equal kernel) must not carry a planted wrong shortcut into a correct checker.
/// </summary>
public sealed class SeedIsolationTests(ITestOutputHelper output)
{
    [Fact]
    public void A_checker_with_a_planted_stale_object_record_leaves_no_seed_for_a_correct_checker()
    {
        // On a fresh thread (no seed yet): a checker with ObjectValuesStale planted reads the booted
        // kernel first, then a correct checker on a correct kernel booted alike. The root task's exit
        // is its object's first change since boot: from a seed whose per-object record stayed empty,
        // the dead task's entries (all defaults now) match the record and are not written, so the
        // abstraction keeps the task alive and a correct exit is reported as a violation (and a
        // wrong kill of a boot object would go unseen).
        RefinementViolation? v = null;
        Exception? failed = null;
        var thread = new Thread(() =>
        {
            try
            {
                _ = new Workload(null, check: true, 0, new ShortcutFaults { ObjectValuesStale = true });
                v = new Workload(null, check: true).Run([new WorkAction(ActionKind.Exit, 0, 10, 14, 4, 3)]);
            }
            catch (Exception e)
            {
                failed = e;
            }
        });
        thread.Start();
        thread.Join();
        failed.ShouldBeNull();
        output.WriteLine(v?.Message ?? "no violation");
        v.ShouldBeNull(v?.Message);
    }
}
