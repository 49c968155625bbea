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
        };
    }

    public static string Serialize(TraceDocument trace) => ToJson(trace).ToJsonString(Indented);

    public static bool TryParse(string text, [NotNullWhen(true)] out TraceDocument? trace, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        trace = null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            error = $"not valid JSON: {e.Message}";
            return false;
        }

        if (root is not JsonObject obj)
        {
            error = "a trace must be a JSON object";
            return false;
        }

        return TryRead(obj, out trace, out error);
    }

    public static bool TryRead(JsonObject obj, [NotNullWhen(true)] out TraceDocument? trace, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(obj);
        trace = null;
        var reader = new FieldReader();
        if (reader.String(obj, "format", required: true) != TraceDocument.FormatName && reader.Error is null)
        {
            reader.Fail($"field 'format' must be \"{TraceDocument.FormatName}\"");
        }

        var version = reader.Int(obj, "version");
        if (reader.Error is null && version != TraceDocument.CurrentVersion)
        {
            reader.Fail($"trace format version {version} is not supported (this build reads version {TraceDocument.CurrentVersion})");
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

        if (reader.Error is not null)
        {
            error = reader.Error;
            return false;
        }

        error = null;
        trace = new TraceDocument(producer!, source!, initial, steps.ToImmutable(), violation);
        return true;
    }

    /// <summary>Reads typed fields, keeping the first error (the one a user should fix first).</summary>
    private sealed class FieldReader
    {
        public string? Error { get; private set; }

        public void Fail(string message) => Error ??= message;

        public string? String(JsonObject obj, string name, bool required, string path = "")
        {
            var node = obj[name];
            if (node is null)
            {
                if (required)
                {
                    Fail($"missing field '{path}{name}'");
                }

                return null;
            }

            if (node is JsonValue value && value.TryGetValue<string>(out var s))
            {
                return s;
            }

            Fail($"field '{path}{name}' must be a string");
            return null;
        }

        public int Int(JsonObject obj, string name)
        {
            if (obj[name] is JsonValue value && value.TryGetValue<int>(out var i))
            {
                return i;
            }

            Fail($"field '{name}' must be an integer");
            return 0;
        }

        public JsonObject? Object(JsonObject obj, string name, bool required, string path = "")
        {
            var node = obj[name];
            switch (node)
            {
                case null when required:
                    Fail($"missing field '{path}{name}'");
                    return null;
                case null:
                    return null;
                case JsonObject o:
                    // Detach a copy: the document owns its states, independent of the parsed tree.
                    return (JsonObject)o.DeepClone();
                default:
                    Fail($"field '{path}{name}' must be an object");
                    return null;
            }
        }
    }
}
