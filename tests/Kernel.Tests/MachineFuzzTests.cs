using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Checking;
using Verified.Kernel.Run;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Kernel.Tests;

/// <summary>
/// Random x86 tasks (Userland/examples/fuzz.c: four fuzzers respawned as they die, issuing random
/// syscalls — faults, IPC, capability operations, grants, revoke, task destroy) on the machine.
/// After every syscall or fault: no host exception, a documented status, and the incremental
/// consistency check, cross-checked against the full check every 1,000 steps and at the end.
/// Four seeds of 55,000 random syscalls each: 220,000 per run.
/// </summary>
public sealed class MachineFuzzTests(ITestOutputHelper output)
{
    private const long SyscallsPerSeed = 55_000;

    private const int RefinedSyscalls = 2_500;

    /// <summary>Operations the random tasks must have completed at least once per seed (not only failed decode).</summary>
    private static readonly SyscallNumber[] Exercised =
    [
        SyscallNumber.CNodeCopy, SyscallNumber.CNodeMint, SyscallNumber.CNodeMove, SyscallNumber.CNodeMutate, SyscallNumber.CNodeDelete,
        SyscallNumber.CNodeRevoke, SyscallNumber.UntypedRetype, SyscallNumber.Send, SyscallNumber.Recv, SyscallNumber.Call,
        SyscallNumber.Signal, SyscallNumber.Wait, SyscallNumber.TaskConfigure, SyscallNumber.TaskWriteRegister, SyscallNumber.TaskSuspend,
        SyscallNumber.TaskResume, SyscallNumber.TaskDestroy, SyscallNumber.FrameMap, SyscallNumber.GrantCreate,
    ];

    [Fact]
    public void APlantedKernelBugFailsTheRunWithSeedStepAndSyscall()
    {
        var r = MachineFuzz.Run(EndToEndTests.Program("fuzz"), 0xC0FFEE, 20_000, CheckMode.Incremental, configure: k => k.Faults = new PlantedFaults { InsertSkipsBackLink = true });
        r.Failure.ShouldNotBeNull();
        r.Failure.ShouldStartWith("seed 0xc0ffee, step ");
        r.Failure.ShouldContain(".prev is");
        r.Failure.ShouldMatch(@"step \d+: #\d+g\d+ (CNodeCopy|CNodeMint|UntypedRetype)\(0x");
        r.Failure.ShouldNotContain("full check:", Case.Sensitive, "the incremental check caught it at its step");
    }

    [Theory]
    [InlineData(0xC0FFEEUL)]
    [InlineData(1UL)]
    [InlineData(0x5EED_0002UL)]
    [InlineData(0xDEAD_BEEF_0003UL)]
    public void RandomTasksKeepTheKernelConsistent(ulong seed)
    {
        var r = MachineFuzz.Run(EndToEndTests.Program("fuzz"), seed, SyscallsPerSeed, CheckMode.Incremental, crossCheckEvery: 1000);
        output.WriteLine($"seed 0x{seed:x}: {r.FuzzerSyscalls} random syscalls (+{r.RootSyscalls} by the root), {r.Faults} faults, {r.Instructions} instructions, {r.Elapsed.TotalSeconds:F1} s");
        output.WriteLine("succeeded: " + string.Join(", ", r.Succeeded.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}")));
        r.Failure.ShouldBeNull();
        r.FuzzerSyscalls.ShouldBeGreaterThanOrEqualTo(SyscallsPerSeed);
        r.Faults.ShouldBeGreaterThan(0);
        foreach (var family in Exercised)
        {
            r.Succeeded.GetValueOrDefault(family).ShouldBeGreaterThan(0, $"the random tasks never completed a {family}: the fuzz no longer reaches that code");
        }
    }

    /// <summary>
    /// The same random x86 tasks with the refinement checker on (each syscall compared with the
    /// spec, every invariant checked, cross-checked every 16 steps), for the whole run. Until
    /// finding F7 was fixed (revoke now stops with NotEmpty at the last capability to a non-empty
    /// CNode, as cap.revoke_step does) the run ended at about step 200 with a report.
    /// </summary>
    [Theory]
    [InlineData(0xC0FFEEUL)]
    [InlineData(0x5EED_0002UL)]
    public void RandomTasksWithTheRefinementCheckerOnRunTheirWholeLengthWithoutAReport(ulong seed)
    {
        RefinementChecker? checker = null;
        Kernel? kernel = null;
        var r = MachineFuzz.Run(EndToEndTests.Program("fuzz"), seed, RefinedSyscalls, CheckMode.Incremental, crossCheckEvery: 1000,
            configure: k => checker = RefinementChecker.Attach(kernel = k, new RefinementChecker { CrossCheckEvery = RefinementOn.CrossCheckEvery }));
        output.WriteLine($"seed 0x{seed:x}: {r.FuzzerSyscalls} random syscalls (+{r.RootSyscalls} by the root): {checker!.CheckedCount} compared, {checker.UnmodelledCount} unmodelled, {checker.DivergenceCount} divergences, {checker.CrossChecks} cross-checks, {r.Elapsed.TotalSeconds:F1} s");
        var v = checker.Violation;
        v.ShouldBeNull($"the checker reported at step {checker.Steps.Count}: {v?.Property} / {v?.Clause}: {v?.Message}");

        r.Failure.ShouldBeNull("the consistency check and status contract hold");
        r.FuzzerSyscalls.ShouldBeGreaterThanOrEqualTo(RefinedSyscalls);
        checker.CheckedCount.ShouldBeGreaterThan(RefinedSyscalls / 4, "a sizeable share of the steps was compared with a spec transition, not only unmodelled");
        checker.Finish(kernel!).ShouldBeNull("the final cross-check agrees");
    }

    /// <summary>The old revoke (finding F7, now a planted fault) is caught on the random x86 tasks, as it was found.</summary>
    [Fact]
    public void TheOldRevokeIsCaughtOnTheRandomTasks()
    {
        RefinementChecker? checker = null;
        MachineFuzz.Run(EndToEndTests.Program("fuzz"), 0xC0FFEE, 1_000, CheckMode.Incremental, crossCheckEvery: 1000,
            configure: k =>
            {
                k.Faults = new PlantedFaults { RevokeFinalisesNonEmptyCNode = true };
                checker = RefinementChecker.Attach(k, new RefinementChecker { CrossCheckEvery = RefinementOn.CrossCheckEvery });
            });
        var v = checker!.Violation.ShouldNotBeNull("the planted old revoke was not caught");
        output.WriteLine($"reported at step {checker.Steps.Count}: {v.Clause}: {v.Message}");
        Finding.PlantedRevokeFinalisesNonEmptyCNode.Matches(v).ShouldBeTrue($"{v.Clause}: {v.Message}");
    }
}
