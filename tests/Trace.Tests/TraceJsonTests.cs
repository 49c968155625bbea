using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Shouldly;
using Xunit;

namespace Verified.Trace.Tests;

public sealed class TraceJsonTests
{
    internal static TraceDocument Sample() => new(
        "prove",
        new TraceSource("obligation", "cap.mint/preserves/inv.no_rights_amplification"),
        new JsonObject { ["caps"] = new JsonObject { ["3"] = new JsonObject { ["object"] = 1, ["rights"] = "r" } } },
        [
            new TraceStep(StepKinds.Operation, null, "cap.mint", new JsonObject { ["src"] = 3, ["dst"] = 4, ["rights"] = "rw" }, "ok",
                new JsonObject { ["caps"] = new JsonObject { ["3"] = new JsonObject { ["object"] = 1, ["rights"] = "r" }, ["4"] = new JsonObject { ["object"] = 1, ["rights"] = "rw" } } }),
        ],
        new TraceViolation("inv.no_rights_amplification", "inv.no_rights_amplification.edge", "cap 4 has a right its parent 3 lacks"));

    [Fact]
    public void RoundTripGivesAnEqualDocument()
    {
        var original = Sample();
        TraceJson.TryParse(TraceJson.Serialize(original), out var parsed, out var error).ShouldBeTrue(error);
        parsed.ShouldBe(original);
    }

    [Fact]
    public void DocumentsThatDifferInAStateAreNotEqual()
    {
        var a = Sample();
        var b = a with { InitialState = new JsonObject { ["caps"] = new JsonObject() } };
        a.ShouldNotBe(b);
    }

    [Fact]
    public void TheEnvelopeNamesFormatAndVersion()
    {
        var json = TraceJson.ToJson(Sample());
        json["format"]!.GetValue<string>().ShouldBe("verified-trace");
        json["version"]!.GetValue<int>().ShouldBe(1);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "a trace must be a JSON object")]
    [InlineData("{\"format\":\"other\"}", "field 'format' must be \"verified-trace\"")]
    [InlineData("{\"format\":\"verified-trace\",\"version\":7}", "version 7 is not supported")]
    [InlineData("{\"format\":\"verified-trace\",\"version\":1,\"producer\":\"p\",\"source\":{\"kind\":\"k\",\"name\":\"n\"},\"steps\":{}}", "field 'steps' must be an array")]
    [InlineData("{\"format\":\"verified-trace\",\"version\":1,\"producer\":\"p\",\"source\":{\"kind\":\"k\",\"name\":\"n\"},\"steps\":[{\"kind\":\"syscall\"}]}", "missing field 'steps[0].operation'")]
    [InlineData("{\"format\":\"verified-trace\",\"version\":1,\"producer\":\"p\",\"source\":{\"kind\":\"k\"},\"steps\":[]}", "missing field 'source.name'")]
    [InlineData("{\"format\":\"verified-trace\",\"version\":1,\"producer\":3,\"source\":{\"kind\":\"k\",\"name\":\"n\"},\"steps\":[]}", "field 'producer' must be a string")]
    public void MalformedTracesAreErrorsNotExceptions(string text, string expectedMessage)
    {
        TraceJson.TryParse(text, out var trace, out var error).ShouldBeFalse();
        trace.ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain(expectedMessage);
    }
}
