using Shouldly;
using Xunit;

namespace Verified.Smt.Tests;

public sealed class ErrorTests
{
    [Fact]
    public void AddingBitVectorsOfDifferentWidthsIsAZ3SortError()
    {
        using var ctx = new Context();
        var a = ctx.BitVecConst("a", 8);
        var b = ctx.BitVecConst("b", 16);
        var e = Should.Throw<Z3Exception>(() => ctx.BvAdd(a, b));
        e.Code.ShouldNotBe(Z3ErrorCode.Ok);
        e.Z3Message.ShouldContain("does not match declaration");
        e.Message.ShouldContain(e.Z3Message);

        // The context survives the error and keeps working.
        using var solver = ctx.Solver();
        solver.Assert(ctx.Eq(ctx.BvAdd(a, a), ctx.BitVec(2ul, 8)));
        solver.Check().ShouldBeOfType<SolverOutcome.Sat>();
    }

    [Fact]
    public void AndOfABitVectorIsAZ3SortError()
    {
        using var ctx = new Context();
        var e = Should.Throw<Z3Exception>(() => ctx.And(ctx.BoolConst("p"), ctx.BitVecConst("x", 4)));
        e.Z3Message.ShouldContain("Sort mismatch");
    }

    [Fact]
    public void AZeroWidthBitVectorIsAZ3Error()
    {
        using var ctx = new Context();
        Should.Throw<Z3Exception>(() => ctx.BitVecSort(0));
        Should.Throw<Z3Exception>(() => ctx.BitVecConst("x", 0));
        ctx.BitVecConst("x", 1).BitVecSize.ShouldBe(1u);
    }

    [Fact]
    public void AssertingANonBooleanIsAZ3Error()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        Should.Throw<Z3Exception>(() => solver.Assert(ctx.BitVecConst("x", 4)));

        // A rejected tracked assertion tracks nothing and holds no reference.
        var live = ctx.LiveReferenceCount;
        var y = ctx.BitVecConst("y", 4);
        Should.Throw<Z3Exception>(() => solver.AssertAndTrack(y, "y-as-formula"));
        solver.TrackedNames.ShouldBeEmpty();
        ctx.LiveReferenceCount.ShouldBe(live + 1);
    }

    [Fact]
    public void AnUnknownSolverParameterIsAZ3Error()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var e = Should.Throw<Z3Exception>(() => solver.Set("no_such_parameter_xyz", true));
        e.Z3Message.ShouldContain("no_such_parameter_xyz");
    }

    [Fact]
    public void ATermFromAnotherContextIsRejected()
    {
        using var first = new Context();
        using var second = new Context();
        var x = first.BitVecConst("x", 8);
        var y = second.BitVecConst("y", 8);
        var e = Should.Throw<ArgumentException>(() => second.BvAdd(x, y));
        e.Message.ShouldContain("another Z3 Context");

        using var solver = second.Solver();
        Should.Throw<ArgumentException>(() => solver.Assert(first.True()));
    }

    [Fact]
    public void UsingAContextFromAnotherThreadIsRejected()
    {
        using var ctx = new Context();
        var x = ctx.BitVecConst("x", 8);
        Exception? seen = null;
        var thread = new Thread(() => seen = Record(() => ctx.BvNot(x)));
        thread.Start();
        thread.Join();
        seen.ShouldBeOfType<InvalidOperationException>().Message.ShouldContain("one Context per worker thread");

        // The owning thread is unaffected.
        ctx.BvNot(x).ToString().ShouldBe("(bvnot x)");
    }

    [Fact]
    public void DisposingAContextFromAnotherThreadIsRejectedAndItStaysUsable()
    {
        using var ctx = new Context();
        Exception? seen = null;
        var thread = new Thread(() => seen = Record(ctx.Dispose));
        thread.Start();
        thread.Join();
        seen.ShouldBeOfType<InvalidOperationException>();
        ctx.IsDisposed.ShouldBeFalse();
        ctx.True().BoolValue.ShouldBe(true);
    }

    [Fact]
    public void DisposingTwiceIsHarmless()
    {
        var ctx = new Context();
        var t = ctx.True();
        t.Dispose();
        t.Dispose();
        ctx.Dispose();
        ctx.Dispose();
        t.Dispose();
        ctx.IsDisposed.ShouldBeTrue();
    }

    [Fact]
    public void UsingADisposedContextOrTermThrowsObjectDisposed()
    {
        var ctx = new Context();
        var x = ctx.BitVecConst("x", 8);
        var y = ctx.BitVecConst("y", 8);
        y.Dispose();
        Should.Throw<ObjectDisposedException>(() => ctx.BvAdd(x, y));
        ctx.Dispose();
        Should.Throw<ObjectDisposedException>(() => ctx.True());
        x.IsDisposed.ShouldBeTrue();
        Should.Throw<ObjectDisposedException>(() => x.Kind);
    }

    [Fact]
    public void AMissingLibraryIsDetectedByTheProbe()
    {
        // The probe that guards Context creation, pointed at a library that does not exist.
        Z3Library.CanLoad("libz3-not-installed-here.so.4").ShouldBeFalse();
        Z3Library.CanLoad("libz3.so.4").ShouldBeTrue();
        var e = Should.Throw<Z3LibraryNotFoundException>(() => Z3Library.Require(Z3Library.CanLoad("libz3-not-installed-here.so.4")));
        e.Message.ShouldBe("libz3.so.4 was not found: install the Debian package libz3-4 (sudo apt-get install libz3-4)");
        Should.NotThrow(() => Z3Library.Require(Z3Library.CanLoad("libz3.so.4")));
    }

    private static Exception? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }
}
