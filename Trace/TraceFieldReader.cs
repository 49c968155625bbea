using System.Text.Json.Nodes;

namespace Verified.Trace;

/// <summary>Reads typed fields of an untrusted trace, keeping the first failure (the one a user should fix first).</summary>
internal sealed class FieldReader
{
    public TraceReadFailure? Failure { get; private set; }

    public string? Error => Failure?.Detail;

    public void Fail(string message, TraceReadError error = TraceReadError.Malformed) => Failure ??= new TraceReadFailure(error, message);

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

    public int Int(JsonObject obj, string name, string path = "") => (int)Integer(obj, name, int.MinValue, int.MaxValue, path);

    /// <summary>A required integer in [min, max]; JSON numbers with a fraction or out of range are refused.</summary>
    public long Integer(JsonObject obj, string name, long min, long max, string path = "")
    {
        if (obj[name] is JsonValue value && value.TryGetValue<long>(out var i))
        {
            if (i >= min && i <= max)
            {
                return i;
            }

            Fail($"field '{path}{name}' must be in [{min}, {max}], not {i}");
            return 0;
        }

        // A JsonElement-backed number with a fraction or beyond 64 bits does not convert to long.
        Fail(obj[name] is null ? $"missing field '{path}{name}'" : $"field '{path}{name}' must be an integer");
        return 0;
    }

    public JsonArray? Array(JsonObject obj, string name, bool required, string path = "")
    {
        switch (obj[name])
        {
            case null when required:
                Fail($"missing field '{path}{name}'");
                return null;
            case null:
                return null;
            case JsonArray a:
                return a;
            default:
                Fail($"field '{path}{name}' must be an array");
                return null;
        }
    }

    /// <summary>Refuses a field this version does not define, so a misspelt field is not silently ignored.</summary>
    public void OnlyKnown(JsonObject obj, IReadOnlyCollection<string> known, string path)
    {
        foreach (var (key, _) in obj)
        {
            if (!known.Contains(key))
            {
                Fail($"unknown field '{path}{key}' (known: {string.Join(", ", known)})");
                return;
            }
        }
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
