using Shouldly;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// The relational clause inv.badges_immutable.badge_never_changes, evaluated touched-only on the
/// step's changed keys: a badge cleared in an unjudged step (WrongKernel.Unjudged, so only the invariants judge
/// it) must be found by that per-key evaluation, and a touched-only check that drops relational
/// breaks must be reported by the cross-check. Workload layout as in <see cref="StutterTests"/>
/// (+5 is a notification).
/// </summary>
public sealed class RelationalShortcutTests(ITestOutputHelper output)
{
    private const ulong Root = AbiConstants.SlotRootCNode;
    private const string Clause = "inv.badges_immutable.badge_never_changes";

    // Mints a badged notification capability (a checked step), then in an unmodelled step signals
    // through it with the old behaviour of clearing its badge planted.
    private static RefinementViolation? ClearABadge(Workload w, Action? beforeBreak = null)
    {
        var root = w.Tasks[0];
        var first = (ulong)w.Booted.FirstFreeSlot;
        w.Kernel.Syscall(root, SyscallNumber.CNodeMint, Root, first + 5, Root, first + 9, (ulong)Rights.All, 2).Status.ShouldBe(KernelError.Ok);
        if (w.Checker!.Violation is { } early) return early;
        beforeBreak?.Invoke();
        WrongKernel.Unjudged(w, root, k =>
        {
            k.Faults = new PlantedFaults { SignalClearsBadge = true };
            k.Syscall(root, (long)SyscallNumber.Signal, [first + 9, 0, 0, 0, 0, 0]);
            k.Faults = null;
        });
        return w.Checker.Finish(w.Kernel);
    }

    [Fact]
    public void Per_key_evaluation_of_the_relational_clause_finds_a_changed_badge()
    {
        var w = new Workload(null, check: true);
        long keyedBefore = 0, fullBefore = 0;
        var v = ClearABadge(w, () => (keyedBefore, fullBefore) = (w.Checker!.Touched.Keyed, w.Checker.Touched.Full)).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("invariant");
        v.Clause.ShouldBe(Clause);
        w.Checker!.Touched.Keyed.ShouldBeGreaterThan(keyedBefore);
        w.Checker.Touched.Full.ShouldBe(fullBefore, "the breaking step evaluated no clause in full: the relational one on its changed keys only");
    }

    [Fact]
    public void Cross_check_reports_a_touched_only_check_that_drops_a_relational_break()
    {
        var drop = new ShortcutFaults { DropRelationalBreaks = true };
        ClearABadge(new Workload(null, check: true, crossCheckEvery: 0, drop)).ShouldBeNull("the planted shortcut hides the break");
        // The relational clause needs the step's pre-state: the cross-check after each step has it.
        var v = ClearABadge(new Workload(null, check: true, crossCheckEvery: 1, drop)).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe(Clause);
    }
}
