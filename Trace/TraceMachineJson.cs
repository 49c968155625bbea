using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Verified.Trace;

/// <summary>
/// The JSON form of <see cref="TraceMachine"/> (the "machine" field, format version 2). Images are
/// base64 with their SHA-256; reading checks the hash, so an image altered after recording is a
/// defined error naming the image, not a different program run in its place. Unknown fields are
/// refused: this section drives a replay, so a misspelt field must not be silently defaulted.
/// </summary>
internal static class TraceMachineJson
{
    private const string Path = "machine.";

    private static readonly string[] Known =
        ["images", "memoryBytes", "timeSlice", "sliceInstructions", "revokeDeletionsPerEntry", "crossCheckEvery", "plantedFaults", "step", "instructions", "origin"];

    private static readonly string[] KnownImage = ["name", "sha256", "base64"];

    /// <summary>
    /// The most guest instructions a recording may claim (about an hour and a half of guest time
    /// with the checker on): the replay runs that many again, so a larger claim is refused rather
    /// than run for days.
    /// </summary>
    public const long MaxInstructions = 100_000_000_000;

    public static JsonObject Write(TraceMachine m) => new()
    {
        ["images"] = new JsonArray([.. m.Images.Select(i => (JsonNode)new JsonObject
        {
            ["name"] = i.Name,
            ["sha256"] = i.Sha256,
            ["base64"] = Convert.ToBase64String(i.Bytes.AsSpan()),
        })]),
        ["memoryBytes"] = m.MemoryBytes,
        ["timeSlice"] = m.TimeSlice,
        ["sliceInstructions"] = m.SliceInstructions,
        ["revokeDeletionsPerEntry"] = m.RevokeDeletionsPerEntry,
        ["crossCheckEvery"] = m.CrossCheckEvery,
        ["plantedFaults"] = new JsonArray([.. m.PlantedFaults.Select(f => (JsonNode)JsonValue.Create(f))]),
        ["step"] = m.Step,
        ["instructions"] = m.Instructions,
        ["origin"] = m.Origin,
    };

    public static TraceMachine? Read(JsonObject obj, FieldReader reader)
    {
        reader.OnlyKnown(obj, Known, Path);
        var images = ImmutableArray.CreateBuilder<TraceImage>();
        if (reader.Array(obj, "images", required: true, Path) is { } array)
        {
            if (array.Count == 0) reader.Fail($"field '{Path}images' must name at least the root task's image");
            for (var i = 0; i < array.Count && reader.Failure is null; i++)
            {
                if (ReadImage(array[i], $"{Path}images[{i}]", reader) is { } image) images.Add(image);
            }
        }

        var faults = ImmutableArray.CreateBuilder<string>();
        if (reader.Array(obj, "plantedFaults", required: true, Path) is { } names)
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i] is JsonValue v && v.TryGetValue<string>(out var name)) faults.Add(name);
                else reader.Fail($"field '{Path}plantedFaults[{i}]' must be a string");
            }
        }

        var machine = new TraceMachine(
            images.ToImmutable(),
            (ulong)reader.Integer(obj, "memoryBytes", 1, long.MaxValue, Path),
            reader.Integer(obj, "timeSlice", 1, long.MaxValue, Path),
            reader.Integer(obj, "sliceInstructions", 1, long.MaxValue, Path),
            (int)reader.Integer(obj, "revokeDeletionsPerEntry", 1, int.MaxValue, Path),
            (int)reader.Integer(obj, "crossCheckEvery", 0, int.MaxValue, Path),
            faults.ToImmutable(),
            reader.Integer(obj, "step", 0, int.MaxValue, Path),
            reader.Integer(obj, "instructions", 0, MaxInstructions, Path),
            reader.String(obj, "origin", required: false, Path));
        return reader.Failure is null ? machine : null;
    }

    private static TraceImage? ReadImage(JsonNode? node, string path, FieldReader reader)
    {
        if (node is not JsonObject o)
        {
            reader.Fail($"field '{path}' must be an object");
            return null;
        }

        reader.OnlyKnown(o, KnownImage, path + ".");
        var name = reader.String(o, "name", required: true, path + ".");
        var sha = reader.String(o, "sha256", required: true, path + ".");
        var base64 = reader.String(o, "base64", required: true, path + ".");
        if (reader.Failure is not null) return null;
        var buffer = new byte[base64!.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(base64, buffer, out var length))
        {
            reader.Fail($"field '{path}.base64' ({name}) is not valid base64");
            return null;
        }

        var bytes = ImmutableArray.Create(buffer, 0, length);
        var actual = TraceImage.Hash(bytes.AsSpan());
        if (!string.Equals(actual, sha, StringComparison.OrdinalIgnoreCase))
        {
            reader.Fail($"image '{name}' ({path}) does not match its hash: the trace records sha256 {sha}, its content hashes to {actual}; the image was altered after recording");
            return null;
        }

        return new TraceImage(name!, bytes);
    }
}
