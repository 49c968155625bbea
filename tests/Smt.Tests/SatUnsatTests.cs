using Shouldly;
using Xunit;

namespace Verified.Smt.Tests;

public sealed class SatUnsatTests
{
    [Fact]
    public void BitVectorAdditionCommutesIsUnsatWhenNegated()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var x = ctx.BitVecConst("x", 32);
        var y = ctx.BitVecConst("y", 32);
        solver.Assert(ctx.Not(ctx.Eq(ctx.BvAdd(x, y), ctx.BvAdd(y, x))));
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>().Core.ShouldBeEmpty();
    }

    [Fact]
    public void SubtractionDoesNotCommuteSoTheNegationIsSat()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var x = ctx.BitVecConst("x", 32);
        var y = ctx.BitVecConst("y", 32);
        solver.Assert(ctx.Not(ctx.Eq(ctx.BvSub(x, y), ctx.BvSub(y, x))));
        var sat = solver.Check().ShouldBeOfType<SolverOutcome.Sat>();

        // The witness really breaks commutation (checked here in C#, not by Z3).
        var vx = sat.Model.EvalUInt64(x);
        var vy = sat.Model.EvalUInt64(y);
        unchecked((uint)(vx - vy)).ShouldNotBe(unchecked((uint)(vy - vx)));
    }

    [Theory]
    [InlineData(8u, 200ul, 100ul)]
    [InlineData(16u, 65535ul, 1ul)]
    [InlineData(64u, ulong.MaxValue, 2ul)]
    public void BitVectorArithmeticWrapsModuloTheWidth(uint width, ulong a, ulong b)
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var sum = ctx.BvAdd(ctx.BitVec(a, width), ctx.BitVec(b, width));
        var expected = width == 64 ? unchecked(a + b) : (a + b) % (1ul << (int)width);
        solver.Assert(ctx.Not(ctx.Eq(sum, ctx.BitVec(expected, width))));
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>();
    }

    [Fact]
    public void ContradictoryBooleansAreUnsatAndConsistentOnesSat()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var p = ctx.BoolConst("p");
        var q = ctx.BoolConst("q");
        solver.Assert(ctx.Or(p, q), ctx.Implies(p, q));
        var sat = solver.Check().ShouldBeOfType<SolverOutcome.Sat>();
        sat.Model.EvalBool(q).ShouldBeTrue();

        solver.Assert(ctx.Not(q));
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>();
    }

    [Fact]
    public void PushAndPopRemoveTheScopedAssertions()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var x = ctx.BitVecConst("x", 8);
        solver.Assert(ctx.BvULt(x, ctx.BitVec(10ul, 8)));
        solver.Push();
        solver.Scopes.ShouldBe(1u);
        solver.Assert(ctx.BvUGt(x, ctx.BitVec(20ul, 8)));
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>();
        solver.Pop();
        solver.Scopes.ShouldBe(0u);
        solver.Check().ShouldBeOfType<SolverOutcome.Sat>().Model.EvalUInt64(x).ShouldBeLessThan(10ul);
    }

    [Fact]
    public void PopWithoutPushIsMisuse()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        Should.Throw<InvalidOperationException>(() => solver.Pop()).Message.ShouldContain("only 0 scopes");
    }

    [Fact]
    public void IteDistinctAndXorBehave()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var c = ctx.BoolConst("c");
        var a = ctx.BitVecConst("a", 4);
        var b = ctx.BitVecConst("b", 4);
        var m = ctx.Ite(c, a, b);
        solver.Assert(ctx.Distinct(a, b), ctx.Xor(c, ctx.False()), ctx.Eq(m, ctx.BitVec(3ul, 4)));
        var model = solver.Check().ShouldBeOfType<SolverOutcome.Sat>().Model;
        model.EvalBool(c).ShouldBeTrue();
        model.EvalUInt64(a).ShouldBe(3ul);
        model.EvalUInt64(b).ShouldNotBe(3ul);
    }
}
