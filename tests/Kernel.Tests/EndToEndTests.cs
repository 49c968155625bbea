using System.Text;
using Shouldly;
using Verified.Kernel.Checking;
using Verified.Kernel.Run;
using Xunit;

namespace Verified.Kernel.Tests;

/// <summary>Boots the example programs (built by gcc from Userland/ during the build) on the machine.</summary>
public sealed class EndToEndTests
{
    internal static byte[] Program(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "userland", name + ".elf"));

    internal static (RunOutcome Outcome, string Console, KernelSystem System) Boot(string name, long max = 50_000_000)
    {
        KernelSystem.TryBoot(Program(name), [], 32 << 20, out var system, out var error).ShouldBeTrue(error);
        RefinementOn.Attach(system!.Kernel);
        var outcome = system.Run(max);
        RefinementOn.Of(system.Kernel).Steps.Count.ShouldBeGreaterThan(0, "every syscall of the example went through the refinement checker");
        var violations = ConsistencyChecker.Check(system.Kernel);
        violations.ShouldBeEmpty(string.Join("\n", violations));
        return (outcome, Encoding.UTF8.GetString([.. system.Kernel.ConsoleOutput]), system);
    }

    [Fact]
    public void HelloPrintsAndExitsWithItsCode()
    {
        var (outcome, console, _) = Boot("hello");
        outcome.ShouldBe(new RunOutcome.Exited(7));
        console.ShouldStartWith("hello from the root task: ");
    }

    [Fact]
    public void PingPongWithCapabilityTransfer()
    {
        var (outcome, console, _) = Boot("pingpong");
        console.ShouldBe("ping-pong: 10/10 replies correct, badge 7, signal 0x1 through the transferred capability\n");
        outcome.ShouldBe(new RunOutcome.Exited(0));
    }

    [Fact]
    public void PagerServesPageFaults()
    {
        var (outcome, console, system) = Boot("pager");
        console.ShouldBe("pager: served 3 page faults, worker sum 6\n");
        outcome.ShouldBe(new RunOutcome.Exited(0));
        // Each page fault the run loop raised was a step of the refinement checker (task.crash, delivered to the pager).
        var checker = RefinementOn.Of(system.Kernel);
        checker.CpuFaultCount.ShouldBe(3);
        checker.Steps.Where(s => s.Fault).ShouldAllBe(s => s.Verdict == Verified.Proofs.Refinement.StepVerdict.Divergence && s.Note.Contains("delivered=True"));
    }

    [Fact]
    public void SupervisorRestartsATaskThatCrashesOnInvalidOpcode()
    {
        var (outcome, console, _) = Boot("supervisor");
        console.ShouldBe("supervisor: task crashed on #UD 2 times, restarted, finished on run 3\n");
        outcome.ShouldBe(new RunOutcome.Exited(0));
    }

    [Fact]
    public void GrantSafecopyThenRevokeRefusesTheNextCopy()
    {
        var (outcome, console, _) = Boot("grants");
        console.ShouldBe("grants: B copied \"hello through a grant\" (status 0); after revoke: status -15\n");
        outcome.ShouldBe(new RunOutcome.Exited(0));
    }

    [Fact]
    public void IpcBenchmarkProgramCompletesItsRoundTrips()
    {
        var (outcome, console, _) = Boot("ipcbench", max: 200_000_000);
        outcome.ShouldBe(new RunOutcome.Exited(0));
        console.ShouldStartWith("ipcbench: 20000 call+reply round trips, ");
    }

    [Fact]
    public void EightTasksSettleWithTheRootWaiting()
    {
        var (outcome, console, system) = Boot("eighttasks");
        console.ShouldBe("eighttasks: 7 servers started\n");
        outcome.ShouldBeOfType<RunOutcome.Stuck>().Reason.ShouldContain("BlockedOnNotification");
        system.Kernel.Tasks.Count().ShouldBe(8);
    }

    [Fact]
    public void TheInstructionLimitStopsARun()
    {
        var (outcome, _, _) = Boot("pingpong", max: 500);
        outcome.ShouldBeOfType<RunOutcome.InstructionLimit>();
    }

    [Fact]
    public void AMalformedImageIsAnErrorNotAnException()
    {
        KernelSystem.TryBoot([0x7F, (byte)'E', (byte)'L', (byte)'F', 1, 2, 3], [], 8 << 20, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void RunsAreDeterministic()
    {
        var a = Boot("pingpong").System;
        var b = Boot("pingpong").System;
        a.Cpu.InstructionsRetired.ShouldBe(b.Cpu.InstructionsRetired);
        a.Fingerprint().ShouldBe(b.Fingerprint());
    }
}
