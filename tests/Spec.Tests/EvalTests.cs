using Shouldly;
using Verified.Spec;
using Xunit;

namespace Verified.Spec.Tests;

public sealed class EvalTests
{
    private static readonly VarTerm X = T.Var("x", Sort.BitVec(8));
    private static readonly VarTerm Y = T.Var("y", Sort.BitVec(8));

    private static Value Run(Term t, ulong x, ulong y) =>
        Eval.Evaluate(t, Assignment.Of((X, new BitVecValue(8, x)), (Y, new BitVecValue(8, y))));

    [Theory]
    [InlineData(7, 0, 0xff)] // SMT-LIB: x / 0 = all ones
    [InlineData(7, 2, 3)]
    public void Udiv(ulong x, ulong y, ulong expected) => Run(T.BvUdiv(X, Y), x, y).ShouldBe(new BitVecValue(8, expected));

    [Theory]
    [InlineData(7, 0, 7)] // SMT-LIB: x % 0 = x
    [InlineData(7, 4, 3)]
    public void Urem(ulong x, ulong y, ulong expected) => Run(T.BvUrem(X, Y), x, y).ShouldBe(new BitVecValue(8, expected));

    [Theory]
    [InlineData(0x81, 1, 0xc0)]
    [InlineData(0x81, 8, 0xff)] // shift at or past the width: all sign bits
    [InlineData(0x41, 200, 0x00)]
    public void Ashr(ulong x, ulong y, ulong expected) => Run(T.BvAshr(X, Y), x, y).ShouldBe(new BitVecValue(8, expected));

    [Fact]
    public void Shl_and_lshr_past_the_width_give_zero()
    {
        Run(T.BvShl(X, Y), 0xff, 8).ShouldBe(new BitVecValue(8, 0));
        Run(T.BvLshr(X, Y), 0xff, 9).ShouldBe(new BitVecValue(8, 0));
        Run(T.BvShl(X, Y), 0x81, 1).ShouldBe(new BitVecValue(8, 0x02));
    }

    [Fact]
    public void Signed_comparison_and_extension()
    {
        Run(T.BvSlt(X, Y), 0x80, 0x01).ShouldBe(BoolValue.True);
        Run(T.BvUlt(X, Y), 0x80, 0x01).ShouldBe(BoolValue.False);
        Run(T.SignExtend(8, X), 0x80, 0).ShouldBe(new BitVecValue(16, 0xff80));
        Run(T.Concat(X, Y), 0x12, 0x34).ShouldBe(new BitVecValue(16, 0x1234));
        Run(T.Extract(7, 4, X), 0xa5, 0).ShouldBe(new BitVecValue(4, 0xa));
    }

    [Fact]
    public void Records_maps_and_let()
    {
        var cap = Sort.Record("Cap", ("obj", Sort.BitVec(8)), ("live", Sort.Bool));
        var c = T.Var("c", cap);
        var body = T.Let(c, T.Record(cap, X, T.True),
            T.Select(T.Store(T.ConstMap(Sort.BitVec(8), T.Bv(8, 0)), T.Field(c, "obj"), Y), X));
        Run(body, 3, 9).ShouldBe(new BitVecValue(8, 9));
        Run(T.Field(T.With(T.Record(cap, X, T.True), "live", T.False), "live"), 1, 1).ShouldBe(BoolValue.False);
    }

    [Fact]
    public void Bounded_quantifiers_loop_over_their_domain()
    {
        var i = T.Var("i", Sort.BitVec(8));
        Run(T.ForAllInRange(i, X, Y, T.BvUlt(i, T.Bv(8, 10))), 3, 10).ShouldBe(BoolValue.True);
        Run(T.ForAllInRange(i, X, Y, T.BvUlt(i, T.Bv(8, 10))), 3, 11).ShouldBe(BoolValue.False);
        Run(T.ExistsIn(i, [T.Bv(8, 1), X], T.Eq(i, Y)), 5, 5).ShouldBe(BoolValue.True);
        Run(T.ExistsIn(i, [T.Bv(8, 1), X], T.Eq(i, Y)), 5, 6).ShouldBe(BoolValue.False);
    }

    [Fact]
    public void Unbounded_quantifier_over_a_small_sort_is_enumerated()
    {
        var i = T.Var("i", Sort.BitVec(4));
        Eval.Evaluate(T.Exists(i, T.Eq(T.BvMul(i, T.Bv(4, 3)), T.Bv(4, 1))), Assignment.Empty).ShouldBe(BoolValue.True); // 3 * 11 = 33 = 1 mod 16
        Eval.Evaluate(T.Exists(i, T.Eq(T.BvMul(i, T.Bv(4, 2)), T.Bv(4, 1))), Assignment.Empty).ShouldBe(BoolValue.False);
    }

    [Fact]
    public void Unbounded_quantifier_over_a_large_sort_is_rejected_naming_the_variable()
    {
        var p = T.Var("page", Sort.BitVec(32));
        var q = T.ForAll(p, T.BvUle(p, T.Var("top", Sort.BitVec(32))));
        var e = Should.Throw<UnboundedQuantifierException>(() =>
            Eval.Evaluate(q, Assignment.Empty.With("top", new BitVecValue(32, 5))));
        e.Message.ShouldStartWith("Eval cannot decide the unbounded ForAll over 'page' of sort BitVec(32)");
        e.Variable.ShouldBe(p);
        e.Quantifier.ShouldBe(q);
    }

    [Fact]
    public void A_huge_range_is_rejected_rather_than_looped_over()
    {
        var i = T.Var("i", Sort.BitVec(32));
        var t = T.ForAllInRange(i, T.Bv(32, 0), T.Bv(32, 1UL << 30), T.BvUle(i, i));
        Should.Throw<NotEvaluableException>(() => Eval.Evaluate(t, Assignment.Empty)).Message
            .ShouldBe("Eval: the range [0, 1073741824) of ForAll over 'i' has more than 16777216 values");
        // An empty range (hi <= lo) is vacuous, as in Z3.
        Eval.Evaluate(T.ForAllInRange(i, T.Bv(32, 9), T.Bv(32, 3), T.False), Assignment.Empty).ShouldBe(BoolValue.True);
    }

    [Fact]
    public void A_missing_or_ill_sorted_assignment_is_an_error()
    {
        Should.Throw<ArgumentException>(() => Eval.Evaluate(T.BvAdd(X, Y), Assignment.Empty.With("x", new BitVecValue(8, 1))))
            .Message.ShouldStartWith("Eval: free variable 'y' (BitVec(8)) has no value in the assignment");
        Should.Throw<SortMismatchException>(() => Eval.Evaluate(X, Assignment.Empty.With("x", BoolValue.True)))
            .Message.ShouldBe("Eval: variable 'x' has sort BitVec(8), the assignment gives a value of sort Bool");
    }
}

public sealed class CompiledTermTests
{
    [Fact]
    public void Positional_values_follow_the_free_variable_order()
    {
        var x = T.Var("x", Sort.BitVec(8));
        var y = T.Var("y", Sort.BitVec(8));
        var c = Eval.Compile(T.BvSub(x, y));
        c.FreeVariables.ShouldBe([x, y]);
        c.Evaluate([new BitVecValue(8, 5), new BitVecValue(8, 3)]).ShouldBe(new BitVecValue(8, 2));
        Should.Throw<ArgumentException>(() => c.Evaluate([new BitVecValue(8, 5)])).Message
            .ShouldStartWith("Eval: the term has 2 free variables (x, y), got 1 values");
    }

    [Fact]
    public void A_branch_never_taken_is_not_rejected()
    {
        // The unbounded quantifier is rejected only when evaluation reaches it.
        var p = T.Var("p", Sort.BitVec(32));
        var b = T.Var("b", Sort.Bool);
        var t = T.Ite(b, T.ForAll(p, T.BvUle(p, p)), T.True);
        Eval.Evaluate(t, Assignment.Of((b, BoolValue.False))).ShouldBe(BoolValue.True);
        Should.Throw<UnboundedQuantifierException>(() => Eval.Evaluate(t, Assignment.Of((b, BoolValue.True))));
    }
}

public sealed class EvalCacheTests
{
    [Fact]
    public void Structurally_equal_terms_share_one_compiled_program()
    {
        static Term Build() => T.BvAdd(T.Var("cache_x", Sort.BitVec(8)), T.Bv(8, 41));
        var a = Build();
        var b = Build();
        ReferenceEquals(a, b).ShouldBeFalse();
        Eval.Compile(a).ShouldBeSameAs(Eval.Compile(b));
        Eval.Compile(T.BvAdd(T.Var("cache_x", Sort.BitVec(8)), T.Bv(8, 42))).ShouldNotBeSameAs(Eval.Compile(a));
    }
}
