using Shouldly;
using Xunit;

namespace Verified.Smt.Tests;

/// <summary>Arrays, uninterpreted functions, quantifiers and the remaining bit-vector operations.</summary>
public sealed class TheoryTests
{
    [Fact]
    public void ReadOverWriteHoldsForArrays()
    {
        using var ctx = new Context();
        using var bv8 = ctx.BitVecSort(8);
        using var arraySort = ctx.ArraySort(bv8, bv8);
        arraySort.Kind.ShouldBe(SortKind.Array);
        arraySort.ArrayDomain.ShouldBe(bv8);
        using var solver = ctx.Solver();
        var a = ctx.Const("a", arraySort);
        var i = ctx.BitVecConst("i", 8);
        var j = ctx.BitVecConst("j", 8);
        var v = ctx.BitVecConst("v", 8);
        var stored = ctx.Store(a, i, v);
        solver.Assert(ctx.Not(ctx.Eq(ctx.Select(stored, j), ctx.Ite(ctx.Eq(i, j), v, ctx.Select(a, j)))));
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>();
    }

    [Fact]
    public void AConstantArrayHoldsItsValueEverywhere()
    {
        using var ctx = new Context();
        using var bv8 = ctx.BitVecSort(8);
        using var solver = ctx.Solver();
        var k = ctx.ConstArray(bv8, ctx.BitVec(7ul, 8));
        var i = ctx.BitVecConst("i", 8);
        solver.Assert(ctx.Not(ctx.Eq(ctx.Select(k, i), ctx.BitVec(7ul, 8))));
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>();
    }

    [Fact]
    public void UninterpretedFunctionsAreCongruent()
    {
        using var ctx = new Context();
        using var bv8 = ctx.BitVecSort(8);
        using var f = ctx.Function("f", [bv8, bv8], bv8);
        f.Arity.ShouldBe(2u);
        f.Name.ShouldBe("f");
        using var solver = ctx.Solver();
        var x = ctx.BitVecConst("x", 8);
        var y = ctx.BitVecConst("y", 8);
        solver.Assert(ctx.Eq(x, y), ctx.Not(ctx.Eq(f.Apply(x, y), ctx.Apply(f, y, x))));
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>();
        Should.Throw<Z3Exception>(() => f.Apply(x));
    }

    [Fact]
    public void UninterpretedSortsHaveAsManyElementsAsNeeded()
    {
        using var ctx = new Context();
        using var obj = ctx.UninterpretedSort("Obj");
        obj.Kind.ShouldBe(SortKind.Uninterpreted);
        obj.Name.ShouldBe("Obj");
        using var solver = ctx.Solver();
        solver.Assert(ctx.Distinct(Enumerable.Range(0, 5).Select(i => ctx.Const($"o{i}", obj)).ToArray()));
        solver.Check().ShouldBeOfType<SolverOutcome.Sat>();
    }

    [Fact]
    public void AQuantifiedAxiomWithAPatternIsInstantiated()
    {
        using var ctx = new Context();
        using var bv8 = ctx.BitVecSort(8);
        using var g = ctx.Function("g", [bv8], bv8);
        var x = ctx.BitVecConst("x", 8);
        var gx = g.Apply(x);
        using var pattern = ctx.Pattern(gx);
        var axiom = ctx.ForAll([x], ctx.BvUGe(gx, x), [pattern]);
        axiom.Kind.ShouldBe(TermKind.Quantifier);
        axiom.ToString().ShouldContain(":pattern");
        using var solver = ctx.Solver();
        var c = ctx.BitVecConst("c", 8);
        solver.Assert(axiom, ctx.BvULt(g.Apply(c), c));
        solver.Check().ShouldBeOfType<SolverOutcome.Unsat>();
    }

    [Fact]
    public void ExistentialQuantifiersFindWitnesses()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        var x = ctx.BitVecConst("x", 8);
        var y = ctx.BitVecConst("y", 8);
        // Every byte has an additive inverse: ∀x ∃y. x + y = 0.
        var claim = ctx.ForAll([x], ctx.Exists([y], ctx.Eq(ctx.BvAdd(x, y), ctx.BitVec(0ul, 8))));
        solver.Assert(ctx.Not(claim));
        solver.Check(TimeSpan.FromSeconds(20)).ShouldBeOfType<SolverOutcome.Unsat>();
    }

    [Fact]
    public void QuantifiersBindConstantsOnly()
    {
        using var ctx = new Context();
        var x = ctx.BitVecConst("x", 8);
        Should.Throw<ArgumentException>(() => ctx.ForAll([ctx.BvAdd(x, x)], ctx.True())).Message.ShouldContain("constants only");
        Should.Throw<ArgumentException>(() => ctx.Exists([], ctx.True()));
    }

    [Theory]
    [InlineData("shl", 0x81ul, 1ul, 0x02ul)]
    [InlineData("lshr", 0x81ul, 1ul, 0x40ul)]
    [InlineData("ashr", 0x81ul, 1ul, 0xC0ul)]
    [InlineData("udiv", 200ul, 0ul, 0xFFul)]
    [InlineData("urem", 200ul, 0ul, 200ul)]
    [InlineData("sdiv", 0xF6ul, 3ul, 0xFDul)]
    [InlineData("srem", 0xF6ul, 3ul, 0xFFul)]
    [InlineData("smod", 0xF6ul, 3ul, 0x02ul)]
    [InlineData("and", 0xF0ul, 0x3Cul, 0x30ul)]
    [InlineData("or", 0xF0ul, 0x3Cul, 0xFCul)]
    [InlineData("xor", 0xF0ul, 0x3Cul, 0xCCul)]
    [InlineData("mul", 16ul, 17ul, 0x10ul)]
    [InlineData("sub", 1ul, 2ul, 0xFFul)]
    public void BinaryBitVectorOperationsFollowSmtLib(string op, ulong a, ulong b, ulong expected)
    {
        using var ctx = new Context();
        var x = ctx.BitVec(a, 8);
        var y = ctx.BitVec(b, 8);
        var term = op switch
        {
            "shl" => ctx.BvShl(x, y),
            "lshr" => ctx.BvLShr(x, y),
            "ashr" => ctx.BvAShr(x, y),
            "udiv" => ctx.BvUDiv(x, y),
            "urem" => ctx.BvURem(x, y),
            "sdiv" => ctx.BvSDiv(x, y),
            "srem" => ctx.BvSRem(x, y),
            "smod" => ctx.BvSMod(x, y),
            "and" => ctx.BvAnd(x, y),
            "or" => ctx.BvOr(x, y),
            "xor" => ctx.BvXor(x, y),
            "mul" => ctx.BvMul(x, y),
            "sub" => ctx.BvSub(x, y),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
        term.Simplify().NumeralValue.ShouldBe(new System.Numerics.BigInteger(expected));
    }

    [Fact]
    public void ExtractConcatAndExtendReshapeBits()
    {
        using var ctx = new Context();
        var x = ctx.BitVec(0xA5ul, 8);
        ctx.Extract(7, 4, x).Simplify().NumeralValue.ShouldBe(new System.Numerics.BigInteger(0xA));
        var joined = ctx.Concat(ctx.BitVec(0x12ul, 8), x);
        joined.BitVecSize.ShouldBe(16u);
        joined.Simplify().NumeralValue.ShouldBe(new System.Numerics.BigInteger(0x12A5));
        ctx.ZeroExtend(8, x).Simplify().NumeralValue.ShouldBe(new System.Numerics.BigInteger(0x00A5));
        ctx.SignExtend(8, x).Simplify().NumeralValue.ShouldBe(new System.Numerics.BigInteger(0xFFA5));
        ctx.RotateLeft(4, x).Simplify().NumeralValue.ShouldBe(new System.Numerics.BigInteger(0x5A));
        ctx.BvRedOr(x).BitVecSize.ShouldBe(1u);
    }

    [Fact]
    public void SignedAndUnsignedComparisonsDiffer()
    {
        using var ctx = new Context();
        var minusOne = ctx.BitVec(0xFFul, 8);
        var one = ctx.BitVec(1ul, 8);
        ctx.BvSLt(minusOne, one).Simplify().BoolValue.ShouldBe(true);
        ctx.BvULt(minusOne, one).Simplify().BoolValue.ShouldBe(false);
        ctx.BvAddNoOverflow(minusOne, one, isSigned: false).Simplify().BoolValue.ShouldBe(false);
        ctx.BvAddNoOverflow(minusOne, one, isSigned: true).Simplify().BoolValue.ShouldBe(true);
    }

    [Fact]
    public void StatisticsAndParametersAreReadable()
    {
        using var ctx = new Context();
        using var solver = ctx.Solver();
        using var p = ctx.Params().Set("random_seed", 7u);
        solver.SetParameters(p);
        p.ToString().ShouldContain("random_seed");
        var x = ctx.BitVecConst("x", 16);
        solver.Assert(ctx.Eq(ctx.BvMul(x, x), ctx.BitVec(169ul, 16)));
        solver.Check().ShouldBeOfType<SolverOutcome.Sat>();
        var stats = solver.Statistics;
        stats.ShouldNotBeEmpty();
        stats.Keys.ShouldContain("max memory");
        stats["max memory"].ShouldBeGreaterThan(0);
    }

    [Fact]
    public void EqualTermsAreTheSameTerm()
    {
        using var ctx = new Context();
        var a = ctx.BvAdd(ctx.BitVecConst("x", 8), ctx.BitVec(1ul, 8));
        var b = ctx.BvAdd(ctx.BitVecConst("x", 8), ctx.BitVec(1ul, 8));
        a.ShouldBe(b);
        a.GetHashCode().ShouldBe(b.GetHashCode());
        a.ShouldNotBe(ctx.BvAdd(ctx.BitVec(1ul, 8), ctx.BitVecConst("x", 8)));
        a.Decl!.Name.ShouldBe("bvadd");
        a.Args.Count.ShouldBe(2);
    }
}
