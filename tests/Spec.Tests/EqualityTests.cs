using Shouldly;
using Verified.Spec;
using Xunit;

namespace Verified.Spec.Tests;

public sealed class EqualityTests
{
    private static Term Build(int seed)
    {
        var x = T.Var("x", Sort.BitVec(8));
        var m = T.Var("m", Sort.Map(Sort.BitVec(8), Sort.BitVec(8)));
        return T.And(T.Eq(T.Select(T.Store(m, x, T.Bv(8, (ulong)seed)), x), T.BvAdd(x, T.Bv(8, 1))), T.BvUlt(x, T.Bv(8, 9)));
    }

    [Fact]
    public void Separately_built_equal_terms_are_equal_with_equal_hashes()
    {
        var a = Build(3);
        var b = Build(3);
        ReferenceEquals(a, b).ShouldBeFalse();
        a.ShouldBe(b);
        (a == b).ShouldBeTrue();
        a.GetHashCode().ShouldBe(b.GetHashCode());
        new HashSet<Term> { a, b }.Count.ShouldBe(1);
    }

    [Fact]
    public void Terms_differing_in_one_leaf_are_different()
    {
        Build(3).ShouldNotBe(Build(4));
        T.Var("x", Sort.BitVec(8)).ShouldNotBe(T.Var("x", Sort.BitVec(9)));
        T.Extract(3, 0, T.Var("x", Sort.BitVec(8))).ShouldNotBe(T.Extract(4, 1, T.Var("x", Sort.BitVec(8))));
        T.ForAll(T.Var("i", Sort.BitVec(4)), T.True).ShouldNotBe(T.Exists(T.Var("i", Sort.BitVec(4)), T.True));
    }

    [Fact]
    public void Deep_terms_compare_and_hash_without_overflowing_the_stack()
    {
        static Term Chain(int n)
        {
            Term m = T.ConstMap(Sort.BitVec(32), T.Bv(32, 0));
            for (int i = 0; i < n; i++) m = T.Store(m, T.Bv(32, (ulong)i), T.Bv(32, (ulong)i + 1));
            return m;
        }
        var a = Chain(200_000);
        var b = Chain(200_000);
        a.Equals(b).ShouldBeTrue();
        a.GetHashCode().ShouldBe(b.GetHashCode());
        a.Equals(Chain(199_999)).ShouldBeFalse();
    }

    [Fact]
    public void Sorts_compare_structurally()
    {
        Sort.Record("R", ("a", Sort.Bool)).ShouldBe(Sort.Record("R", ("a", Sort.Bool)));
        Sort.Record("R", ("a", Sort.Bool)).ShouldNotBe(Sort.Record("R", ("a", Sort.BitVec(1))));
        Sort.Enum("E", "p", "q").ShouldBe(Sort.Enum("E", "p", "q"));
        Sort.Enum("E", "p", "q").ShouldNotBe(Sort.Enum("E", "q", "p"));
        Sort.Map(Sort.Bool, Sort.BitVec(3)).GetHashCode().ShouldBe(Sort.Map(Sort.Bool, Sort.BitVec(3)).GetHashCode());
    }
}

public sealed class DeepTermTests
{
    private static Term Chain(int n)
    {
        Term m = T.ConstMap(Sort.BitVec(32), T.Bv(32, 0));
        for (int i = 0; i < n; i++) m = T.Store(m, T.Bv(32, (ulong)i), T.Bv(32, (ulong)i + 1));
        return m;
    }

    [Fact]
    public void Ten_thousand_stores_deep_compile_evaluate_translate_and_print()
    {
        var t = T.Select(Chain(10_000), T.Bv(32, 9_999));
        Eval.Evaluate(t, Assignment.Empty).ShouldBe(new BitVecValue(32, 10_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using (var c = new Verified.Smt.Context())
        {
            using var z = new Z3Translator(c).ToZ3(t);
            using var s = z.Simplify();
            s.NumeralValue.ShouldBe(10_000);
        }
        // Disposing the context is fast only when the translator gave back its intermediate references.
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        t.ToString().Length.ShouldBeGreaterThan(1000);
    }
}
