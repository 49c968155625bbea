using System.Text.RegularExpressions;
using Shouldly;
using Verified.Cli.SelfCheck;
using Verified.Cli.Verbs;
using Verified.Smt;
using Xunit;

namespace Verified.Cli.Tests;

public sealed partial class ProveVerbTests
{
    [Fact]
    public void ProveDischargesTheSelfCheckCatalogueAndExitsZero()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(["prove"], stdout, stderr);
        stderr.ToString().ShouldBeEmpty();
        code.ShouldBe(ExitCodes.Success);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        HeaderLine().IsMatch(lines[0]).ShouldBeTrue(lines[0]);
        foreach (var name in SmtSelfCheck.Obligations.Select(o => o.Name))
        {
            lines.ShouldContain(l => ResultLine(name, "proved").IsMatch(l), $"no 'proved' line for {name}");
        }

        lines[^1].ShouldBe($"{SmtSelfCheck.Obligations.Count} of {SmtSelfCheck.Obligations.Count} obligations proved");
    }

    [Fact]
    public void AFalseObligationFailsWithItsCounterexampleAndExitCodeOne()
    {
        Obligation[] catalogue =
        [
            SmtSelfCheck.Obligations[0],
            new("planted.bv-sub-commutes", ctx =>
            {
                var x = ctx.BitVecConst("x", 8);
                var y = ctx.BitVecConst("y", 8);
                return Obligation.Prove(ctx, ctx.Eq(ctx.BvSub(x, y), ctx.BvSub(y, x)));
            }),
        ];
        var stdout = new StringWriter();
        var code = ProveVerb.Run(stdout, new StringWriter(), catalogue, () => new Context());
        code.ShouldBe(ExitCodes.Failure);
        var text = stdout.ToString();
        ResultLine("planted.bv-sub-commutes", "FAILED").IsMatch(text).ShouldBeTrue(text);
        text.ShouldContain("counterexample:");
        text.ShouldContain("1 of 2 obligations proved");
    }

    [Fact]
    public void AnUnknownOutcomeIsAFailureNotAProof()
    {
        Obligation[] catalogue = [new("planted.unknown", _ => new Verdict.Unknown("timeout"))];
        var stdout = new StringWriter();
        ProveVerb.Run(stdout, new StringWriter(), catalogue, () => new Context()).ShouldBe(ExitCodes.Failure);
        ResultLine("planted.unknown", "UNKNOWN").IsMatch(stdout.ToString()).ShouldBeTrue(stdout.ToString());
        stdout.ToString().ShouldContain("Z3 could not decide: timeout");
    }

    [Fact]
    public void AZ3TimeOutIsUnknownNotProved()
    {
        using var ctx = new Context();
        var x = ctx.BitVecConst("x", 128);
        var y = ctx.BitVecConst("y", 128);
        var one = ctx.BitVec(1ul, 128);
        var bound = ctx.BitVec(System.Numerics.BigInteger.One << 64, 128);
        var semiprime = System.Numerics.BigInteger.Parse("340282366920938460843936948965011886881", System.Globalization.CultureInfo.InvariantCulture);

        // "The 128-bit semiprime has no factors below 2^64": true, but far too hard for 50 ms.
        var noFactors = ctx.Not(ctx.And(
            ctx.Eq(ctx.BvMul(x, y), ctx.BitVec(semiprime, 128)),
            ctx.BvUGt(x, one),
            ctx.BvUGt(y, one),
            ctx.BvULt(x, bound),
            ctx.BvULt(y, bound)));
        Obligation.Prove(ctx, noFactors, TimeSpan.FromMilliseconds(50)).ShouldBeOfType<Verdict.Unknown>();
    }

    [Fact]
    public void AWrongUnsatCoreIsAFailure()
    {
        using var ctx = new Context();
        var p = ctx.BoolConst("p");
        var verdict = Obligation.ProveCore(ctx, [("p", p), ("not-p", ctx.Not(p)), ("irrelevant", ctx.True())], ["p", "not-p", "irrelevant"]);
        verdict.ShouldBeOfType<Verdict.Failed>().Why.ShouldContain("expected");
    }

    [Fact]
    public void AMissingLibz3SaysWhatToInstallAndExitsThree()
    {
        Obligation[] catalogue = [SmtSelfCheck.Obligations[0]];
        var stderr = new StringWriter();
        var code = ProveVerb.Run(new StringWriter(), stderr, catalogue, () => throw new Z3LibraryNotFoundException());
        code.ShouldBe(ExitCodes.MissingDependency);
        stderr.ToString().Trim().ShouldBe(
            "verified prove: libz3.so.4 was not found: install the Debian package libz3-4 (sudo apt-get install libz3-4)");
    }

    [GeneratedRegex(@"^obligation\s+result\s+ms$")]
    private static partial Regex HeaderLine();

    private static Regex ResultLine(string name, string result) => new($@"^{Regex.Escape(name)}\s+{result}\s+\d+$", RegexOptions.Multiline);
}
