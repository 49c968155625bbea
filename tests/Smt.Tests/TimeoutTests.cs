using System.Diagnostics;
using System.Numerics;
using Shouldly;
using Xunit;

namespace Verified.Smt.Tests;

public sealed class TimeoutTests
{
    // Two 64-bit primes; factoring their 128-bit product by bit-blasting a 128-bit multiplier is
    // far beyond any solver in milliseconds, so a short limit is reliably hit.
    private static readonly BigInteger P = BigInteger.Parse("18446744073709551557", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly BigInteger Q = BigInteger.Parse("18446744073709551533", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void FactoringALargeSemiprimeRunsOutOfTimeAsUnknown()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        AssertFactoring(ctx, solver);
        var clock = Stopwatch.StartNew();
        var outcome = solver.Check(TimeSpan.FromMilliseconds(50));
        clock.Stop();
        var unknown = outcome.ShouldBeOfType<SolverOutcome.Unknown>();
        unknown.Reason.ShouldBeOneOf("timeout", "canceled");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        solver.ReasonUnknown.ShouldBe(unknown.Reason);
    }

    [Fact]
    public void TheTimeLimitOfOneCheckIsRestoredAfterwards()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        solver.Timeout.ShouldBeNull();
        solver.Assert(ctx.BoolConst("p"));
        solver.Check(TimeSpan.FromSeconds(5)).ShouldBeOfType<SolverOutcome.Sat>();
        solver.Timeout.ShouldBeNull();
        solver.Timeout = TimeSpan.FromSeconds(3);
        solver.Timeout.ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void InterruptFromAnotherThreadStopsACheckAsUnknown()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        AssertFactoring(ctx, solver);
        using var timer = new Timer(_ => ctx.Interrupt(), null, 100, 100);
        var unknown = solver.Check().ShouldBeOfType<SolverOutcome.Unknown>();
        unknown.Reason.ShouldBeOneOf("canceled", "interrupted");
    }

    private static void AssertFactoring(Context ctx, Solver solver)
    {
        var x = ctx.BitVecConst("x", 128);
        var y = ctx.BitVecConst("y", 128);
        var one = ctx.BitVec(1ul, 128);
        var limit = ctx.BitVec(BigInteger.One << 64, 128);
        solver.Assert(
            ctx.Eq(ctx.BvMul(x, y), ctx.BitVec(P * Q, 128)),
            ctx.BvUGt(x, one),
            ctx.BvUGt(y, one),
            ctx.BvULt(x, limit),
            ctx.BvULt(y, limit));
    }
}
