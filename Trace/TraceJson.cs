using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Verified.Trace;

/// <summary>
/// Reads and writes <see cref="TraceDocument"/> as JSON. Reading is of untrusted files (a trace
/// handed to <c>verified replay</c>): every defect is reported as an error message naming the
/// field, never as an exception.
/// </summary>
public static class TraceJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    // A duplicate property is refused while parsing: JsonObject would otherwise throw a host
    // exception (ArgumentException) the first time the object is read.
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    public static JsonObject ToJson(TraceDocument trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var steps = new JsonArray();
        foreach (var step in trace.Steps)
        {
            steps.Add(new JsonObject
            {
                ["kind"] = step.Kind,
                ["actor"] = step.Actor,
                ["operation"] = step.Operation,
                ["arguments"] = step.Arguments?.DeepClone(),
                ["result"] = step.Result,
                ["state"] = step.State?.DeepClone(),
            });
        }

        return new JsonObject
        {
            ["format"] = TraceDocument.FormatName,
            ["version"] = TraceDocument.CurrentVersion,
            ["producer"] = trace.Producer,
            ["source"] = new JsonObject
            {
                ["kind"] = trace.Source.Kind,
                ["name"] = trace.Source.Name,
                ["file"] = trace.Source.File,
            },
            ["initialState"] = trace.InitialState?.DeepClone(),
            ["steps"] = steps,
            ["violation"] = trace.Violation is null ? null : new JsonObject
            {
                ["property"] = trace.Violation.Property,
                ["clause"] = trace.Violation.Clause,
                ["message"] = trace.Violation.Message,
                ["expected"] = trace.Violation.Expected?.DeepClone(),
                ["actual"] = trace.Violation.Actual?.DeepClone(),
            },
            ["machine"] = trace.Machine is null ? null : TraceMachineJson.Write(trace.Machine),
        };
    }

    public static string Serialize(TraceDocument trace) => ToJson(trace).ToJsonString(Indented);

    public static bool TryParse(string text, [NotNullWhen(true)] out TraceDocument? trace, [NotNullWhen(false)] out string? error)
    {
        var ok = TryLoad(text, out trace, out var failure);
        error = failure?.Detail;
        return ok;
    }

    /// <summary>Parses a trace; a defect is a <see cref="TraceReadFailure"/> (Malformed or UnsupportedVersion), never an exception.</summary>
    public static bool TryLoad(string text, [NotNullWhen(true)] out TraceDocument? trace, [NotNullWhen(false)] out TraceReadFailure? failure)
    {
        ArgumentNullException.ThrowIfNull(text);
        trace = null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: Strict);
        }
        catch (JsonException e)
        {
            failure = new TraceReadFailure(TraceReadError.Malformed, $"not valid JSON: {e.Message}");
            return false;
        }
        catch (InvalidOperationException e)
        {
            // The duplicate-property check decodes property names while parsing, and a name escaping a
            // lone surrogate throws this rather than a JsonException. Parsing is a function of the text alone.
            failure = new TraceReadFailure(TraceReadError.Malformed, $"not valid JSON text: {e.Message}");
            return false;
        }

        if (root is not JsonObject obj)
        {
            failure = new TraceReadFailure(TraceReadError.Malformed, "a trace must be a JSON object");
            return false;
        }

        if (UnreadableString(obj) is { } where)
        {
            failure = new TraceReadFailure(TraceReadError.Malformed, $"{where}: a string escapes a lone surrogate (\\uD800-\\uDFFF without its pair), which is not text");
            return false;
        }

        return TryLoad(obj, out trace, out failure);
    }

    // System.Text.Json parses an escaped lone surrogate ("\ud800") but throws
    // InvalidOperationException when the string (value or property name) is first read. Every
    // string is read once here, so that defect is an error message rather than a host exception
    // at some later read. Returns the path of the first such string, or null. Depth is bounded by
    // the parser's maximum depth (64).
    private static string? UnreadableString(JsonNode node, string path = "$")
    {
        try
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, child) in o)
                    {
                        if (child is not null && UnreadableString(child, $"{path}.{key}") is { } inner) return inner;
                    }

                    return null;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        if (a[i] is { } child && UnreadableString(child, $"{path}[{i}]") is { } inner) return inner;
                    }

                    return null;
                default:
                    _ = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
                    return null;
            }
        }
        catch (InvalidOperationException)
        {
            return path;
        }
    }

    public static bool TryRead(JsonObject obj, [NotNullWhen(true)] out TraceDocument? trace, [NotNullWhen(false)] out string? error)
    {
        var ok = TryLoad(obj, out trace, out var failure);
        error = failure?.Detail;
        return ok;
    }

    /// <summary>Reads a parsed trace; a defect is a <see cref="TraceReadFailure"/> (Malformed or UnsupportedVersion), never an exception.</summary>
    public static bool TryLoad(JsonObject obj, [NotNullWhen(true)] out TraceDocument? trace, [NotNullWhen(false)] out TraceReadFailure? failure)
    {
        ArgumentNullException.ThrowIfNull(obj);
        trace = null;
        var reader = new FieldReader();
        if (reader.String(obj, "format", required: true) != TraceDocument.FormatName && reader.Error is null)
        {
            reader.Fail($"field 'format' must be \"{TraceDocument.FormatName}\"");
        }

        var version = reader.Int(obj, "version");
        if (reader.Error is null && version is < TraceDocument.OldestReadableVersion or > TraceDocument.CurrentVersion)
        {
            reader.Fail(
                $"trace format version {version} is not supported (this build reads versions {TraceDocument.OldestReadableVersion} to {TraceDocument.CurrentVersion})",
                TraceReadError.UnsupportedVersion);
        }

        var producer = reader.String(obj, "producer", required: true);
        var sourceObj = reader.Object(obj, "source", required: true);
        var source = sourceObj is null
            ? null
            : new TraceSource(
                reader.String(sourceObj, "kind", required: true, path: "source.") ?? "",
                reader.String(sourceObj, "name", required: true, path: "source.") ?? "",
                reader.String(sourceObj, "file", required: false, path: "source."));
        var initial = reader.Object(obj, "initialState", required: false);
        var steps = ImmutableArray.CreateBuilder<TraceStep>();
        if (obj["steps"] is JsonArray stepArray)
        {
            for (var i = 0; i < stepArray.Count && reader.Error is null; i++)
            {
                var path = $"steps[{i}].";
                if (stepArray[i] is not JsonObject s)
                {
                    reader.Fail($"{path[..^1]} must be an object");
                    break;
                }

                steps.Add(new TraceStep(
                    reader.String(s, "kind", required: true, path) ?? "",
                    reader.String(s, "actor", required: false, path),
                    reader.String(s, "operation", required: true, path) ?? "",
                    reader.Object(s, "arguments", required: false, path),
                    reader.String(s, "result", required: false, path),
                    reader.Object(s, "state", required: false, path)));
            }
        }
        else if (reader.Error is null)
        {
            reader.Fail("field 'steps' must be an array");
        }

        TraceViolation? violation = null;
        var violationObj = reader.Object(obj, "violation", required: false);
        if (violationObj is not null)
        {
            violation = new TraceViolation(
                reader.String(violationObj, "property", required: true, "violation.") ?? "",
                reader.String(violationObj, "clause", required: false, "violation."),
                reader.String(violationObj, "message", required: true, "violation.") ?? "",
                reader.Object(violationObj, "expected", required: false, "violation."),
                reader.Object(violationObj, "actual", required: false, "violation."));
        }

        TraceMachine? machine = null;
        if (obj["machine"] is { } machineNode && reader.Error is null)
        {
            if (version < 2) reader.Fail("field 'machine' exists from trace format version 2 on; this trace says version 1");
            else if (machineNode is not JsonObject machineObj) reader.Fail("field 'machine' must be an object");
            else machine = TraceMachineJson.Read(machineObj, reader);

            // The replay runs a bounded margin past the recorded step: a step the recording never
            // reached would make that bound whatever the file says.
            if (machine is not null && machine.Step > steps.Count)
            {
                reader.Fail($"field 'machine.step' is {machine.Step}, beyond the {steps.Count} syscall steps the trace records");
            }
        }

        if (reader.Failure is not null)
        {
            failure = reader.Failure;
            return false;
        }

        failure = null;
        trace = new TraceDocument(producer!, source!, initial, steps.ToImmutable(), violation) { Machine = machine };
        return true;
    }
}
