using BenchmarkDotNet.Attributes;
using Verified.Smt;

namespace Verified.Bench;

/// <summary>
/// Costs of the Z3 binding: a context's life, building terms, and a small proof.
/// `dotnet run -c Release --project bench/Verified.Bench -- --filter '*SmtBenchmarks*'`.
/// </summary>
[MemoryDiagnoser]
public class SmtBenchmarks : IDisposable
{
    private Context? context;
    private int serial;

    [GlobalSetup]
    public void Setup() => context = new Context();

    [GlobalCleanup]
    public void Dispose()
    {
        context?.Dispose();
        context = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "new Context + Dispose")]
    public bool ContextLifetime()
    {
        using var ctx = new Context();
        return ctx.IsDisposed;
    }

    [Benchmark(Description = "1000 fresh bv64 terms (built, disposed)")]
    public int BuildTerms()
    {
        var ctx = context!;
        var count = 0;
        for (var i = 0; i < 1000; i++)
        {
            using var x = ctx.BitVecConst($"b{serial++}", 64);
            using var one = ctx.BitVec(1ul, 64);
            using var sum = ctx.BvAdd(x, one);
            count++;
        }

        return count;
    }

    [Benchmark(Description = "prove bv64 x+y = y+x (fresh solver, shared context)")]
    public bool ProveCommutation()
    {
        var ctx = context!;
        using var solver = ctx.Solver();
        using var x = ctx.BitVecConst("x", 64);
        using var y = ctx.BitVecConst("y", 64);
        using var goal = ctx.Not(ctx.Eq(ctx.BvAdd(x, y), ctx.BvAdd(y, x)));
        solver.Assert(goal);
        return solver.Check() is SolverOutcome.Unsat;
    }
}
