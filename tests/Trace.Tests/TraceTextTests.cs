using System.Text.Json.Nodes;
using Shouldly;
using Xunit;

namespace Verified.Trace.Tests;

public sealed class TraceTextTests
{
    [Fact]
    public void RenderingOfACounterexampleMatchesTheApprovedText()
    {
        TraceText.Render(TraceJsonTests.Sample()).ShouldMatchApproved(c => c.NoDiff().WithDiscriminator("counterexample"));
    }

    [Fact]
    public void RenderingOfAMachineRunNamesItsImagesAndWhereItBroke()
    {
        TraceText.Render(TraceJsonTests.MachineSample()).ShouldMatchApproved(c => c.NoDiff().WithDiscriminator("machine"));
    }

    [Fact]
    public void RenderingOfARefinementMismatchShowsOnlyTheDifferences()
    {
        var trace = new TraceDocument(
            "refinement",
            new TraceSource("scenario", "revoke-with-grandchildren"),
            null,
            [new TraceStep(StepKinds.Syscall, "task 2", "cnode_revoke", new JsonObject { ["slot"] = 5 }, "0")],
            new TraceViolation(
                "refinement",
                "caps",
                "the kernel's post-state differs from the specification's",
                Expected: new JsonObject { ["caps"] = new JsonObject { ["5"] = "frame#1 rw" }, ["tasks"] = 1 },
                Actual: new JsonObject { ["caps"] = new JsonObject { ["5"] = "frame#1 rw", ["9"] = "frame#1 r" }, ["tasks"] = 1 }));
        TraceText.Render(trace).ShouldMatchApproved(c => c.NoDiff().WithDiscriminator("mismatch"));
    }

    [Fact]
    public void DiffListsEachDifferingLeafByPath()
    {
        var expected = new JsonObject { ["a"] = 1, ["b"] = new JsonObject { ["c"] = "x", ["d"] = true } };
        var actual = new JsonObject { ["a"] = 1, ["b"] = new JsonObject { ["c"] = "y" }, ["e"] = 2 };
        StateDiff.Differences(expected, actual).ShouldBe(
        [
            "b.c: expected \"x\", actual \"y\"",
            "b.d: expected true, actual absent",
            "e: expected absent, actual 2",
        ]);
    }

    [Fact]
    public void EqualStatesHaveNoDifferences()
    {
        StateDiff.Differences(new JsonObject { ["a"] = new JsonArray(1, 2) }, new JsonObject { ["a"] = new JsonArray(1, 2) }).ShouldBeEmpty();
    }
}
