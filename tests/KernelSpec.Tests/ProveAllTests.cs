using Shouldly;
using Verified.Proofs;
using Verified.Proofs.Kernel;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Spec.Kernel.Tests;

/// <summary>Every obligation of the normal spec is proved (and every vacuity companion satisfiable) within its time limit.</summary>
public sealed class ProveAllTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryKernelObligationIsProved()
    {
        var obligations = KernelObligations.All();
        obligations.Count.ShouldBeGreaterThanOrEqualTo(100);
        // The per-obligation limit is generous because this 2-core machine is shared (load ~30 while
        // other work builds); `verified prove` measures the figures on a quiet machine.
        var report = ObligationRunner.Run(obligations, jobs: 2, timeoutMs: 30000);
        foreach (var r in report.Results.OrderByDescending(r => r.Milliseconds).Take(8))
            output.WriteLine($"{r.Milliseconds,6} ms  {r.Status,-14} {r.Name}");
        foreach (var r in report.Results.Where(r => !r.IsProved))
            output.WriteLine($"FAILED {r.Milliseconds,6} ms {r.Name}: {r.Describe()}");
        output.WriteLine($"{report.Results.Count} obligations, wall {report.WallMilliseconds} ms");
        var failed = report.Results.Where(r => !r.IsProved).Select(r => $"{r.Name}: {r.Describe()}").ToList();
        failed.ShouldBeEmpty();
    }
}
