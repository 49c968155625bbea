using System.Text.Json.Nodes;
using Shouldly;
using Verified.Kernel;
using Verified.Proofs.Refinement;
using Verified.Trace;
using Xunit;

namespace Verified.Cli.Tests;

public sealed class ReplayVerbTests
{
    // Mint from the endpoint capability (window slot 3) into the second CNode with rights 1.
    private static readonly WorkAction[] MintWithMask = [new(ActionKind.Mint, 0, 3, 10, 1, 0)];

    // The workload's set-up syscalls come first in the trace; the mint is the step after them.
    private static int MintStep => new Workload(null, check: true).Checker!.Steps.Count + 1;

    private static (int Code, string Out, string Err) Replay(string json) => ReplayRun.Text(json);

    private static TraceDocument Counterexample_()
    {
        var w = new Workload(new PlantedFaults { MintKeepsRights = true }, check: true);
        w.Run(MintWithMask).ShouldNotBeNull();
        return Counterexample.ToTrace(w.Checker!, "mint keeps rights");
    }

    [Fact]
    public void Reproduced_violation_exits_1()
    {
        var (code, stdout, _) = Replay(TraceJson.Serialize(Counterexample_()));
        code.ShouldBe(1);
        stdout.ShouldContain($"reproduced at step {MintStep}: refinement / cap.mint.state");
    }

    [Fact]
    public void Trace_that_no_longer_fails_exits_0()
    {
        var trace = Counterexample_();
        var initial = (JsonObject)trace.InitialState!.DeepClone();
        initial["plantedFaults"] = new JsonArray();
        var (code, stdout, _) = Replay(TraceJson.Serialize(trace with { InitialState = initial }));
        code.ShouldBe(0);
        stdout.ShouldContain($"not reproduced: all {MintStep} steps pass the checker");
    }

    [Fact]
    public void Bad_input_exits_2()
    {
        Replay("{ not json").Code.ShouldBe(2);
        var trace = Counterexample_();
        var initial = (JsonObject)trace.InitialState!.DeepClone();
        initial["plantedFaults"] = new JsonArray("NoSuchFault");
        var (code, _, stderr) = Replay(TraceJson.Serialize(trace with { InitialState = initial }));
        code.ShouldBe(2);
        stderr.ShouldContain("unknown planted fault 'NoSuchFault'");
    }
}
