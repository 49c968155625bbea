using Shouldly;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;

namespace Verified.Refinement.Tests;

/// <summary>The unmodelled table stays true: every defined syscall is mapped to a spec call (an operation, a lookup or a stutter step); only unknown numbers (faults) are unmodelled.</summary>
public sealed class MappingCoverageTests
{
    [Fact]
    public void Every_defined_syscall_is_compared_with_the_spec_and_only_faults_are_unmodelled()
    {
        var w = new Workload(null, check: false);
        var args = new ulong[6];
        var unmapped = Enum.GetValues<SyscallNumber>()
            .Where(n => SyscallMapping.Decide(w.Kernel, w.Tasks[0], (long)n, args, new CapIdentities()) is SpecCall.Unmodelled)
            .ToList();
        unmapped.ShouldBe(SyscallMapping.UnmodelledReasons.Keys.ToList(), ignoreOrder: true);
        unmapped.ShouldBeEmpty();
        SyscallMapping.Decide(w.Kernel, w.Tasks[0], 999, args, new CapIdentities()).ShouldBeOfType<SpecCall.Unmodelled>().Reason.ShouldContain("task.crash");
    }
}
