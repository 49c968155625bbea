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
    private static WorkAction A(ActionKind k, int x, int y = 0, int z = 7, int w = 0) => new(k, 0, x, y, z, w);

    /// <summary>
    /// An invariant break the refinement comparison cannot see: a copy of an endpoint capability,
    /// then, in a step no transition judges (WrongKernel.Unjudged), the kernel mutates the parent down to read only with the
    /// old behaviour of finding F1 planted — the break is at the (child, parent) edge, which a
    /// touched-only check must still find. Returns the checker's verdict after its end-of-run check.
    /// </summary>

    private static RefinementViolation? BreakAnInvariant(Workload w, Action? beforeBreak = null)
    {
        if (w.Run([A(ActionKind.Copy, 3, 10, z: 7)]) is { } early) return early;
        beforeBreak?.Invoke();
        var root = w.Tasks[0];
        var first = (ulong)w.Booted.FirstFreeSlot;
        // An unjudged step whose post-state only the invariants judge.
        WrongKernel.Unjudged(w, root, k =>
        {
            k.Faults = new Verified.Kernel.PlantedFaults { MutateIgnoresChildren = true };
            k.Syscall(root, (long)Verified.Kernel.Abi.SyscallNumber.CNodeMutate, [Verified.Kernel.Abi.AbiConstants.SlotRootCNode, first + 3, Verified.Kernel.Abi.AbiConstants.SlotRootCNode, first + 9, 1, 0]);
            k.Faults = null;
        });
        return w.Checker!.Finish(w.Kernel);
    }

    [Fact]
    public void Touched_only_check_finds_an_invariant_break_at_the_step()
    {
        var w = new Workload(null, check: true);
        long keyedBefore = 0;
        var v = BreakAnInvariant(w, () => keyedBefore = w.Checker!.Touched.Keyed).ShouldNotBeNull();
        v.Property.ShouldBe("invariant");
        v.Clause.ShouldBe("inv.no_rights_amplification.edge_rights_subset");
        w.Checker!.Touched.Keyed.ShouldBeGreaterThan(keyedBefore, "the breaking step evaluated clauses on its changed keys only");
    }

    [Fact]
    public void Cross_check_reports_a_touched_only_rule_that_skips_a_broken_clause()
    {
        var skip = new ShortcutFaults { SkipEveryClause = true };
        // Without cross-checking the planted shortcut hides the break ...
        BreakAnInvariant(new Workload(null, check: true, crossCheckEvery: 0, skip)).ShouldBeNull("the planted shortcut hides the break");
        // ... the cross-check at the end of the run reports it.
        var w = new Workload(null, check: true, crossCheckEvery: 1000, skip);
        var v = BreakAnInvariant(w).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("inv.no_rights_amplification.edge_rights_subset");
    }

    [Fact]
    public void Cross_check_reports_an_abstraction_that_lost_the_changed_keys_of_a_step()
    {
        // The touched-only check reads the step's changed keys from the incremental abstraction;
        // a cache that forgot them would make the breaking step look like it changed nothing.
        var lose = new ShortcutFaults { LoseChangedKeys = true };
        BreakAnInvariant(new Workload(null, check: true, crossCheckEvery: 0, lose)).ShouldBeNull("the planted shortcut hides the break");
        var w = new Workload(null, check: true, crossCheckEvery: 1000, lose);
        var v = BreakAnInvariant(w).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("inv.no_rights_amplification.edge_rights_subset");
    }

    [Fact]
    public void Cross_check_reports_an_abstraction_that_missed_a_step()
    {
        // From after the setup, every post-state is stale; an unjudged step (while the
        // kernel suspends task t1) changes the state with no transition to compare, so the stale
        // post-state is seen only by comparing with the abstraction rebuilt from scratch.
        RefinementViolation? Run(int crossCheckEvery)
        {
            var w = new Workload(null, check: true, crossCheckEvery, null);
            w.Checker!.Shortcuts = new ShortcutFaults { StalePostState = true };
            var root = w.Tasks[0];
            var first = (ulong)w.Booted.FirstFreeSlot;
            WrongKernel.Unjudged(w, root, k => k.Syscall(root, (long)Verified.Kernel.Abi.SyscallNumber.TaskSuspend, [first, 0, 0, 0, 0, 0]));
            return w.Checker.Finish(w.Kernel);
        }

        Run(0).ShouldBeNull("the planted shortcut hides the missed step");
        var v = Run(1).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("abstraction.incremental");
    }

    // An unjudged step in which the kernel does <paramref name="instead"/>: no
    // transition judges it, so a post-state missing its change is seen only by the cross-check.
    private static RefinementViolation? UnmodelledChange(ShortcutFaults planted, int crossCheckEvery, Action<Workload, Verified.Kernel.Kernel> instead)
    {
        var w = new Workload(null, check: true, crossCheckEvery, null);
        w.Checker!.Shortcuts = planted;
        WrongKernel.Unjudged(w, w.Tasks[0], k => instead(w, k));
        return w.Checker.Finish(w.Kernel);
    }

    [Fact]
    public void Cross_check_reports_an_abstraction_that_did_not_reread_a_changed_object()
    {
        // Suspending task t1 changes only its table entry (TaskState): an abstraction re-reading
        // no object after the step keeps it Runnable.
        var unread = new ShortcutFaults { ObjectsUnread = true };
        void Suspend(Workload w, Verified.Kernel.Kernel k) =>
            k.Syscall(w.Tasks[0], (long)Verified.Kernel.Abi.SyscallNumber.TaskSuspend, [(ulong)w.Booted.FirstFreeSlot, 0, 0, 0, 0, 0]).Status.ShouldBe(Verified.Kernel.Abi.KernelError.Ok);
        UnmodelledChange(unread, 0, Suspend).ShouldBeNull("the planted shortcut hides the change");
        var v = UnmodelledChange(unread, 1, Suspend).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("abstraction.incremental");
        v.Message.ShouldContain("TaskState");
    }

    [Fact]
    public void Cross_check_reports_an_abstraction_whose_per_object_values_went_stale()
    {
        // A re-read object-table index writes only the entries that differ from what it gave last
        // time. Suspending t1 and resuming it in two unmodelled steps takes TaskState to Inactive and
        // back: a record of the last values that was never updated still says Runnable at the
        // resume, so the resume is not written and the state keeps t1 inactive.
        RefinementViolation? Run(ShortcutFaults? planted, int crossCheckEvery)
        {
            var w = new Workload(null, check: true, crossCheckEvery, null);
            w.Checker!.Shortcuts = planted;
            var root = w.Tasks[0];
            var t1 = (ulong)w.Booted.FirstFreeSlot;
            foreach (var n in new[] { Verified.Kernel.Abi.SyscallNumber.TaskSuspend, Verified.Kernel.Abi.SyscallNumber.TaskResume })
            {
                WrongKernel.Unjudged(w, root, k => k.Syscall(root, (long)n, [t1, 0, 0, 0, 0, 0]).Status.ShouldBe(Verified.Kernel.Abi.KernelError.Ok));
            }

            w.Kernel.Objects.Resolve<Verified.Kernel.Objects.TaskObject>(w.Tasks[1].Ref).ShouldNotBeNull().State
                .ShouldNotBe(Verified.Kernel.Objects.TaskState.Inactive, "the kernel resumed t1");
            return w.Checker.Finish(w.Kernel);
        }

        var stale = new ShortcutFaults { ObjectValuesStale = true };
        Run(null, 1).ShouldBeNull();
        Run(stale, 0).ShouldBeNull("the planted shortcut hides the resume");
        var v = Run(stale, 1).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("abstraction.incremental");
        v.Message.ShouldContain("TaskState");
    }

    [Fact]
    public void Cross_check_reports_an_abstraction_that_did_not_reread_the_grants()
    {
        // A grant created changes only the granter's grant table: an abstraction re-reading no
        // grant after the step misses it.
        var unread = new ShortcutFaults { GrantsUnread = true };
        void Grant(Workload w, Verified.Kernel.Kernel k)
        {
            var granter = w.Tasks.First(t => t.GrantTable.IsSome);
            var grantee = w.Tasks.First(t => t != granter);
            k.Syscall(granter, (long)Verified.Kernel.Abi.SyscallNumber.GrantCreate, [grantee.Ref.Packed, 0, 0x1000, 1, 0, 0]).Status.ShouldBe(Verified.Kernel.Abi.KernelError.Ok);
        }

        UnmodelledChange(unread, 0, Grant).ShouldBeNull("the planted shortcut hides the change");
        var v = UnmodelledChange(unread, 1, Grant).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("abstraction.incremental");
        v.Message.ShouldContain("GrValid");
    }

    [Fact]
    public void A_fresh_checker_takes_the_seed_state_only_for_an_equal_kernel()
    {
        // A fresh checker's first state is the thread's last fresh first state when the kernel
        // images are equal. Here the second kernel has a copied capability the first did not: a
        // seed taken without comparing images is the wrong state from then on (each later read
        // compares with this kernel's own image), seen only by the cross-check.
        RefinementViolation? Run(ShortcutFaults? planted, int crossCheckEvery)
        {
            new Workload(null, check: true).Run([]).ShouldBeNull(); // seeds this thread with the boot state
            var booted = BootParameters.Default.BootKernel();
            const ulong root = Verified.Kernel.Abi.AbiConstants.SlotRootCNode;
            booted.Kernel.Syscall(booted.Root, (long)Verified.Kernel.Abi.SyscallNumber.CNodeCopy,
                [root, root, root, (ulong)booted.FirstFreeSlot, (ulong)Verified.Kernel.Abi.Rights.Read, 0]).Status.ShouldBe(Verified.Kernel.Abi.KernelError.Ok);
            var checker = RefinementChecker.Attach(booted.Kernel, new RefinementChecker { Shortcuts = planted, CrossCheckEvery = crossCheckEvery });
            booted.Kernel.Syscall(booted.Root, (long)Verified.Kernel.Abi.SyscallNumber.Null, [0, 0, 0, 0, 0, 0]);
            return checker.Finish(booted.Kernel);
        }

        var seedless = new ShortcutFaults { SeedIgnoresImage = true };
        Run(null, 1).ShouldBeNull();
        Run(seedless, 0).ShouldBeNull("the planted shortcut hides the wrong state");
        var v = Run(seedless, 1).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("abstraction.incremental");
        v.Message.ShouldContain("SlotFull");
    }

    [Fact]
    public void Cross_check_reports_a_spec_step_whose_changed_keys_miss_a_write()
    {
        // t1 exits but the kernel leaves it alive and reports Ok. The transition is compared at the
        // keys the spec step wrote and the kernel changed; a written-key set missing a key of each
        // field makes the spec step look like it changed nothing there either.
        RefinementViolation? Run(ShortcutFaults? shortcuts, int crossCheckEvery)
        {
            var w = new Workload(null, check: true, crossCheckEvery, shortcuts);
            WrongKernel.Step(w, w.Tasks[1], Verified.Kernel.Abi.SyscallNumber.Exit, [3, 0, 0, 0, 0, 0], Verified.Kernel.Abi.KernelError.Ok);
            return w.Checker!.Violation;
        }

        Run(null, 0).ShouldNotBeNull().Clause.ShouldBe("task.destroy.state");
        var forget = new ShortcutFaults { ForgetWrittenKeys = true };
        Run(forget, 0).ShouldBeNull("the planted shortcut hides the exit the kernel left out");
        var v = Run(forget, 1).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("transition.changes");
    }

    [Fact]
    public void Cross_check_reports_a_transition_comparison_that_misses_the_kernels_changed_keys()
    {
        // t1 exits and the kernel also suspends t2: a change beyond the spec's, seen only at the
        // kernel's changed keys (TaskState of t2).
        RefinementViolation? Run(ShortcutFaults? shortcuts, int crossCheckEvery)
        {
            var w = new Workload(null, check: true, crossCheckEvery, shortcuts);
            var t2Cap = (ulong)w.Booted.FirstFreeSlot + 1;
            WrongKernel.Step(w, w.Tasks[1], Verified.Kernel.Abi.SyscallNumber.Exit, [3, 0, 0, 0, 0, 0], Verified.Kernel.Abi.KernelError.Ok, k =>
            {
                k.Syscall(w.Tasks[1], (long)Verified.Kernel.Abi.SyscallNumber.Exit, [3, 0, 0, 0, 0, 0]);
                k.Syscall(w.Tasks[0], (long)Verified.Kernel.Abi.SyscallNumber.TaskSuspend, [t2Cap, 0, 0, 0, 0, 0]);
            });
            return w.Checker!.Violation;
        }

        Run(null, 0).ShouldNotBeNull().Clause.ShouldBe("task.destroy.state");
        var lose = new ShortcutFaults { LoseKernelKeys = true };
        Run(lose, 0).ShouldBeNull("the planted shortcut hides the extra suspend");
        var v = Run(lose, 1).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("transition.compare");
    }

    [Fact]
    public void Cross_check_reports_a_normalisation_that_ignores_the_guard_fields_changes()
    {
        // t1 exits: its capabilities die, so their attributes become junk through CapLive (a guard
        // field), not through keys the deletions wrote in those fields.
        RefinementViolation? Run(ShortcutFaults? shortcuts, int crossCheckEvery)
        {
            var w = new Workload(null, check: true, crossCheckEvery, shortcuts);
            return w.Run([new WorkAction(ActionKind.Exit, 1, 0, 0, 3, 0)]);
        }

        Run(null, 0).ShouldBeNull();
        var own = new ShortcutFaults { NormalizeOwnKeysOnly = true };
        Run(own, 0).ShouldNotBeNull("the planted normalisation leaves junk the kernel does not have").Property.ShouldBe("refinement");
        var v = Run(own, 1).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("transition.normalize");
    }

    [Fact]
    public void Shortcuts_agree_with_the_full_computation_at_every_step_of_random_sequences()
    {
        var r = RefinementProperty.Run(Workload.AllKinds, faults: null, tests: 60, maxLength: 20, seed: 4242, crossCheckEvery: 1);
        output.WriteLine($"{r.Sequences} sequences, {r.Syscalls} syscalls, cross-checked at every step");
        r.Violation.ShouldBeNull(r.Violation?.Message);
        r.CrossChecks.ShouldBeGreaterThanOrEqualTo(r.Syscalls, "every step was cross-checked");
    }

    [Fact]
    public void Finish_checks_the_invariants_of_a_change_after_the_last_syscall()
    {
        var w = new Workload(null, check: true); // no cross-checking
        w.Run([A(ActionKind.Copy, 3, 10, z: 7)]).ShouldBeNull();
        var k = w.Kernel;
        var checker = w.Checker!;
        var root = w.Tasks[0];
        var first = (ulong)w.Booted.FirstFreeSlot;
        // After the last checked syscall, out of the checker's sight: the parent drops to read only.
        k.Observer = null;
        k.Faults = new Verified.Kernel.PlantedFaults { MutateIgnoresChildren = true };
        k.Syscall(root, (long)Verified.Kernel.Abi.SyscallNumber.CNodeMutate, [Verified.Kernel.Abi.AbiConstants.SlotRootCNode, first + 3, Verified.Kernel.Abi.AbiConstants.SlotRootCNode, first + 9, 1, 0]);
        k.Faults = null;
        k.Observer = checker;
        var v = checker.Finish(k).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("invariant");
        v.Clause.ShouldBe("inv.no_rights_amplification.edge_rights_subset");
    }
}
