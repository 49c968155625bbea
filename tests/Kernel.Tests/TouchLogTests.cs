using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Checking;
using Verified.Kernel.Objects;
using Xunit;

namespace Verified.Kernel.Tests;

/// <summary>
/// Several readers of one kernel's touch log: the incremental consistency checker and the
/// refinement checker's abstraction each keep their own log, each sees every slot the kernel
/// touches, and one reader's clear leaves the others' records.
/// </summary>
public sealed class TouchLogTests
{
    [Fact]
    public void EveryLogInTheChainSeesEveryTouchAndClearsOnlyItsOwn()
    {
        var s = new TestSystem(); // its refinement checker reads the kernel by its own log
        s.Ok(SyscallNumber.Null);
        var first = new TouchLog();
        var second = new TouchLog();
        TouchLog.Join(s.Kernel, first);
        TouchLog.Join(s.Kernel, second);
        first.IsOn(s.Kernel).ShouldBeTrue();
        second.IsOn(s.Kernel).ShouldBeTrue();
        Should.Throw<InvalidOperationException>(() => TouchLog.Join(s.Kernel, first));

        var ep = s.Make(ObjectType.Endpoint);
        var written = new SlotAddress(s.RootTask.CSpaceRoot.Id, (int)ep);
        first.Slots.ShouldContain(written);
        second.Slots.ShouldContain(written);
        first.Clear();
        first.Slots.ShouldBeEmpty();
        second.Slots.ShouldContain(written, "a reader's clear is its own");

        TouchLog.Leave(s.Kernel, first);
        first.IsOn(s.Kernel).ShouldBeFalse();
        second.IsOn(s.Kernel).ShouldBeTrue("leaving keeps the logs after it in the chain");
        s.Ok(SyscallNumber.CNodeDelete, TestSystem.Root, ep);
        first.Slots.ShouldBeEmpty();
        second.Slots.Count.ShouldBeGreaterThan(1);
    }

    [Fact]
    public void AReaderWhoseLogWasDroppedReadsInFullAndJoinsAgain()
    {
        var s = new TestSystem();
        var ep = s.Make(ObjectType.Endpoint);
        var log = new TouchLog();
        TouchLog.Join(s.Kernel, log);
        TouchLog.Join(s.Kernel, new TouchLog()); // log is in the middle of the chain
        s.Kernel.Touched = null; // someone drops every log (the refinement checker's too)
        TouchLog.Leave(s.Kernel, log);
        TouchLog.Join(s.Kernel, log); // cut from its old chain, it can join again
        log.IsOn(s.Kernel).ShouldBeTrue();

        // The refinement checker's log is gone: its next read is a full one (the copy below is
        // judged, and its end-of-test cross-check compares with the abstraction from scratch).
        var fullBefore = s.Refinement.AbstractionReads.Full;
        s.Ok(SyscallNumber.CNodeCopy, TestSystem.Root, ep, TestSystem.Root, s.TakeSlot(), (ulong)Rights.All);
        s.Refinement.AbstractionReads.Full.ShouldBe(fullBefore + 1);
        s.Refinement.Finish(s.Kernel).ShouldBeNull();
    }

    [Fact]
    public void TheIncrementalCheckerReadsBesideTheRefinementChecker()
    {
        var s = new TestSystem();
        s.Ok(SyscallNumber.Null); // the refinement checker's log is on the kernel now
        s.Kernel.Touched.ShouldNotBeNull();
        var checker = new IncrementalChecker(s.Kernel);
        checker.Check().ShouldBeEmpty();
        var ep = s.Make(ObjectType.Endpoint);
        var copy = s.TakeSlot();
        s.Ok(SyscallNumber.CNodeCopy, TestSystem.Root, ep, TestSystem.Root, copy, (ulong)Rights.All);
        checker.Check().ShouldBeEmpty();
        checker.Rechecked.ShouldBe(1, "the checker saw the slots the copy wrote");
        checker.CrossCheck().ShouldBeEmpty();
        Should.Throw<InvalidOperationException>(() => new IncrementalChecker(s.Kernel)).Message.ShouldContain("one IncrementalChecker per kernel");
    }
}
