using Shouldly;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// The documented divergences accept only their documented reason: a kernel that refuses or
/// changes something else in the same operation is reported, not passed as a divergence.
/// </summary>
public sealed class DivergenceTests(ITestOutputHelper output)
{
    // Window slots: 0, 1 tasks t1, t2; 3, 4 endpoints; 5 a notification; 10.. the second CNode.
    private static WorkAction A(ActionKind k, int task, int x, int y = 0, int z = 7, int w = 0) => new(k, task, x, y, z, w);

    private void Show(Workload w) => output.WriteLine(string.Join("\n", w.Checker!.Steps.Skip(14).Select(s => $"{s.Verdict} {s.Status}: {s.Note}")));

    [Theory]
    [InlineData(ActionKind.Mint)]
    [InlineData(ActionKind.Mutate)]
    public void D3_a_badge_on_a_task_capability_is_the_documented_refusal(ActionKind kind)
    {
        var w = new Workload(null, check: true);
        w.Run([A(kind, 0, 0, 10, w: 1)]).ShouldBeNull();
        Show(w);
        w.Checker!.Steps[^1].Status.ShouldBe(KernelError.InvalidArgument);
        w.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
        w.Checker.Steps[^1].Note.ShouldContain("D3 badge on a non-badgeable Task capability");
    }

    [Theory]
    [InlineData(ActionKind.Mint, "cap.mint.status")]
    [InlineData(ActionKind.Mutate, "cap.mutate.status")]
    public void D3_does_not_cover_a_refused_badge_on_a_notification(ActionKind kind, string clause)
    {
        WorkAction[] run = [A(kind, 0, 5, 10, w: 1)];
        var clean = new Workload(null, check: true);
        clean.Run(run).ShouldBeNull();
        clean.Checker!.Steps[^1].Status.ShouldBe(KernelError.Ok);
        clean.Checker.Steps[^1].Verdict.ShouldBe(StepVerdict.Checked);

        var w = new Workload(new PlantedFaults { BadgeRefusesNotification = true }, check: true);
        var v = w.Run(run);
        output.WriteLine(Counterexample.Render(w.Checker!));
        w.Checker!.Steps[^1].Status.ShouldBe(KernelError.InvalidArgument);
        v.ShouldNotBeNull().Clause.ShouldBe(clause);
    }
}
