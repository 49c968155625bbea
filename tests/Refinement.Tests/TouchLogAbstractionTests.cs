using Shouldly;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// The abstraction read by the kernel's touch log (CapMirror): after the first read each read
/// re-reads only the slots the kernel logged, it agrees with the abstraction rebuilt from scratch
/// (on padded kernels, where most of the list is untouched, and across a restore), and a log that
/// misses the kernel's slot writes is reported by the cross-check.
/// </summary>
public sealed class TouchLogAbstractionTests(ITestOutputHelper output)
{
    private const SyscallNumber UnmodelledFault = (SyscallNumber)999;

    private static WorkAction[] RandomActions(Random r, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => new WorkAction(
            Workload.AllKinds[r.Next(Workload.AllKinds.Length)], r.Next(3),
            r.Next(2) == 0 ? new[] { 3, 4, 10, 11, 12 }[r.Next(5)] : r.Next(20),
            r.Next(2) == 0 ? new[] { 3, 4, 10, 11, 12 }[r.Next(5)] : r.Next(20),
            r.Next(8), r.Next(4)))];

    [Fact]
    public void After_the_first_read_every_read_follows_the_touch_log()
    {
        var w = new Workload(null, check: true);
        w.Run(RandomActions(new Random(7), 40)).ShouldBeNull();
        w.Checker!.Finish(w.Kernel).ShouldBeNull();
        var (logged, full) = w.Checker.AbstractionReads;
        output.WriteLine($"{w.Executed} syscalls: {logged} logged reads ({w.Checker.QuietAbstractionReads} found nothing changed), {full} full");
        full.ShouldBe(1, "only the first read, on a kernel the log did not watch yet, is a full one");
        logged.ShouldBeGreaterThan(2 * (int)w.Executed - 2, "each syscall's pre- and post-state, and the end");
    }

    [Fact]
    public void Logged_reads_agree_with_the_full_abstraction_on_padded_kernels()
    {
        // Most of a padded kernel's list is never touched by the actions: the runs the mirror
        // keeps are long, and every step's state is compared with the one rebuilt from scratch.
        var r = new Random(11);
        long syscalls = 0;
        for (var i = 0; i < 12; i++)
        {
            var w = new Workload(null, check: true, crossCheckEvery: 1, shortcuts: null, timings: false, padding: 20);
            var v = w.Run(RandomActions(r, 20)) ?? w.Checker!.Finish(w.Kernel);
            v.ShouldBeNull(v?.Message);
            syscalls += w.Executed;
            w.Checker!.AbstractionReads.Full.ShouldBe(1);
        }

        output.WriteLine($"{syscalls} syscalls cross-checked at every step");
    }

    [Fact]
    public void A_restore_makes_the_next_read_a_full_one()
    {
        var w = new Workload(null, check: true, crossCheckEvery: 1, shortcuts: null);
        w.Run(RandomActions(new Random(3), 10)).ShouldBeNull();
        var snapshot = w.Kernel.Snapshot();
        w.Run(RandomActions(new Random(4), 10)).ShouldBeNull();
        var fullBefore = w.Checker!.AbstractionReads.Full;
        // Out of the checker's sight, as a test or the run loop might: the structures go back.
        w.Kernel.Restore(snapshot);
        w.Checker.Finish(w.Kernel).ShouldBeNull("the state read after the restore is the one rebuilt from scratch");
        w.Checker.AbstractionReads.Full.ShouldBe(fullBefore + 1, "a restore replaces every structure: the log says everything changed");
    }

    // A step the spec does not model (a fault) in which the kernel copies a capability, so only the
    // cross-check judges whether the post-state has the copy.
    private static RefinementViolation? CopyInAFault(ShortcutFaults? planted, int crossCheckEvery)
    {
        var w = new Workload(null, check: true, crossCheckEvery, null);
        w.Checker!.Shortcuts = planted; // after the workload's setup, which would otherwise be judged wrong at once
        var root = w.Tasks[0];
        var first = (ulong)w.Booted.FirstFreeSlot;
        WrongKernel.Step(w, root, UnmodelledFault, [0, 0, 0, 0, 0, 0], KernelError.Ok, k =>
            k.Syscall(root, (long)SyscallNumber.CNodeCopy, [AbiConstants.SlotRootCNode, first + 3, AbiConstants.SlotRootCNode, first + 12, (ulong)Rights.All, 0])
                .Status.ShouldBe(KernelError.Ok));
        return w.Checker!.Finish(w.Kernel);
    }

    [Fact]
    public void Cross_check_reports_an_abstraction_whose_touch_log_missed_the_slot_writes()
    {
        var lost = new ShortcutFaults { SlotLogLost = true };
        CopyInAFault(null, 1).ShouldBeNull();
        CopyInAFault(lost, 0).ShouldBeNull("the planted lost log hides the copy");
        var v = CopyInAFault(lost, 1).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("abstraction.incremental");
        v.Message.ShouldContain("SlotFull");
    }
}
