using System.Numerics;
using Shouldly;
using Xunit;

namespace Verified.Smt.Tests;

public sealed class ModelValueTests
{
    [Fact]
    public void BitVectorValuesReadBackAsULongAndBigInteger()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var x = ctx.BitVecConst("x", 64);
        var wide = ctx.BitVecConst("wide", 128);
        var big = (BigInteger.One << 100) + 12345;
        solver.Assert(ctx.Eq(x, ctx.BitVec(0xFEDC_BA98_7654_3210ul, 64)), ctx.Eq(wide, ctx.BitVec(big, 128)));
        var model = solver.Check().ShouldBeOfType<SolverOutcome.Sat>().Model;
        model.EvalUInt64(x).ShouldBe(0xFEDC_BA98_7654_3210ul);
        model.EvalBitVec(wide).ShouldBe(big);
        Should.Throw<OverflowException>(() => model.EvalUInt64(wide));
    }

    [Fact]
    public void NegativeBigIntegerNumeralsWrapToTwosComplement()
    {
        using var ctx = new Context();
        using var minusOne = ctx.BitVec(BigInteger.MinusOne, 8);
        minusOne.NumeralValue.ShouldBe(new BigInteger(255));
        minusOne.BitVecSize.ShouldBe(8u);
    }

    [Fact]
    public void ModelCompletionGivesValuesToUnconstrainedConstants()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var constrained = ctx.BitVecConst("c", 8);
        var free = ctx.BitVecConst("free", 8);
        solver.Assert(ctx.Eq(constrained, ctx.BitVec(7ul, 8)));
        var model = solver.Check().ShouldBeOfType<SolverOutcome.Sat>().Model;
        model.Eval(free, completion: false).IsNumeral.ShouldBeFalse();
        model.Eval(free).IsNumeral.ShouldBeTrue();
        model.EvalUInt64(ctx.BvAdd(constrained, constrained)).ShouldBe(14ul);
    }

    [Fact]
    public void EnumerationValuesReadBackByName()
    {
        using var ctx = new Context();
        using var state = ctx.EnumSort("TaskState", "Running", "Blocked", "Dead");
        state.Names.ShouldBe(["Running", "Blocked", "Dead"]);
        using var solver = ctx.Solver();
        var s = ctx.Const("s", state);
        solver.Assert(ctx.Not(ctx.Eq(s, state.Constant("Running"))), ctx.Not(state.Is(2, s)));
        solver.Check().ShouldBeOfType<SolverOutcome.Sat>().Model.EvalEnum(s).ShouldBe("Blocked");

        // Three constants are all an enumeration has: a fourth distinct value is impossible.
        var values = Enumerable.Range(0, 4).Select(i => ctx.Const($"v{i}", state)).ToArray();
        solver.Assert(ctx.Distinct(values));
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>();
        Should.Throw<ArgumentException>(() => state.Constant("Zombie")).Message.ShouldContain("Running, Blocked, Dead");
    }

    [Fact]
    public void TupleFieldsReadBackInOrder()
    {
        using var ctx = new Context();
        using var bv8 = ctx.BitVecSort(8);
        using var boolean = ctx.BoolSort();
        using var cap = ctx.TupleSort("Cap", ("object", bv8), ("rights", bv8), ("valid", boolean));
        cap.FieldNames.ShouldBe(["object", "rights", "valid"]);
        using var solver = ctx.Solver();
        var c = ctx.Const("c", cap);
        solver.Assert(
            ctx.Eq(cap.Field(c, "object"), ctx.BitVec(42ul, 8)),
            ctx.Eq(cap.Field(c, 1), ctx.BitVec(5ul, 8)),
            cap.Field(c, "valid"));
        var model = solver.Check().ShouldBeOfType<SolverOutcome.Sat>().Model;
        var fields = model.EvalTuple(c);
        fields.Count.ShouldBe(3);
        fields[0].NumeralValue.ShouldBe(new BigInteger(42));
        fields[1].NumeralValue.ShouldBe(new BigInteger(5));
        fields[2].BoolValue.ShouldBe(true);

        // A tuple is equal to the tuple of its fields.
        solver.Assert(ctx.Not(ctx.Eq(c, cap.Make(cap.Field(c, 0), cap.Field(c, 1), cap.Field(c, 2)))));
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>();
    }

    [Fact]
    public void ReadingAValueOfTheWrongSortIsMisuse()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var p = ctx.BoolConst("p");
        solver.Assert(p);
        var model = solver.Check().ShouldBeOfType<SolverOutcome.Sat>().Model;
        Should.Throw<InvalidOperationException>(() => model.EvalBitVec(p)).Message.ShouldContain("not a bit-vector");
        Should.Throw<InvalidOperationException>(() => model.EvalEnum(p));
    }
}
