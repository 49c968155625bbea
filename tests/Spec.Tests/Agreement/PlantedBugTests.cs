using Shouldly;
using Verified.Spec;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Spec.Tests.Agreement;

/// <summary>
/// Each mutant plants one wrong Eval rule through the explicit extension points of
/// <see cref="EvalCompiler"/>; the agreement property must catch it and shrink to a small term that
/// still uses the broken operator.
/// </summary>
public sealed class PlantedBugTests(ITestOutputHelper output)
{
    /// <summary>The classic slip: x % 0 = 0 (SMT-LIB says x).</summary>
    private sealed class UremByZeroIsZero : EvalCompiler
    {
        protected override Func<ulong, ulong, ulong> BinaryRule(Op op, int width) =>
            op == Op.BvUrem ? (a, b) => b == 0 ? 0 : a % b : base.BinaryRule(op, width);
    }

    /// <summary>Shifts taken modulo the width, as x86 does (SMT-LIB shifts everything out).</summary>
    private sealed class ShlModuloWidth : EvalCompiler
    {
        protected override Func<ulong, ulong, ulong> BinaryRule(Op op, int width)
        {
            if (op != Op.BvShl) return base.BinaryRule(op, width);
            ulong mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
            return (a, b) => (a << (int)(b % (ulong)width)) & mask;
        }
    }

    /// <summary>Sign extension that forgets the sign.</summary>
    private sealed class SignExtendZeroes : EvalCompiler
    {
        protected override Func<ulong, ulong> UnaryRule(Op op, int width, int p0, int p1) =>
            base.UnaryRule(op == Op.SignExtend ? Op.ZeroExtend : op, width, p0, p1);
    }

    public static TheoryData<string> Mutants => ["urem", "shl", "sext"];

    [Theory]
    [MemberData(nameof(Mutants))]
    public void Agreement_property_catches_the_planted_bug_with_a_shrunk_term(string mutant)
    {
        (EvalCompiler compiler, string op) = mutant switch
        {
            "urem" => ((EvalCompiler)new UremByZeroIsZero(), "bvurem"),
            "shl" => (new ShlModuloWidth(), "bvshl"),
            _ => (new SignExtendZeroes(), "sign_extend"),
        };
        using var oracle = new Z3Oracle();
        var property = new AgreementProperty(compiler, oracle);

        // A fixed seed: a random one failed to catch or to shrink the shl mutant once in dozens of runs.
        var e = Should.Throw<AgreementException>(() => property.Check(10_000, seed: 0x5EED_A6EE));

        output.WriteLine(e.Message);
        e.Message.ShouldContain("Eval and Z3 disagree");
        e.Message.ShouldContain(op);
        var size = Size(e.Shrunk.Term);
        size.ShouldBeLessThanOrEqualTo(6, $"not shrunk: {e.Shrunk.Term}");
    }

    private static int Size(Term t) => 1 + t.Children.Sum(Size);
}
