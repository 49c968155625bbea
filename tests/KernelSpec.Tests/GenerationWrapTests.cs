using Shouldly;
using Verified.Proofs;
using Verified.Spec;
using Verified.Spec.Kernel;
using Xunit;

namespace Verified.Spec.Kernel.Tests;

/// <summary>
/// MINIX 3's grant ids carry an 11-bit sequence number that wraps. With the generation that
/// narrow and revoke bumping it modulo 2^11, Z3 finds the wrap-around: a revoked (index,
/// generation) verifies again. The spec's own revoke refuses to bump past the maximum, and that
/// obligation is proved at the same width.
/// </summary>
public sealed class GenerationWrapTests
{
    private static readonly KernelSpec Narrow = KernelSpec.Default.WithConfig(KernelConfig.Default with { GrantGenBits = 11 });
    private const string Obligation = "grant.revoke/preserves/inv.grant_revocation.revoked_below_generation";

    [Fact]
    public void Z3FindsTheWrapAroundOfAnElevenBitGeneration()
    {
        var r = BiteTests.Run(Narrow.WithOperation(Mutants.GrantRevokeWrapping), Obligation);
        var cex = r.ShouldBeOfType<ObligationResult.Counterexample>(r.Describe());
        cex.Trace.Violation!.Clause.ShouldBe("inv.grant_revocation.revoked_below_generation");
        // The pre-state's grant is at the last generation, 2^11 - 1, so the bump wraps to 0.
        var args = cex.Trace.Steps[0].Arguments!;
        var key = $"{args["owner"]}:{args["index"]}";
        ((ulong)cex.Trace.InitialState!["GrGen"]![key]!).ShouldBe((1UL << 11) - 1);
        ((ulong)cex.Trace.Steps[0].State!["GrGen"]![key]!).ShouldBe(0UL);
    }

    [Fact]
    public void TheSpecsRevokeIsProvedAtTheSameWidth() =>
        BiteTests.Run(Narrow, Obligation).ShouldBeOfType<ObligationResult.Proved>();

    [Fact]
    public void RevokingTwoToTheElevenTimesMakesTheOldGrantVerifyAgain()
    {
        var w = new World(Narrow.WithOperation(Mutants.GrantRevokeWrapping));
        var s = w.Do(w.Boot(), "cap.retype", ("ut", w.Slot(1, 1)), ("dst", w.Slot(1, 2)), ("id", w.Cap(2)), ("obj", w.Obj(50)),
            ("type", World.Type("Task")), ("size", w.Addr(64)), ("reset", BoolValue.False));
        (string, Value)[] create = [("owner", w.Obj(50)), ("index", w.GIndex(0)), ("grantee", w.Obj(60)), ("base", w.Addr(0)), ("len", w.Addr(4096)), ("access", w.Access(Access.Read))];
        var first = w.Try(s, "grant.create_direct", create);
        first.Results["generation"].ShouldBe(w.GGen(0));
        s = first.Next;
        bool Verifies(ConcreteState st) => w.Eval.SafecopyOk(st, w.Obj(60), w.Obj(50), w.GIndex(0), w.GGen(0), w.Addr(16), w.Addr(16), w.Access(Access.Read));
        Verifies(s).ShouldBeTrue();
        for (int i = 0; i < 1 << 11; i++)
        {
            var revoked = w.Try(s, "grant.revoke", ("owner", w.Obj(50)), ("index", w.GIndex(0)));
            revoked.Ok.ShouldBeTrue();
            Verifies(revoked.Next).ShouldBeFalse();
            s = w.Try(revoked.Next, "grant.create_direct", create).Next;
            if (i < (1 << 11) - 1) Verifies(s).ShouldBeFalse();
        }
        // 2^11 revocations later the entry is back at generation 0: the revoked id verifies again.
        s.Map("GrGen")[new BitVecValue(Narrow.Sorts.GrantKey.Width, 50UL << Narrow.Config.GrantIndexBits)].ShouldBe(w.GGen(0));
        Verifies(s).ShouldBeTrue();
        w.Eval.BrokenClauses(s).ShouldContain("inv.grant_revocation.revoked_never_verifies");
    }
}
