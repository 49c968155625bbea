using System.Text;
using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Checking;
using Verified.Kernel.Memory;
using Verified.Kernel.Run;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

public sealed class SnapshotTests
{
    [Fact]
    public void RestoringAWholeSystemReplaysTheSameFuture()
    {
        KernelSystem.TryBoot(EndToEndTests.Program("pingpong"), [], 32 << 20, out var system, out var error).ShouldBeTrue(error);
        RefinementOn.Attach(system!.Kernel);
        system!.Run(3_000).ShouldBeOfType<RunOutcome.InstructionLimit>();
        var snapshot = system.Snapshot();
        var before = system.Fingerprint();
        var first = system.Run(50_000_000);
        var firstConsole = Encoding.UTF8.GetString([.. system.Kernel.ConsoleOutput]);
        var firstRetired = system.Cpu.InstructionsRetired;
        system.Fingerprint().ShouldNotBe(before, "the run changed the state");

        system.Restore(snapshot);
        system.Fingerprint().ShouldBe(before);
        ConsistencyChecker.Check(system.Kernel).ShouldBeEmpty();
        system.Kernel.ConsoleOutput.ShouldBeEmpty();
        var second = system.Run(50_000_000);
        second.ShouldBe(first);
        Encoding.UTF8.GetString([.. system.Kernel.ConsoleOutput]).ShouldBe(firstConsole);
        system.Cpu.InstructionsRetired.ShouldBe(firstRetired);
    }

    [Fact]
    public void KernelStructuresRestoreAndFingerprintWithoutACpu()
    {
        var s = new TestSystem();
        var memory = (ArrayPhysicalMemory)s.Kernel.Memory;
        var ep = s.Make(ObjectType.Endpoint);
        var snapshot = s.Kernel.Snapshot();
        var bytes = memory.CopyOut();
        var print = s.Kernel.Fingerprint();

        var (_, t) = s.MakeTask();
        s.Call(t, SyscallNumber.Recv, ep, NoCap);
        s.Ok(SyscallNumber.CNodeDelete, Root, ep);
        s.Kernel.Fingerprint().ShouldNotBe(print);

        s.Kernel.Restore(snapshot);
        memory.CopyIn(bytes);
        s.Kernel.Fingerprint().ShouldBe(print);
        s.Check();
        s.Kernel.Objects.Resolve(s.Cap(ep).Object).ShouldNotBeNull("the endpoint is back");

        // The snapshot is not aliased by the restored state: changing the kernel again and
        // restoring again gives the same fingerprint.
        var again = s.Kernel.Objects.Resolve(s.Cap(ep).Object)!;
        s.Ok(SyscallNumber.CNodeDelete, Root, ep);
        again.IsLive.ShouldBeFalse();
        s.Kernel.Restore(snapshot);
        memory.CopyIn(bytes);
        s.Kernel.Fingerprint().ShouldBe(print);
    }

    [Fact]
    public void EqualStatesHaveEqualFingerprintsAndDifferentOnesDiffer()
    {
        var a = new TestSystem();
        var b = new TestSystem();
        a.Kernel.Fingerprint().ShouldBe(b.Kernel.Fingerprint());
        a.Make(ObjectType.Notification);
        a.Kernel.Fingerprint().ShouldNotBe(b.Kernel.Fingerprint());
        b.Make(ObjectType.Notification);
        a.Kernel.Fingerprint().ShouldBe(b.Kernel.Fingerprint());
        a.Ok(SyscallNumber.Signal, a.Free - 1);
        a.Kernel.Fingerprint().ShouldNotBe(b.Kernel.Fingerprint(), "a notification word is state");
    }
}
