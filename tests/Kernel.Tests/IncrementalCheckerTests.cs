using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Checking;
using Verified.Kernel.Checkpoints;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

/// <summary>
/// The incremental checker: it skips what a step did not touch, it catches a kernel bug on the
/// path a step touched, and a corruption it cannot see (in a structure no step touched) is caught
/// by the periodic cross-check.
/// </summary>
public sealed class IncrementalCheckerTests
{
    /// <summary>A system with a mapped task and an endpoint, and a step checker cross-checking every <paramref name="every"/> steps.</summary>
    private static (TestSystem S, StepChecker Checker, ulong Ep, TaskObject Mapped) Setup(int every)
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var frame = s.Make(ObjectType.Frame);
        var (mslot, mapped) = s.MakeTask();
        s.Ok(SyscallNumber.FrameMap, frame, mslot, 0x4000_0000, (ulong)(Rights.Read | Rights.Write), s.Untyped);
        var checker = new StepChecker(s.Kernel, CheckMode.Incremental, every);
        checker.AfterStep().ShouldBeEmpty(); // the first check is a full one
        return (s, checker, ep, mapped);
    }

    /// <summary>Steps that touch nothing the corruption is in (null syscalls), each checked; returns the checker's step count when it first reported something (step 1 was the baseline in <see cref="Setup"/>).</summary>
    private static (long Step, IReadOnlyList<string> Report) StepUntilReported(TestSystem s, StepChecker checker, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            s.Kernel.Syscall(s.RootTask, SyscallNumber.Null, []).Status.ShouldBe(KernelError.Ok);
            if (checker.AfterStep() is { Count: > 0 } v)
            {
                return (checker.Steps, v);
            }
        }

        return (-1, []);
    }

    [Fact]
    public void AStepThatChangesNothingCheckedIsSkipped()
    {
        var (s, checker, _, _) = Setup(1000);
        StepUntilReported(s, checker, 50).Step.ShouldBe(-1);
        checker.Incremental!.Skipped.ShouldBe(50);
        checker.Incremental.Rechecked.ShouldBe(0);
    }

    [Fact]
    public void ACapabilityWrittenBehindTheKernelsBackIsLeftToTheCrossCheck()
    {
        var (s, checker, _, _) = Setup(10);
        var root = (CNodeObject)s.Kernel.Objects[s.RootTask.CSpaceRoot.Id]!;
        // Not through Kernel.Slot: no touch is recorded, as if the kernel wrote a slot without its accessor.
        root.Slots[200].Cap = Capability.To(ObjectType.Console, s.Cap(AbiConstants.SlotConsole).Object);
        var (step, report) = StepUntilReported(s, checker, 30);
        step.ShouldBe(10, "the incremental checks of steps 2-9 do not look at the untouched slot; the cross-check of step 10 does");
        report.ShouldContain(x => x.Contains("full check:", StringComparison.Ordinal) && x.Contains("is not in the derivation list", StringComparison.Ordinal));
        report.ShouldContain(x => x.Contains("incremental cache stale:", StringComparison.Ordinal) && x.Contains("slot(", StringComparison.Ordinal));
    }

    [Fact]
    public void APageTableWrittenBehindTheKernelsBackIsLeftToTheCrossCheck()
    {
        var (s, checker, _, mapped) = Setup(10);
        PageTables.ClearLeaf(s.Kernel.Memory, mapped.Pml4, 0x4000_0000); // the address space is not marked as written
        var (step, report) = StepUntilReported(s, checker, 30);
        step.ShouldBe(10);
        report.ShouldContain(x => x.Contains("full check:", StringComparison.Ordinal) && x.Contains("frame capabilities record mappings", StringComparison.Ordinal));
        report.ShouldContain(x => x.Contains("incremental cache stale:", StringComparison.Ordinal) && x.Contains("page tables of task", StringComparison.Ordinal));
    }

    [Fact]
    public void AnObjectChangedBehindTheKernelsBackIsSeenAtOnce()
    {
        // Objects need no touch record: every object's summary is compared each step.
        var (s, checker, ep, _) = Setup(1000);
        s.Object<EndpointObject>(ep).CapCount++;
        var (step, report) = StepUntilReported(s, checker, 5);
        step.ShouldBe(2, "the first step after planting (step 1 was the baseline check)");
        report.ShouldContain(x => x.Contains("capabilities but", StringComparison.Ordinal));
        report.ShouldNotContain(x => x.Contains("full check:", StringComparison.Ordinal));
    }

    [Fact]
    public void AKernelBugOnTheTouchedPathIsCaughtAtTheStep()
    {
        var (s, checker, ep, _) = Setup(1000);
        var first = s.TakeSlot();
        s.Kernel.Syscall(s.RootTask, SyscallNumber.CNodeCopy, [Root, ep, Root, first, (ulong)Rights.All]).Status.ShouldBe(KernelError.Ok);
        checker.AfterStep().ShouldBeEmpty();
        s.Kernel.Faults = new PlantedFaults { InsertSkipsBackLink = true };
        var second = s.TakeSlot();
        // The endpoint's first child is followed by the earlier copy, whose back link the bug leaves stale.
        s.Kernel.Syscall(s.RootTask, SyscallNumber.CNodeCopy, [Root, ep, Root, second, (ulong)Rights.All]).Status.ShouldBe(KernelError.Ok);
        var report = checker.AfterStep();
        report.ShouldContain(x => x.Contains(".prev is", StringComparison.Ordinal));
        report.ShouldNotContain(x => x.Contains("full check:", StringComparison.Ordinal), "the incremental check itself caught it, not a cross-check");
    }

    [Fact]
    public void ARestoreIsCheckedInFull()
    {
        var (s, checker, ep, _) = Setup(1000);
        var snapshot = s.Kernel.Snapshot();
        s.Object<EndpointObject>(ep).CapCount++; // only in the live objects; the snapshot stays correct
        var restored = s.Kernel.Snapshot();
        s.Kernel.Restore(restored);
        checker.AfterStep().ShouldContain(x => x.Contains("capabilities but", StringComparison.Ordinal));
        s.Kernel.Restore(snapshot);
        checker.AfterStep().ShouldBeEmpty();
    }

    [Fact]
    public void ACheckpointRestoreKeepsTheCachesExact()
    {
        // Kernel code outside the syscalls (here the checkpoint restore, which writes slots, page
        // tables and frames) must go through the touch log: the cross-check finds no stale cache.
        var f = new CheckpointFixture();
        var c = f.Capture();
        var k = f.Target.Kernel;
        var checker = new IncrementalChecker(k);
        checker.Check().ShouldBeEmpty();
        k.TryRestoreTask(f.Target.RootTask, c, f.Request(c), out var restored, out var failure).ShouldBeTrue(failure?.ToString());
        checker.Check().ShouldBeEmpty();
        checker.Rechecked.ShouldBe(1);
        checker.CrossCheck().ShouldBeEmpty();
        k.Syscall(restored!.Task, SyscallNumber.Null, []).Status.ShouldBe(KernelError.Ok);
        checker.Check().ShouldBeEmpty();
        checker.CrossCheck().ShouldBeEmpty();
    }

    [Fact]
    public void OneCheckerPerKernel()
    {
        var (s, _, _, _) = Setup(1000);
        Should.Throw<InvalidOperationException>(() => new IncrementalChecker(s.Kernel)).Message.ShouldContain("one IncrementalChecker per kernel");
    }
}
