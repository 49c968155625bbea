using Shouldly;
using Verified.Kernel;
using Verified.Proofs.Refinement;
using Verified.Trace;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// Each planted kernel bug is caught by the checker on random sequences, shrunk to a minimal
/// sequence, written as a trace, read back, and replayed: the replay reproduces the same
/// violation with the fault on, and does not with the fault off.
/// </summary>
public sealed class PlantedBugTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, ActionKind[]> Bugs => new()
    {
        { nameof(PlantedFaults.MintKeepsRights), "cap.mint.state", [ActionKind.Mint, ActionKind.Delete] },
        { nameof(PlantedFaults.CopyForgetsDerivationEdge), "cap.mint.state", [ActionKind.Copy, ActionKind.Delete] },
        { nameof(PlantedFaults.RevokeMissesGrandchildren), "cap.revoke_step.status", [ActionKind.Copy, ActionKind.Copy, ActionKind.Revoke] },
        { nameof(PlantedFaults.DeleteLastLeavesObjectAlive), "cap.delete.state", [ActionKind.Delete, ActionKind.Move] },
        { nameof(PlantedFaults.GrantRevokeKeepsGeneration), "grant.revoke.state", [ActionKind.GrantCreate, ActionKind.GrantRevoke] },
        { nameof(PlantedFaults.RevokeMissesInFlight), "cap.revoke.done", [ActionKind.Send, ActionKind.Revoke] },
        { nameof(PlantedFaults.TransferWithoutGrant), "ipc.transfer.status", [ActionKind.Send, ActionKind.Recv] },
        { nameof(PlantedFaults.MutateIgnoresChildren), "cap.mutate.status", [ActionKind.Copy, ActionKind.Mutate] },
        { nameof(PlantedFaults.DeleteLiftsChildren), "cap.delete.status", [ActionKind.Copy, ActionKind.Delete] },
        { nameof(PlantedFaults.DestroyLeavesCapabilities), "task.destroy.state", [ActionKind.Copy, ActionKind.TaskDestroy] },
        // Faults in syscalls checked as stutter steps or task.suspend / task.configure.
        // (SignalClearsBadge needs a badged notification capability in a root slot the signal names: directed, StutterTests.)
        { nameof(PlantedFaults.FrameMapStoresMappingRights), "stutter.FrameMap.state", [ActionKind.Frame, ActionKind.Yield] },
        { nameof(PlantedFaults.YieldDeactivates), "stutter.Yield.state", [ActionKind.Yield, ActionKind.Copy] },
        { nameof(PlantedFaults.SuspendSkipsReadyTask), "task.suspend.state", [ActionKind.Suspend, ActionKind.Copy] },
        { nameof(PlantedFaults.ConfigureKeepsFaultEndpoint), "task.configure.state", [ActionKind.Configure, ActionKind.Copy] },
    };

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Planted_bug_is_caught_shrunk_and_replayed(string fault, string clause, ActionKind[] kinds) => CaughtShrunkAndReplayed(fault, clause, kinds, tests: 60, maxLength: 16);

    // A fault sent to a stale fault endpoint needs four actions in order (configure the endpoint,
    // delete its last capability, retype an endpoint that reuses its index, the task's fault): rarer
    // in random sequences than the two-action bugs above, so longer sequences are tried.
    [Fact]
    public void Planted_fault_delivery_to_a_stale_endpoint_is_caught_shrunk_and_replayed() =>
        CaughtShrunkAndReplayed(nameof(PlantedFaults.FaultIgnoresEndpointGeneration), "task.crash.delivered",
            [ActionKind.Configure, ActionKind.Delete, ActionKind.RetypeEndpoint, ActionKind.Fault], tests: 200, maxLength: 40);

    private void CaughtShrunkAndReplayed(string fault, string clause, ActionKind[] kinds, int tests, int maxLength)
    {
        var faults = PlantedFaultNames.FromNames([fault], out var error).ShouldNotBeNull(error);
        var r = RefinementProperty.Run(kinds, faults, tests, maxLength, seed: 7);
        r.Minimal.ShouldNotBeNull($"{fault}: not caught in {r.Sequences} sequences ({r.Syscalls} syscalls)");
        var first = new Workload(faults, check: true);
        first.Run(r.Minimal);
        output.WriteLine(Counterexample.Render(first.Checker!));
        r.Violation!.Clause.ShouldBe(clause, r.Violation.Message);

        // Minimal: dropping any single action loses the violation.
        for (var i = 0; i < r.Minimal.Length; i++)
        {
            new Workload(faults, check: true).Run([.. r.Minimal[..i], .. r.Minimal[(i + 1)..]]).ShouldBeNull($"action {i} of the shrunk sequence is not needed");
        }

        var w = new Workload(faults, check: true);
        w.Run(r.Minimal).ShouldNotBeNull();
        var trace = Counterexample.ToTrace(w.Checker!, fault);
        var text = TraceText.Render(trace);
        output.WriteLine(text);
        text.ShouldContain("expected vs actual:", Case.Sensitive, "the counterexample shows the difference");
        TraceJson.TryParse(TraceJson.Serialize(trace), out var parsed, out var parseError).ShouldBeTrue(parseError);

        var replayed = Replayer.Replay(parsed!);
        replayed.ShouldBeOfType<ReplayOutcome.Reproduced>().Violation.Clause.ShouldBe(clause);

        var fixedKernel = parsed! with { InitialState = (System.Text.Json.Nodes.JsonObject)parsed.InitialState!.DeepClone() };
        fixedKernel.InitialState!["plantedFaults"] = new System.Text.Json.Nodes.JsonArray();
        Replayer.Replay(fixedKernel).ShouldBeOfType<ReplayOutcome.NotReproduced>();
    }
}
