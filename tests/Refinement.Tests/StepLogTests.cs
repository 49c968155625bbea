using Shouldly;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;

namespace Verified.Refinement.Tests;

/// <summary>
/// The checker's compact step log (entries with their arguments inline, in chunks) gives back
/// every syscall as the kernel's own event stream reports it, across chunk boundaries, and keeps
/// argument lists of any length a direct caller passes.
/// </summary>
public sealed class StepLogTests
{
    private static WorkAction A(ActionKind k, int task, int x, int y = 0, int z = 7, int w = 0) => new(k, task, x, y, z, w);

    [Fact]
    public void Every_step_reads_back_as_the_kernel_reported_the_syscall()
    {
        var w = new Workload(null, check: true);
        var seen = new List<KernelEvent.Syscall>();
        w.Kernel.Events += e =>
        {
            if (e is KernelEvent.Syscall s) seen.Add(s);
        };
        var from = w.Checker!.Steps.Count;
        var actions = Enumerable.Range(0, 1200).Select(i => (i % 6) switch
        {
            0 => A(ActionKind.Copy, 0, 3, 10 + (i % 5), z: i % 8),
            1 => A(ActionKind.Delete, 0, 10 + (i % 5)),
            2 => A(ActionKind.Mint, 0, 4, 11, z: 3, w: i % 4),
            _ => A(ActionKind.Yield, i % 3, 0),
        });
        w.Run(actions).ShouldBeNull();

        var steps = w.Checker.Steps;
        steps.Count.ShouldBeGreaterThan(1024); // more than two chunks
        (steps.Count - from).ShouldBe(seen.Count);
        for (var i = 0; i < seen.Count; i++)
        {
            var s = steps[from + i];
            s.Index.ShouldBe(from + i);
            s.Task.ShouldBe(seen[i].Task.Id);
            s.Number.ShouldBe((long)seen[i].Number);
            s.Args.ToArray().ShouldBe(seen[i].Args, $"step {from + i}");
            s.Status.ShouldBe(seen[i].Status);
            s.Verdict.ShouldNotBe(StepVerdict.Violation);
        }

        steps.Select(s => s.Index).ShouldBe(Enumerable.Range(0, steps.Count));
        Should.Throw<ArgumentOutOfRangeException>(() => steps[steps.Count]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(7)]
    public void Arguments_of_any_length_are_kept(int length)
    {
        var w = new Workload(null, check: true);
        ulong[] args = [.. Enumerable.Range(1, length).Select(i => (ulong)i * 0x1_0000_0001)];
        var step = WrongKernel.Step(w, w.Tasks[0], SyscallNumber.Yield, args, KernelError.Ok);
        step.Args.ToArray().ShouldBe(args);
        step.Number.ShouldBe((long)SyscallNumber.Yield);
        step.Note.ShouldBe("stutter.Yield -> Ok: abstract state unchanged");
        w.Checker!.Steps[^1].Note.ShouldBe(step.Note);
    }
}
