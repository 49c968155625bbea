using Shouldly;
using Xunit;

namespace Verified.Proofs.Tests;

public sealed class RunnerTests
{
    private static ProveReport Run(int jobs, int timeoutMs, params ProofObligation[] obligations) =>
        new ObligationRunner(new RunnerOptions { Jobs = jobs, Timeout = TimeSpan.FromMilliseconds(timeoutMs) }).Run(obligations);

    [Fact]
    public void AValidObligationIsProved()
    {
        var report = Run(1, 10_000, new Fixtures.Valid());

        report.Results.Single().ShouldBeOfType<ObligationResult.Proved>().Name.ShouldBe("fixture.valid");
        report.AllProved.ShouldBeTrue();
    }

    [Fact]
    public void ASatisfiableNegatedGoalIsACounterexampleDecodedFromTheModel()
    {
        var report = Run(1, 10_000, new Fixtures.Refutable());

        var counterexample = report.Results.Single().ShouldBeOfType<ObligationResult.Counterexample>();
        counterexample.Trace.Violation!.Clause.ShouldBe("inv.increment_grows");
        // The only wrap-around of x + 1 > x over 8 bits is x = 255.
        counterexample.Trace.InitialState!["x"]!.GetValue<ulong>().ShouldBe(255UL);
        counterexample.Text.ShouldContain("x = 255: x + 1 wraps to 0");
        report.Failed.ShouldBe(1);
    }

    [Fact]
    public void ATimeOutIsUnknownAndCountsAsAFailure()
    {
        var report = Run(1, 1, new Fixtures.Hard());

        var unknown = report.Results.Single().ShouldBeOfType<ObligationResult.Unknown>();
        unknown.Reason.ShouldContain("timeout");
        report.AllProved.ShouldBeFalse();
        report.Failed.ShouldBe(1);
    }

    [Fact]
    public void ASecondSearchTurnsUnknownIntoACounterexampleOrAWitnessButNeverProvesAnUnsatObligation()
    {
        var trace = new Verified.Trace.TraceDocument(TraceProducers.Prove, new Verified.Trace.TraceSource("obligation", "f"), null, [],
            new Verified.Trace.TraceViolation("p", "p.c", "found later"));
        // 200 ms: the hard query times out, the second search's trivial check does not.
        var report = Run(1, 200,
            new Fixtures.HardWithSecondSearch(new SecondSearchResult.Found(trace), expectSat: false, "found"),
            new Fixtures.HardWithSecondSearch(new SecondSearchResult.Satisfied("a model"), expectSat: false, "satisfied-unsat"),
            new Fixtures.HardWithSecondSearch(new SecondSearchResult.Inconclusive("nothing at narrow widths"), expectSat: false, "inconclusive"),
            new Fixtures.HardWithSecondSearch(new SecondSearchResult.Satisfied("a model"), expectSat: true, "satisfied-sat"),
            new Fixtures.HardWithSecondSearch(new SecondSearchResult.Found(trace), expectSat: true, "found-sat"));

        report.Results[0].ShouldBeOfType<ObligationResult.Counterexample>().Trace.ShouldBe(trace);
        report.Results[1].ShouldBeOfType<ObligationResult.Error>().Message.ShouldContain("expects UNSAT");
        var unknown = report.Results[2].ShouldBeOfType<ObligationResult.Unknown>();
        unknown.Reason.ShouldContain("timeout");
        unknown.Reason.ShouldContain("nothing at narrow widths");
        report.Results[3].ShouldBeOfType<ObligationResult.Proved>().Witness.ShouldBe("a model");
        report.Results[4].ShouldBeOfType<ObligationResult.Error>();
        report.Proved.ShouldBe(1);
    }

    [Fact]
    public void TheWallClockGuardInterruptsACheckThatOutlivesIt()
    {
        // Z3's own limit is a minute; only the guard can stop the check this early.
        var options = new RunnerOptions { Jobs = 1, Timeout = TimeSpan.FromMinutes(1), WallClockGuard = TimeSpan.FromMilliseconds(300) };
        var report = new ObligationRunner(options).Run([new Fixtures.Hard()]);

        report.Results.Single().ShouldBeOfType<ObligationResult.Unknown>().Reason.ShouldContain("wall-clock guard");
        report.Results.Single().Milliseconds.ShouldBeLessThan(5_000);
    }

    [Fact]
    public void AnEncodingErrorIsAnErrorResultAndTheRunGoesOn()
    {
        var report = Run(1, 10_000, new Fixtures.Broken(), new Fixtures.Valid());

        var error = report.Results[0].ShouldBeOfType<ObligationResult.Error>();
        error.Message.ShouldContain("Z3Exception");
        report.Results[1].ShouldBeOfType<ObligationResult.Proved>();
    }

    [Fact]
    public void AVacuityCompanionNeedsSatisfiablePremises()
    {
        var report = Run(1, 10_000, new Fixtures.SatisfiablePremises(), new Fixtures.VacuousPremises());

        report.Results[0].ShouldBeOfType<ObligationResult.Proved>();
        var vacuous = report.Results[1].ShouldBeOfType<ObligationResult.Counterexample>();
        vacuous.Trace.Violation!.Clause!.Split(", ").Order().ShouldBe(["pre:a<3", "pre:a>5"]);
    }

    [Fact]
    public void AProofWhoseCoreIsRejectedIsAnError()
    {
        var report = Run(1, 10_000, new Fixtures.WrongCoreExpectation());

        report.Results.Single().ShouldBeOfType<ObligationResult.Error>().Message
            .ShouldBe("UNSAT, but the proof is rejected: core pre:a<3, pre:a>5 is not {pre:b<3}");
    }

    [Fact]
    public void TheSelfChecksAreProved()
    {
        var report = Run(2, 10_000, [.. SelfCheckObligations.All]);

        report.Results.ShouldAllBe(r => r is ObligationResult.Proved);
        report.Results.Single(r => r.Name == "smt.selfcheck.model-square-root").Describe().ShouldBe("model x = 7");
    }

    [Fact]
    public void ManyJobsGiveTheSameResultsInTheSameOrderAsOne()
    {
        var obligations = Enumerable.Range(0, 6).SelectMany(i => new ProofObligation[]
        {
            new Fixtures.Valid($"valid.{i}"),
            new Fixtures.Refutable($"refutable.{i}"),
            new Fixtures.Broken($"broken.{i}"),
            new Fixtures.VacuousPremises($"vacuous.{i}"),
            new Fixtures.SatisfiablePremises($"satisfiable.{i}"),
        }).ToArray();

        var sequential = Run(1, 10_000, obligations);
        var parallel = Run(4, 10_000, obligations);

        static object Outcome(ObligationResult r) => r switch
        {
            ObligationResult.Counterexample c => (r.Name, r.Status, c.Text),
            _ => (r.Name, r.Status, r.Describe()),
        };
        parallel.Results.Select(Outcome).ShouldBe(sequential.Results.Select(Outcome));
        sequential.Results.Select(r => r.Name).ShouldBe(obligations.Select(o => o.Name));
    }

    [Fact]
    public void ProgressReportsEachStartAndFinish()
    {
        var events = new System.Collections.Concurrent.ConcurrentQueue<ObligationEvent>();
        var progress = new SynchronousProgress(events.Enqueue);
        new ObligationRunner(new RunnerOptions { Jobs = 2 }).Run([new Fixtures.Valid("a"), new Fixtures.Valid("b"), new Fixtures.Refutable("c")], progress);

        events.OfType<ObligationEvent.Started>().Select(e => e.Name).Order().ShouldBe(["a", "b", "c"]);
        events.OfType<ObligationEvent.Finished>().Select(e => e.Completed).Order().ShouldBe([1, 2, 3]);
        events.OfType<ObligationEvent.Finished>().ShouldAllBe(e => e.Total == 3);
    }

    [Fact]
    public void DuplicateNamesAreRejectedWithAMessage()
    {
        var e = Should.Throw<ArgumentException>(() => Run(1, 1000, new Fixtures.Valid("same"), new Fixtures.Refutable("same")));
        e.Message.ShouldContain("'same'");
    }

    [Fact]
    public void CancellationMakesTheRestUnknown()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var report = new ObligationRunner(new RunnerOptions { Jobs = 1 }).Run([new Fixtures.Valid()], null, cancel.Token);

        report.Results.Single().ShouldBeOfType<ObligationResult.Unknown>().Reason.ShouldContain("canceled");
    }

    private sealed class SynchronousProgress(Action<ObligationEvent> report) : IProgress<ObligationEvent>
    {
        public void Report(ObligationEvent value) => report(value);
    }
}
