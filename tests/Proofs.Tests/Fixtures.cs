using System.Text.Json.Nodes;
using Verified.Smt;
using Verified.Trace;

namespace Verified.Proofs.Tests;

/// <summary>
/// Obligations with known answers, to drive the runner through each result. Each is a real
/// query solved by Z3; nothing here decides the outcome but the solver.
/// </summary>
internal static class Fixtures
{
    /// <summary>Valid: x &amp; y ≤ x (unsigned) for 32-bit x, y; the negation is UNSAT.</summary>
    public sealed class Valid(string name = "fixture.valid") : ProofObligation
    {
        public override string Name => name;

        public override ObligationKind Kind => ObligationKind.Lemma;

        public override string Description => "x & y <= x";

        public override void Encode(Context context, Solver solver)
        {
            var x = context.BitVecConst("x", 32);
            var y = context.BitVecConst("y", 32);
            solver.AssertAndTrack(context.Not(context.BvULe(context.BvAnd(x, y), x)), "goal:and-le");
        }

        public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;
    }

    /// <summary>Invalid: "x + 1 > x" fails at the maximum; the model is decoded into a trace naming the clause.</summary>
    public sealed class Refutable(string name = "fixture.refutable") : ProofObligation
    {
        public override string Name => name;

        public override ObligationKind Kind => ObligationKind.Preservation;

        public override string Description => "x + 1 > x (false at the wrap-around)";

        public override void Encode(Context context, Solver solver)
        {
            var x = context.BitVecConst("x", 8);
            solver.AssertAndTrack(context.Not(context.BvUGt(context.BvAdd(x, context.BitVec(1, 8)), x)), "inv.increment_grows");
        }

        public override TraceDocument? DecodeCounterexample(Context context, Model model)
        {
            var x = model.EvalUInt64(context.BitVecConst("x", 8));
            return new TraceDocument(
                TraceProducers.Prove,
                new TraceSource("obligation", Name),
                new JsonObject { ["x"] = x },
                [new TraceStep(StepKinds.Operation, null, "increment", new JsonObject { ["x"] = x }, $"{(x + 1) % 256}")],
                new TraceViolation("inv.increment_grows", "inv.increment_grows", $"x = {x}: x + 1 wraps to {(x + 1) % 256}"));
        }
    }

    /// <summary>Hard: factor a 62-bit semiprime over 64-bit vectors; far beyond a 1 ms limit.</summary>
    public sealed class Hard(string name = "fixture.hard") : ProofObligation
    {
        // 2147483647 * 2147483629, both prime.
        private const ulong Semiprime = 4611685975477714963UL;

        public override string Name => name;

        public override ObligationKind Kind => ObligationKind.Lemma;

        public override string Description => "no factorisation of a 62-bit semiprime (false, and hard)";

        public override void Encode(Context context, Solver solver)
        {
            var x = context.BitVecConst("x", 64);
            var y = context.BitVecConst("y", 64);
            var limit = context.BitVec(1UL << 32, 64);
            solver.Assert(context.BvULt(x, limit));
            solver.Assert(context.BvULt(y, limit));
            solver.Assert(context.BvUGt(x, context.BitVec(1, 64)));
            solver.Assert(context.BvUGt(y, context.BitVec(1, 64)));
            solver.AssertAndTrack(context.Eq(context.BvMul(x, y), context.BitVec(Semiprime, 64)), "goal:factor");
        }

        public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;
    }

    /// <summary>
    /// The hard query (times out), with a second search that answers <paramref name="answer"/> after
    /// running one trivial check through the runner's check function.
    /// </summary>
    public sealed class HardWithSecondSearch(SecondSearchResult answer, bool expectSat, string name = "fixture.hard-second") : ProofObligation
    {
        private readonly Hard hard = new(name);

        public override string Name => name;

        public override ObligationKind Kind => ObligationKind.Lemma;

        public override bool ExpectSat => expectSat;

        public override string Description => "the hard query, then a scripted second search";

        public override void Encode(Context context, Solver solver) => hard.Encode(context, solver);

        public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;

        public override SecondSearchResult? SearchAfterUnknown(Context context, Func<Solver, SolverOutcome> check)
        {
            using var solver = context.Solver();
            solver.Assert(context.True());
            return check(solver) is SolverOutcome.Sat sat ? Dispose(sat, answer) : new SecondSearchResult.Inconclusive("the trivial check was not SAT");
        }

        private static SecondSearchResult Dispose(SolverOutcome.Sat sat, SecondSearchResult answer)
        {
            sat.Model.Dispose();
            return answer;
        }
    }

    /// <summary>Broken encoding: compares an 8-bit and a 16-bit vector; Z3 rejects the sort mismatch.</summary>
    public sealed class Broken(string name = "fixture.broken") : ProofObligation
    {
        public override string Name => name;

        public override ObligationKind Kind => ObligationKind.Init;

        public override string Description => "an ill-sorted encoding";

        public override void Encode(Context context, Solver solver) =>
            solver.Assert(context.Eq(context.BitVecConst("a", 8), context.BitVecConst("b", 16)));

        public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;
    }

    /// <summary>Vacuity companion with contradictory premises: ExpectSat, but UNSAT with a two-clause core.</summary>
    public sealed class VacuousPremises(string name = "fixture.vacuous") : ProofObligation
    {
        public override string Name => name;

        public override ObligationKind Kind => ObligationKind.Vacuity;

        public override string Description => "premises a < 3 and a > 5 (contradictory)";

        public override void Encode(Context context, Solver solver)
        {
            var a = context.BitVecConst("a", 8);
            var b = context.BitVecConst("b", 8);
            solver.AssertAndTrack(context.BvULt(a, context.BitVec(3, 8)), "pre:a<3");
            solver.AssertAndTrack(context.BvULt(b, context.BitVec(3, 8)), "pre:b<3");
            solver.AssertAndTrack(context.BvUGt(a, context.BitVec(5, 8)), "pre:a>5");
        }

        public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;
    }

    /// <summary>Vacuity companion with satisfiable premises: proved.</summary>
    public sealed class SatisfiablePremises(string name = "fixture.satisfiable") : ProofObligation
    {
        public override string Name => name;

        public override ObligationKind Kind => ObligationKind.Vacuity;

        public override string Description => "premise a < 3";

        public override void Encode(Context context, Solver solver) =>
            solver.AssertAndTrack(context.BvULt(context.BitVecConst("a", 8), context.BitVec(3, 8)), "pre:a<3");

        public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;
    }

    /// <summary>UNSAT, but expects a core naming the irrelevant clause: the proof must be rejected.</summary>
    public sealed class WrongCoreExpectation : ProofObligation
    {
        public override string Name => "fixture.wrong-core";

        public override ObligationKind Kind => ObligationKind.SelfCheck;

        public override string Description => "a < 3 and a > 5, expecting the core {b<3}";

        public override void Encode(Context context, Solver solver) => new VacuousPremises().Encode(context, solver);

        public override string? RejectUnsatCore(IReadOnlyList<string> core) =>
            core.SequenceEqual(["pre:b<3"]) ? null : $"core {string.Join(", ", core)} is not {{pre:b<3}}";

        public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;
    }
}
