using Shouldly;
using Verified.Spec;
using Xunit;
using Smt = Verified.Smt;

namespace Verified.Spec.Tests;

public sealed class ToZ3Tests
{
    private static readonly EnumSort Color = Sort.Enum("Color", "red", "green", "blue");

    private static Smt.SolverOutcome Solve(Smt.Context c, Smt.Term formula)
    {
        using var s = c.Solver();
        s.Assert(formula);
        return s.Check(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Maps_over_a_small_enum_that_differ_at_one_key_are_not_equal()
    {
        // Z3 4.8.12 answers sat for this equality when asked directly; ToZ3 compares pointwise.
        var ms = Sort.Map(Color, Sort.Bool);
        var a = MapValue.Const(ms, BoolValue.False).Store(new EnumValue(Color, "red"), BoolValue.True);
        var b = MapValue.Const(ms, BoolValue.True).Store(new EnumValue(Color, "blue"), BoolValue.False);
        using var c = new Smt.Context();
        var tr = new Z3Translator(c);
        Solve(c, tr.ToZ3(T.Eq(T.Lit(a), T.Lit(b)))).ShouldBeOfType<Smt.SolverOutcome.Unsat>();
        Solve(c, tr.ToZ3(T.Distinct(T.Lit(a), T.Lit(b)))).ShouldBeOfType<Smt.SolverOutcome.Sat>();
    }

    [Fact]
    public void Bound_variables_are_not_captured_by_free_ones_of_the_same_name()
    {
        // let x = y in forall y: bv4. x = y  — the inner y is not the outer one: false for any y.
        var x = T.Var("x", Sort.BitVec(4));
        var y = T.Var("y", Sort.BitVec(4));
        var t = T.Let(x, y, T.ForAll(y, T.Eq(x, y)));
        using var c = new Smt.Context();
        var tr = new Z3Translator(c);
        Solve(c, tr.ToZ3(t)).ShouldBeOfType<Smt.SolverOutcome.Unsat>();
        Eval.Evaluate(t, Assignment.Of((y, new BitVecValue(4, 3)))).ShouldBe(BoolValue.False);
    }

    [Fact]
    public void Unbounded_quantifier_with_a_pattern_is_used_by_z3()
    {
        var ms = Sort.Map(Sort.BitVec(32), Sort.BitVec(8));
        var m = T.Var("m", ms);
        var i = T.Var("i", Sort.BitVec(32));
        var sel = T.Select(m, i);
        var allZero = T.ForAll(i, T.Eq(sel, T.Bv(8, 0)), T.Pattern(sel));
        using var c = new Smt.Context();
        var tr = new Z3Translator(c);
        var z = tr.ToZ3(allZero);
        z.ToString().ShouldContain(":pattern");
        Solve(c, tr.ToZ3(T.And(allZero, T.Eq(T.Select(m, T.Bv(32, 5)), T.Bv(8, 1))))).ShouldBeOfType<Smt.SolverOutcome.Unsat>();
        Solve(c, tr.ToZ3(T.And(allZero, T.Eq(T.Select(m, T.Bv(32, 5)), T.Bv(8, 0))))).ShouldBeOfType<Smt.SolverOutcome.Sat>();
    }

    [Fact]
    public void Range_quantifier_with_symbolic_bounds_is_a_guarded_z3_quantifier()
    {
        var lo = T.Var("lo", Sort.BitVec(16));
        var hi = T.Var("hi", Sort.BitVec(16));
        var i = T.Var("i", Sort.BitVec(16));
        using var c = new Smt.Context();
        var tr = new Z3Translator(c);
        // Valid: every i in [lo, hi) is >= lo. Its negation must be unsat.
        var valid = T.ForAllInRange(i, lo, hi, T.BvUge(i, lo));
        tr.ToZ3(valid).ToString().ShouldContain("forall");
        Solve(c, tr.ToZ3(T.Not(valid))).ShouldBeOfType<Smt.SolverOutcome.Unsat>();
        // Not valid: some i in [lo, hi) equals hi - 1 only when the range is non-empty.
        var exists = T.ExistsInRange(i, lo, hi, T.Eq(i, T.BvSub(hi, T.Bv(16, 1))));
        Solve(c, tr.ToZ3(T.And(T.BvUlt(lo, hi), T.Not(exists)))).ShouldBeOfType<Smt.SolverOutcome.Unsat>();
        Solve(c, tr.ToZ3(T.And(T.Eq(lo, hi), exists))).ShouldBeOfType<Smt.SolverOutcome.Unsat>();
    }

    [Fact]
    public void Model_values_read_back_as_spec_values()
    {
        var rec = Sort.Record("Cap", ("obj", Sort.BitVec(16)), ("color", Color), ("live", Sort.Bool));
        var ms = Sort.Map(Sort.BitVec(16), Sort.BitVec(8));
        var r = T.Var("r", rec);
        var m = T.Var("m", ms);
        using var c = new Smt.Context();
        var tr = new Z3Translator(c);
        var formula = T.And(
            T.Eq(T.Field(r, "obj"), T.Bv(16, 0x1234)), T.Eq(T.Field(r, "color"), T.Enum(Color, "green")), T.Field(r, "live"),
            T.Eq(T.Select(m, T.Bv(16, 1)), T.Bv(8, 5)), T.Eq(T.Select(m, T.Bv(16, 2)), T.Bv(8, 6)));
        var sat = Solve(c, tr.ToZ3(formula)).ShouldBeOfType<Smt.SolverOutcome.Sat>();
        using var rv = sat.Model.Eval(tr.Var(r));
        Z3Values.FromZ3(rv, rec).ShouldBe(new RecordValue(rec, [new BitVecValue(16, 0x1234), new EnumValue(Color, "green"), BoolValue.True]));
        using var mv = sat.Model.Eval(tr.Var(m));
        var map = (MapValue)Z3Values.FromZ3(mv, ms);
        map[new BitVecValue(16, 1)].ShouldBe(new BitVecValue(8, 5));
        map[new BitVecValue(16, 2)].ShouldBe(new BitVecValue(8, 6));
    }

    [Fact]
    public void Two_different_records_with_one_name_are_rejected()
    {
        using var c = new Smt.Context();
        var tr = new Z3Translator(c);
        tr.ToZ3(T.Var("a", Sort.Record("R", ("f", Sort.Bool))));
        Should.Throw<InvalidOperationException>(() => tr.ToZ3(T.Var("b", Sort.Record("R", ("f", Sort.BitVec(2))))))
            .Message.ShouldBe("ToZ3: two different sorts are named 'R' in one Z3 context: record R(f: Bool) and record R(f: BitVec(2)); rename one");
    }
}

public sealed class ModelDecodingTests
{
    [Fact]
    public void A_map_z3_gives_as_a_lambda_is_read_key_by_key_on_a_small_key_sort()
    {
        var ms = Sort.Map(Sort.BitVec(3), Sort.BitVec(8));
        var m = T.Var("m", ms);
        var r = T.Var("r", ms);
        var k = T.Var("k", Sort.BitVec(3));
        var v = T.Var("v", Sort.BitVec(8));
        // r = m with every key below 2 incremented; Z3's model gives r as a lambda over m.
        var update = T.MapUpdateWhere(m, k, v, T.BvUlt(k, T.Bv(3, 2)), T.BvAdd(v, T.Bv(8, 1)));
        using var c = new Smt.Context();
        var tr = new Z3Translator(c);
        using var s = c.Solver();
        s.Assert(tr.ToZ3(T.And(T.Eq(r, update), T.Eq(T.Select(m, T.Bv(3, 1)), T.Bv(8, 41)))));
        var sat = s.Check(TimeSpan.FromSeconds(10)).ShouldBeOfType<Smt.SolverOutcome.Sat>();
        using var rz = tr.Var(r);
        var rv = (MapValue)Z3Values.FromModel(tr, sat.Model, rz, ms);
        using var mz = tr.Var(m);
        var mv = (MapValue)Z3Values.FromModel(tr, sat.Model, mz, ms);
        rv[new BitVecValue(3, 1)].ShouldBe(new BitVecValue(8, 42));
        // The decoded values satisfy the relation Eval computes.
        Eval.Evaluate(update, Assignment.Of((m, mv))).ShouldBe(rv);
    }

    [Fact]
    public void A_lambda_map_on_a_large_key_sort_is_rejected_not_guessed()
    {
        var ms = Sort.Map(Sort.BitVec(32), Sort.BitVec(8));
        var m = T.Var("m", ms);
        var r = T.Var("r", ms);
        var k = T.Var("k", Sort.BitVec(32));
        var v = T.Var("v", Sort.BitVec(8));
        var update = T.MapUpdateWhere(m, k, v, T.BvUlt(k, T.Bv(32, 2)), T.BvAdd(v, T.Bv(8, 1)));
        using var c = new Smt.Context();
        var tr = new Z3Translator(c);
        using var s = c.Solver();
        s.Assert(tr.ToZ3(T.Eq(r, update)));
        var sat = s.Check(TimeSpan.FromSeconds(10)).ShouldBeOfType<Smt.SolverOutcome.Sat>();
        using var rz = tr.Var(r);
        Should.Throw<InvalidOperationException>(() => Z3Values.FromModel(tr, sat.Model, rz, ms))
            .Message.ShouldContain("cannot be read key by key (BitVec(32) has more than 1024 keys)");
    }
}
