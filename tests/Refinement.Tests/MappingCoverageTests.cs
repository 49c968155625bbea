using Shouldly;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;

namespace Verified.Refinement.Tests;

/// <summary>The unmodelled table stays true: every defined syscall is mapped to a spec call (an operation, a lookup or a stutter step); unknown numbers are faults, task.crash of the caller.</summary>
public sealed class MappingCoverageTests
{
    [Fact]
    public void Every_syscall_number_is_compared_with_the_spec_and_an_unknown_one_is_a_fault()
    {
        var w = new Workload(null, check: false);
        var args = new ulong[6];
        var unmapped = Enum.GetValues<SyscallNumber>()
            .Where(n => SyscallMapping.Decide(w.Kernel, w.Tasks[0], (long)n, args, new CapIdentities()) is SpecCall.Unmodelled)
            .ToList();
        unmapped.ShouldBe(SyscallMapping.UnmodelledReasons.Keys.ToList(), ignoreOrder: true);
        unmapped.ShouldBeEmpty();
        var crash = SyscallMapping.Decide(w.Kernel, w.Tasks[0], 999, args, new CapIdentities()).ShouldBeOfType<SpecCall.Crash>();
        crash.TaskId.ShouldBe(w.Tasks[0].Id);
        crash.Syscall.ShouldBeTrue();
        SyscallMapping.Decide(w.Kernel, w.Tasks[0], -1, args, new CapIdentities()).ShouldBeOfType<SpecCall.Crash>();
    }
}
