using Shouldly;
using Verified.Proofs.Refinement;
using Verified.Trace;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>A directed run that hit a violation: its trace replays the same clause with the fault on, and not with it off.</summary>
internal static class PlantedReplay
{
    public static void Confirm(Workload w, string fault, string clause, ITestOutputHelper output)
    {
        var v = w.Checker!.Violation.ShouldNotBeNull($"{fault}: not caught");
        output.WriteLine(Counterexample.Render(w.Checker));
        v.Clause.ShouldBe(clause, v.Message);
        var trace = Counterexample.ToTrace(w.Checker, fault);
        TraceText.Render(trace).ShouldContain("expected vs actual:", Case.Sensitive, "the counterexample shows the difference");
        TraceJson.TryParse(TraceJson.Serialize(trace), out var parsed, out var parseError).ShouldBeTrue(parseError);
        Replayer.Replay(parsed!).ShouldBeOfType<ReplayOutcome.Reproduced>().Violation.Clause.ShouldBe(clause);
        var fixedKernel = parsed! with { InitialState = (System.Text.Json.Nodes.JsonObject)parsed.InitialState!.DeepClone() };
        fixedKernel.InitialState!["plantedFaults"] = new System.Text.Json.Nodes.JsonArray();
        Replayer.Replay(fixedKernel).ShouldBeOfType<ReplayOutcome.NotReproduced>();
    }
}
