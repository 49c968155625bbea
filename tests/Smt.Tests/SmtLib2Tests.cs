using Shouldly;
using Xunit;

namespace Verified.Smt.Tests;

public sealed class SmtLib2Tests
{
    [Fact]
    public void TheScriptOfAnUnsatQueryRerunsAsUnsatInAFreshContext()
    {
        string script;
        using (var ctx = new Context())
        using (var solver = ctx.Solver())
        {
            var x = ctx.BitVecConst("x", 32);
            var y = ctx.BitVecConst("y", 32);
            solver.Assert(ctx.Not(ctx.Eq(ctx.BvAdd(x, y), ctx.BvAdd(y, x))));
            solver.Check().ShouldBeOfType<SolverOutcome.Unsat>();
            script = solver.ToSmtLib2Script();
        }

        script.ShouldContain("(declare-fun x () (_ BitVec 32))");
        script.ShouldEndWith("(check-sat)\n");
        using var fresh = new Context();
        fresh.RunSmtLib2(script).Trim().ShouldBe("unsat");
    }

    [Fact]
    public void TheScriptOfASatQueryRerunsAsSat()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var x = ctx.BitVecConst("x", 32);
        solver.Assert(ctx.Eq(ctx.BvMul(x, x), ctx.BitVec(49ul, 32)));
        solver.Check().ShouldBeOfType<SolverOutcome.Sat>();
        using var fresh = new Context();
        fresh.RunSmtLib2(solver.ToSmtLib2Script()).Trim().ShouldBe("sat");
    }

    [Fact]
    public void TrackedAssertionsRerunUnderTheirNamesWithTheSameResult()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var p = ctx.BoolConst("p");
        solver.AssertAndTrack(p, "p holds");
        solver.AssertAndTrack(ctx.Not(p), "p fails");
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>();
        var script = solver.ToSmtLib2Script();
        script.ShouldContain("(check-sat-assuming (|p holds| |p fails|))");
        using var fresh = new Context();
        fresh.RunSmtLib2(script).ShouldBe("unsat\n");

        // Without the tracked names assumed, the same assertions are sat: the assuming line matters.
        using var other = new Context();
        other.RunSmtLib2(script.Replace("(check-sat-assuming (|p holds| |p fails|))", "(check-sat)", StringComparison.Ordinal)).ShouldBe("sat\n");
    }

    [Fact]
    public void TheSolverTextParsesBackIntoTheSameQuery()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var a = ctx.BitVecConst("a", 16);
        using var bv16 = ctx.BitVecSort(16);
        using var arraySort = ctx.ArraySort(bv16, bv16);
        var m = ctx.Const("m", arraySort);
        solver.Assert(ctx.Eq(ctx.Select(ctx.Store(m, a, a), a), ctx.BitVec(3ul, 16)), ctx.BvUGt(a, ctx.BitVec(2ul, 16)));
        var text = solver.ToString();

        using var fresh = new Context();
        var assertions = fresh.ParseSmtLib2(text);
        assertions.Count.ShouldBe(2);
        using var reparsed = fresh.Solver();
        reparsed.Assert(assertions);
        reparsed.Check().ShouldBeOfType<SolverOutcome.Sat>();
        using var viaSolver = fresh.Solver();
        viaSolver.AssertSmtLib2(text);
        viaSolver.Assertions.Select(t => t.ToString()).ShouldBe(assertions.Select(t => t.ToString()));

        // Same query, same answer with an extra constraint that makes it unsat in both.
        reparsed.Assert(fresh.ParseSmtLib2("(declare-fun a () (_ BitVec 16)) (assert (bvult a #x0002))"));
        reparsed.Check().ShouldBeOfType<SolverOutcome.Unsat>();
    }

    [Fact]
    public void ABrokenScriptIsAZ3ParserError()
    {
        using var ctx = new Context();
        var e = Should.Throw<Z3Exception>(() => ctx.ParseSmtLib2("(assert (undeclared-thing 1 2))"));
        e.Z3Message.ShouldContain("undeclared-thing");
    }
}
