using Shouldly;
using Xunit;

namespace Verified.Smt.Tests;

public sealed class UnsatCoreTests
{
    [Fact]
    public void TheCoreNamesExactlyTheConflictingTrackedAssertions()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var x = ctx.BitVecConst("x", 8);
        var y = ctx.BitVecConst("y", 8);
        solver.AssertAndTrack(ctx.BvULt(x, ctx.BitVec(5ul, 8)), "x-small");
        solver.AssertAndTrack(ctx.Eq(y, ctx.BitVec(1ul, 8)), "y-is-one");
        solver.AssertAndTrack(ctx.BvUGt(x, ctx.BitVec(9ul, 8)), "x-large");
        var unsat = solver.Check().ShouldBeOfType<SolverOutcome.Unsat>();
        unsat.Core.OrderBy(n => n, StringComparer.Ordinal).ShouldBe(["x-large", "x-small"]);
    }

    [Fact]
    public void WithoutTheConflictTheTrackedAssertionsAreSat()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var x = ctx.BitVecConst("x", 8);
        solver.AssertAndTrack(ctx.BvULt(x, ctx.BitVec(5ul, 8)), "x-small");
        solver.AssertAndTrack(ctx.BvUGt(x, ctx.BitVec(2ul, 8)), "x-above-two");
        solver.Check().ShouldBeOfType<SolverOutcome.Sat>().Model.EvalUInt64(x).ShouldBeInRange(3ul, 4ul);
        solver.TrackedNames.ShouldBe(["x-small", "x-above-two"]);
    }

    [Fact]
    public void PopForgetsTrackedNamesOfTheScope()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var p = ctx.BoolConst("p");
        solver.AssertAndTrack(p, "p-holds");
        solver.Push();
        solver.AssertAndTrack(ctx.Not(p), "p-fails");
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>().Core.Count.ShouldBe(2);
        solver.Pop();
        solver.TrackedNames.ShouldBe(["p-holds"]);
        solver.Check().ShouldBeOfType<SolverOutcome.Sat>();

        // The popped name is free again.
        solver.AssertAndTrack(ctx.Not(p), "p-fails");
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>().Core.OrderBy(n => n, StringComparer.Ordinal).ShouldBe(["p-fails", "p-holds"]);
    }

    [Fact]
    public void ADuplicateTrackedNameIsMisuse()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        solver.AssertAndTrack(ctx.BoolConst("a"), "same");
        Should.Throw<ArgumentException>(() => solver.AssertAndTrack(ctx.BoolConst("b"), "same")).Message.ShouldContain("already tracked");
    }

    [Fact]
    public void AssumptionsAppearInTheCore()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var a = ctx.BoolConst("a");
        var b = ctx.BoolConst("b");
        solver.Assert(ctx.Implies(a, ctx.Not(b)));
        solver.CheckAssuming([a, b]).ShouldBeOfType<SolverOutcome.Unsat>().Core.OrderBy(n => n, StringComparer.Ordinal).ShouldBe(["a", "b"]);
        solver.CheckAssuming([a]).ShouldBeOfType<SolverOutcome.Sat>();
    }

    [Fact]
    public void OutcomesCompareStructurally()
    {
        new SolverOutcome.Unsat(["a", "b"]).ShouldBe(new SolverOutcome.Unsat(new List<string> { "a", "b" }));
        new SolverOutcome.Unsat(["a"]).ShouldNotBe(new SolverOutcome.Unsat(["b"]));
        new SolverOutcome.Unknown("timeout").ShouldBe(new SolverOutcome.Unknown("timeout"));
        ((SolverOutcome)new SolverOutcome.Unknown("timeout")).ShouldNotBeOfType<SolverOutcome.Unsat>();
    }
}
