using Shouldly;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

public sealed class CleanKernelTests(ITestOutputHelper output)
{
    [Fact]
    public void Random_sequences_on_the_correct_kernel_refine_the_spec()
    {
        var kinds = Workload.AllKinds;
        var started = DateTime.UtcNow;
        var r = RefinementProperty.Run(kinds, faults: null, tests: 1000, maxLength: 20, seed: 20261121);
        output.WriteLine($"{r.Sequences} sequences, {r.Syscalls} syscalls in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        if (r.Minimal is not null)
        {
            var w = new Workload(null, check: true);
            w.Run(r.Minimal);
            output.WriteLine(Counterexample.Render(w.Checker!));
        }

        r.Violation.ShouldBeNull(r.Violation?.Message);
    }
}
