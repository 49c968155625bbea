using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Smt.Tests;

/// <summary>The C heap is process-wide: these run alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeMemoryCollection
{
    public const string Name = "native memory";
}

/// <summary>
/// Creating and disposing contexts and terms in a loop must not grow memory. Each check is shown
/// to bite: the same measurement over a loop with a planted leak exceeds the same bound.
/// </summary>
[Collection(NativeMemoryCollection.Name)]
public sealed class MemoryTests(ITestOutputHelper output)
{
    private const int Contexts = 2000;
    private const int WarmUpContexts = 100;
    private const int CheckEvery = 50;
    private const int LeakedContexts = 10;
    private const int Terms = 20_000;

    // A leaked Z3 context costs ~16 MB of C heap: 16 MB over 2000 contexts allows 8 KB each of
    // allocator noise, which ten leaked contexts exceed tenfold. Terms: Z3 interns every new
    // symbol name for good (~12 B each, ~0.7 MB for 20,000 names), while 60,000 leaked terms
    // measured ~75 MB; 4 MB separates the two.
    private const long HeapBound = 16L << 20;
    private const long TermHeapBound = 4L << 20;

    [Fact]
    public void ThousandsOfContextsWithTermsDoNotGrowTheHeap()
    {
        var rounds = 0;
        var growth = HeapGrowth(() =>
        {
            // The warm-up round is short: contexts cost milliseconds each.
            var count = rounds++ == 0 ? WarmUpContexts : Contexts;
            for (var i = 0; i < count; i++)
            {
                using var ctx = new Context();
                UseContext(ctx, check: i % CheckEvery == 0);
            }
        });
        output.WriteLine($"{Contexts} contexts: C heap growth {growth} B, managed {GC.GetTotalMemory(true)} B");
        growth.ShouldBeLessThan(HeapBound);
    }

    [Fact]
    public void PlantedLeakOfContextsIsCaughtByTheSameBound()
    {
        var kept = new List<Context>();
        var growth = HeapGrowth(() =>
        {
            for (var i = 0; i < LeakedContexts; i++)
            {
                var ctx = new Context(); // planted leak: never disposed, kept reachable
                UseContext(ctx, check: false);
                kept.Add(ctx);
            }
        });
        output.WriteLine($"{LeakedContexts} leaked contexts: C heap growth {growth} B");
        try
        {
            growth.ShouldBeGreaterThan(HeapBound);
        }
        finally
        {
            kept.ForEach(ctx => ctx.Dispose());
        }
    }

    [Fact]
    public void ManyTermsDisposedInOneContextDoNotGrow()
    {
        using var ctx = new Context();
        var baseline = ctx.LiveReferenceCount;
        var growth = HeapGrowth(() => BuildTerms(ctx, Terms, keep: null));
        output.WriteLine($"{Terms} disposed term triples: C heap growth {growth} B");
        ctx.LiveReferenceCount.ShouldBe(baseline);
        growth.ShouldBeLessThan(TermHeapBound);
    }

    [Fact]
    public void PlantedLeakOfTermsInOneContextIsCaught()
    {
        using var ctx = new Context();
        var baseline = ctx.LiveReferenceCount;
        var kept = new List<Term>();
        var growth = HeapGrowth(() => BuildTerms(ctx, Terms, keep: kept)); // planted leak: kept, not disposed
        output.WriteLine($"{Terms} leaked term triples: C heap growth {growth} B");
        ctx.LiveReferenceCount.ShouldBe(baseline + kept.Count);
        growth.ShouldBeGreaterThan(TermHeapBound);
    }

    [Fact]
    public void TermsDroppedWithoutDisposeAreReleasedThroughTheGarbageCollector()
    {
        using var ctx = new Context();
        var baseline = ctx.LiveReferenceCount;
        var held = new List<Term>();
        BuildTerms(ctx, 1000, keep: held);
        ctx.LiveReferenceCount.ShouldBe(baseline + 3000);

        held.Clear(); // dropped without Dispose
        Settle();
        using var probe = ctx.True(); // the owner's next call performs the releases the finalizers queued
        ctx.LiveReferenceCount.ShouldBe(baseline + 1);
    }

    [Fact]
    public void DisposingATermOnAnotherThreadDefersTheReleaseToTheOwner()
    {
        using var ctx = new Context();
        var baseline = ctx.LiveReferenceCount;
        var term = ctx.BitVecConst("x", 8);
        var thread = new Thread(term.Dispose);
        thread.Start();
        thread.Join();
        term.IsDisposed.ShouldBeTrue();
        ctx.LiveReferenceCount.ShouldBe(baseline + 1); // queued, not yet performed
        using var probe = ctx.True();
        ctx.LiveReferenceCount.ShouldBe(baseline + 1); // x released, probe held
    }

    [Fact]
    public void AnUndisposedContextIsFreedByItsFinalizer()
    {
        var growth = HeapGrowth(() =>
        {
            for (var i = 0; i < LeakedContexts; i++)
            {
                UseContext(new Context(), check: false); // dropped, not disposed: the finalizer frees it
            }
        });
        output.WriteLine($"{LeakedContexts} dropped contexts: C heap growth {growth} B");
        growth.ShouldBeLessThan(HeapBound);
    }

    private static void UseContext(Context ctx, bool check)
    {
        using var x = ctx.BitVecConst("x", 32);
        using var y = ctx.BitVecConst("y", 32);
        using var xy = ctx.BvAdd(x, y);
        using var yx = ctx.BvAdd(y, x);
        using var eq = ctx.Eq(xy, yx);
        using var goal = ctx.Not(eq);
        if (!check)
        {
            return;
        }

        // Solving is the expensive part (the first assertion sets up Z3's solver, ~25 ms), so
        // only some rounds do it.
        using var solver = ctx.Solver();
        solver.Assert(goal);
        if (solver.Check() is not SolverOutcome.Unsat)
        {
            throw new InvalidOperationException("x + y = y + x should be proved");
        }
    }

    private static int termSerial;

    private static void BuildTerms(Context ctx, int count, List<Term>? keep)
    {
        for (var i = 0; i < count; i++)
        {
            // Every term is new (Z3 shares equal terms, so reused names would allocate nothing).
            var serial = Interlocked.Increment(ref termSerial);
            var x = ctx.BitVecConst($"x{serial}", 64);
            var n = ctx.BitVec((ulong)serial * 7919, 64);
            var sum = ctx.BvAdd(x, n);
            if (keep is null)
            {
                sum.Dispose();
                n.Dispose();
                x.Dispose();
            }
            else
            {
                keep.AddRange([x, n, sum]);
            }
        }
    }

    /// <summary>C heap bytes in use after the loop minus before it, after a warm-up round.</summary>
    private static long HeapGrowth(Action loop)
    {
        loop(); // warm-up: first-use allocations (symbol tables, caches, JIT) are not leaks
        Settle();
        var before = NativeHeap.BytesInUse;
        loop();
        Settle();
        return NativeHeap.BytesInUse - before;
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
