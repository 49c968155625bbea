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
        w.Run(Actions(1200)).ShouldBeNull();

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
        steps[from + 3].ShouldBe(steps[from + 3]); // a record read twice: two objects, equal by value
        steps[from + 3].GetHashCode().ShouldBe(steps[from + 3].GetHashCode());
        steps[from + 3].ShouldNotBe(steps[from + 3] with { Args = [.. steps[from + 3].Args.Select(a => a + 1)] });
        steps[from + 3].ShouldNotBe(steps[from + 3] with { Noted = "another note" });
        Should.Throw<ArgumentOutOfRangeException>(() => steps[steps.Count]);
    }

    [Fact]
    public void Notes_older_than_the_lazy_window_read_as_a_short_run_makes_them()
    {
        // The same actions from the same boot: the long run's first notes are rendered when they
        // leave the window; a run shorter than the window keeps them lazy until read here.
        var actions = Actions(1300);
        var shortRun = new Workload(null, check: true);
        shortRun.Run(actions.Take(200)).ShouldBeNull();
        var longRun = new Workload(null, check: true);
        longRun.Run(actions).ShouldBeNull();
        var made = shortRun.Checker!.Steps;
        longRun.Checker!.Steps.Count.ShouldBeGreaterThan(made.Count + 1024);
        for (var i = 0; i < made.Count; i++) longRun.Checker.Steps[i].Note.ShouldBe(made[i].Note, $"step {i}");
        made.Select(s => s.Note).Distinct().Count().ShouldBeGreaterThan(4);
    }

    private static WorkAction[] Actions(int count) => [.. Enumerable.Range(0, count).Select(i => (i % 6) switch
    {
        0 => A(ActionKind.Copy, 0, 3, 10 + (i % 5), z: i % 8),
        1 => A(ActionKind.Delete, 0, 10 + (i % 5)),
        2 => A(ActionKind.Mint, 0, 4, 11, z: 3, w: i % 4),
        _ => A(ActionKind.Yield, i % 3, 0),
    })];

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
