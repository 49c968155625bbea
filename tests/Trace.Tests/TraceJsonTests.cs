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
        json["version"]!.GetValue<int>().ShouldBe(2);
    }

    private static readonly byte[] Elf = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0xAB];

    internal static TraceDocument MachineSample() => Sample() with
    {
        Machine = new TraceMachine([new TraceImage("root.elf", [.. Elf]), new TraceImage("seed", [1, 2, 3])], 16 << 20, 500, 20_000, 4, 16,
            ["MintKeepsRights"], 1, 1_240_000, "machine fuzz, seed 0xc0ffee"), // step 1: the sample's one recorded step
    };

    [Fact]
    public void AMachineSectionRoundTripsWithItsImagesByValue()
    {
        var original = MachineSample();
        var text = TraceJson.Serialize(original);
        TraceJson.TryLoad(text, out var parsed, out var failure).ShouldBeTrue(failure?.Detail);
        parsed.ShouldBe(original);
        parsed.Machine!.Images[0].Bytes.ShouldBe(Elf);
        // The SHA-256 of the bytes, as `sha256sum` prints it.
        JsonNode.Parse(text)!["machine"]!["images"]![0]!["sha256"]!.GetValue<string>()
            .ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Elf)));
        original.ShouldNotBe(original with { Machine = original.Machine! with { Images = [new TraceImage("root.elf", [.. Elf[..^1], 0xAC])] } });
    }

    [Fact]
    public void AVersionOneTraceWithoutAMachineStillReads()
    {
        var json = TraceJson.ToJson(Sample());
        json["version"] = 1;
        json.Remove("machine");
        TraceJson.TryLoad(json.ToJsonString(), out var parsed, out var failure).ShouldBeTrue(failure?.Detail);
        parsed.ShouldBe(Sample());
    }

    [Fact]
    public void AnAlteredImageIsMalformedNamingTheImageAndBothHashes()
    {
        var json = TraceJson.ToJson(MachineSample());
        var image = json["machine"]!["images"]![0]!;
        var recorded = image["sha256"]!.GetValue<string>();
        image["base64"] = Convert.ToBase64String([.. Elf[..^1], 0xAC]);
        TraceJson.TryLoad(json.ToJsonString(), out var trace, out var failure).ShouldBeFalse();
        trace.ShouldBeNull();
        failure!.Error.ShouldBe(TraceReadError.Malformed);
        failure.Detail.ShouldContain("image 'root.elf'");
        failure.Detail.ShouldContain(recorded);
        failure.Detail.ShouldContain("was altered after recording");
    }

    /// <summary>
    /// A trace is untrusted input: 3,000 random corruptions of a machine trace (truncation, a
    /// character replaced, deleted or duplicated, a value swapped for another JSON value) are each
    /// read to an error or a document, never a host exception.
    /// </summary>
    [Fact]
    public void RandomCorruptionsOfAMachineTraceNeverThrow()
    {
        var text = TraceJson.Serialize(MachineSample());
        var random = new Random(20261121);
        string[] values = ["null", "-1", "1e400", "\"x\"", "[]", "{}", "true", "18446744073709551616", "\"\\ud800\""];
        var (read, refused) = (0, 0);
        for (var i = 0; i < 3_000; i++)
        {
            var at = random.Next(text.Length);
            var mutated = (i % 5) switch
            {
                0 => text[..at],
                1 => text[..at] + (char)random.Next(32, 127) + text[(at + 1)..],
                2 => text.Remove(at, 1),
                3 => text.Insert(at, text[at].ToString()),
                _ => ReplaceValue(text, at, values[random.Next(values.Length)]),
            };
            if (TraceJson.TryLoad(mutated, out var trace, out var failure)) read++;
            else
            {
                refused++;
                failure.Detail.ShouldNotBeNullOrWhiteSpace();
                trace.ShouldBeNull();
            }
        }

        refused.ShouldBeGreaterThan(1_000, "most corruptions break the trace");
        read.ShouldBeGreaterThan(0, "some corruptions leave a readable trace (e.g. a changed origin or message)");
    }

    // Replaces the JSON value after the first ':' at or after a position with another value.
    private static string ReplaceValue(string text, int at, string value)
    {
        var colon = text.IndexOf(':', at);
        if (colon < 0) return text;
        var end = text.IndexOfAny([',', '\n', '}', ']'], colon + 1);
        return end < 0 ? text : text[..(colon + 1)] + " " + value + text[end..];
    }

    [Theory]
    [InlineData("version", "9", TraceReadError.UnsupportedVersion, "trace format version 9 is not supported (this build reads versions 1 to 2)")]
    [InlineData("version", "0", TraceReadError.UnsupportedVersion, "version 0 is not supported")]
    [InlineData("version", "1", TraceReadError.Malformed, "field 'machine' exists from trace format version 2 on")]
    [InlineData("version", "1.5", TraceReadError.Malformed, "field 'version' must be an integer")]
    [InlineData("machine", "[]", TraceReadError.Malformed, "field 'machine' must be an object")]
    public void EnvelopeDefectsHaveTheirDefinedError(string field, string value, TraceReadError error, string message)
    {
        var json = TraceJson.ToJson(MachineSample());
        json[field] = JsonNode.Parse(value);
        TraceJson.TryLoad(json.ToJsonString(), out _, out var failure).ShouldBeFalse();
        failure!.Error.ShouldBe(error);
        failure.Detail.ShouldContain(message);
    }

    [Theory]
    [InlineData("seeds", "1", "unknown field 'machine.seeds'")]
    [InlineData("step", "-1", "field 'machine.step' must be in [0,")]
    [InlineData("step", "1e30", "field 'machine.step' must be an integer")]
    [InlineData("step", "2", "field 'machine.step' is 2, beyond the 1 syscall steps the trace records")]
    [InlineData("instructions", "100000000001", "field 'machine.instructions' must be in [0, 100000000000]")]
    [InlineData("timeSlice", "0", "field 'machine.timeSlice' must be in [1,")]
    [InlineData("memoryBytes", null, "missing field 'machine.memoryBytes'")]
    [InlineData("plantedFaults", "[3]", "field 'machine.plantedFaults[0]' must be a string")]
    [InlineData("images", "[{\"name\":\"a\",\"sha256\":\"00\",\"base64\":\"!!\"}]", "field 'machine.images[0].base64' (a) is not valid base64")]
    [InlineData("images", "[{\"name\":\"a\",\"sha256\":\"00\",\"base64\":\"AA==\",\"size\":1}]", "unknown field 'machine.images[0].size'")]
    [InlineData("images", "[7]", "field 'machine.images[0]' must be an object")]
    public void MachineSectionDefectsAreMalformedNamingTheField(string field, string? value, string message)
    {
        var json = TraceJson.ToJson(MachineSample());
        var machine = json["machine"]!.AsObject();
        if (value is null) machine.Remove(field);
        else machine[field] = JsonNode.Parse(value);
        TraceJson.TryLoad(json.ToJsonString(), out var trace, out var failure).ShouldBeFalse();
        trace.ShouldBeNull();
        failure!.Error.ShouldBe(TraceReadError.Malformed);
        failure.Detail.ShouldContain(message);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "a trace must be a JSON object")]
    [InlineData("{\"format\":\"other\"}", "field 'format' must be \"verified-trace\"")]
    [InlineData("{\"format\":\"verified-trace\",\"version\":7}", "version 7 is not supported")]
    [InlineData("{\"format\":\"verified-trace\",\"version\":1,\"producer\":\"p\",\"source\":{\"kind\":\"k\",\"name\":\"n\"},\"steps\":{}}", "field 'steps' must be an array")]
    [InlineData("{\"format\":\"verified-trace\",\"version\":1,\"producer\":\"p\",\"source\":{\"kind\":\"k\",\"name\":\"n\"},\"steps\":[{\"kind\":\"syscall\"}]}", "missing field 'steps[0].operation'")]
    [InlineData("{\"format\":\"verified-trace\",\"version\":1,\"producer\":\"p\",\"source\":{\"kind\":\"k\"},\"steps\":[]}", "missing field 'source.name'")]
    [InlineData("{\"format\":\"verified-trace\",\"format\":\"x\"}", "not valid JSON: Duplicate")]
    [InlineData("{\"format\":\"verified-trace\",\"version\":2,\"producer\":\"p\\ud800\"}", "$.producer: a string escapes a lone surrogate")]
    [InlineData("{\"format\":\"verified-trace\",\"initialState\":{\"a\":[1,\"\\udc00x\"]}}", "$.initialState.a[1]: a string escapes a lone surrogate")]
    [InlineData("{\"format\":\"verified-trace\",\"initialState\":{\"\\ud800\":1}}", "missing low surrogate")]
    [InlineData("{\"format\":\"verified-trace\",\"version\":2,\"producer\":\"p\",\"source\":{\"kind\":\"k\",\"name\":\"n\"},\"steps\":[],\"machine\":{\"step\":1,\"step\":2}}", "not valid JSON: Duplicate")]
    [InlineData("{\"format\":\"verified-trace\",\"version\":1,\"producer\":3,\"source\":{\"kind\":\"k\",\"name\":\"n\"},\"steps\":[]}", "field 'producer' must be a string")]
    public void MalformedTracesAreErrorsNotExceptions(string text, string expectedMessage)
    {
        TraceJson.TryParse(text, out var trace, out var error).ShouldBeFalse();
        trace.ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain(expectedMessage);
    }
}
