using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Verified.Kernel.Abi;

namespace Verified.Kernel.Checkpoints;

/// <summary>
/// Reads the JSON form of a checkpoint (untrusted): fields are read in order, the first defect is
/// remembered as a Malformed failure naming the field, and later reads return defaults.
/// </summary>
internal sealed class CheckpointJsonReader
{
    public CheckpointFailure? Failure { get; private set; }

    public TaskCheckpoint? Checkpoint(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail<TaskCheckpoint>("a checkpoint must be a JSON object");
        }

        if (String(root, "format") != CheckpointJson.FormatName && Failure is null)
        {
            return Fail<TaskCheckpoint>($"field 'format' must be \"{CheckpointJson.FormatName}\"");
        }

        var version = Int(root, "version", 0, int.MaxValue);
        if (Failure is null && version != CheckpointJson.CurrentVersion)
        {
            Failure = new(CheckpointError.UnsupportedVersion, $"checkpoint version {version} is not supported (this build reads version {CheckpointJson.CurrentVersion})");
            return null;
        }

        var registers = Array(root, "registers", (e, path) => HexValue(e, path));
        var priority = Int(root, "priority", int.MinValue, int.MaxValue);
        var radix = Int(root, "cspaceRadixBits", int.MinValue, int.MaxValue);
        var references = Array(root, "references", (e, path) => Object(e, path) ? new SharedReference(String(e, "id", path) ?? "", Type(e, "type", path)) : null);
        var frames = Array(root, "frames", Frame);
        var caps = Array(root, "caps", Cap);
        FaultHandler? fault = null;
        if (root.TryGetProperty("fault", out var f) && f.ValueKind != JsonValueKind.Null && Object(f, "fault"))
        {
            fault = new FaultHandler(String(f, "reference", "fault.") ?? "", HexValue(Field(f, "badge", "fault."), "fault.badge"));
        }

        CapturedGrantTable? grants = null;
        if (root.TryGetProperty("grantTable", out var g) && g.ValueKind != JsonValueKind.Null && Object(g, "grantTable"))
        {
            var bits = Int(g, "entryBits", int.MinValue, int.MaxValue, "grantTable.");
            var entries = Array(g, "entries", Grant);
            grants = new CapturedGrantTable(bits, entries!);
        }

        return Failure is null ? new TaskCheckpoint(registers, priority, radix, references!, frames!, caps!, fault, grants) : null;
    }

    private CapturedGrant? Grant(JsonElement e, string path)
    {
        if (!Object(e, path))
        {
            return null;
        }

        var prefix = path + ".";
        var inUse = Bool(e, "inUse", prefix);
        var generation = Field(e, "generation", prefix);
        uint gen = 0;
        if (Failure is null && (generation.ValueKind != JsonValueKind.Number || !generation.TryGetUInt32(out gen)))
        {
            return Fail<CapturedGrant>($"field '{prefix}generation' must be an unsigned 32-bit integer");
        }

        var indirect = Bool(e, "indirect", prefix);
        var grantee = PartyValue(e, "grantee", prefix);
        var address = HexValue(Field(e, "address", prefix), prefix + "address");
        var length = HexValue(Field(e, "length", prefix), prefix + "length");
        var access = (GrantAccess)Int(e, "access", 0, 3, prefix);
        var from = PartyValue(e, "fromGranter", prefix);
        var handle = HexValue(Field(e, "fromHandle", prefix), prefix + "fromHandle");
        return Failure is null ? new CapturedGrant(inUse, gen, indirect, grantee, address, length, access, from, handle) : null;
    }

    private CapTarget? PartyValue(JsonElement e, string name, string prefix)
    {
        var s = String(e, name, prefix);
        return s switch
        {
            null or "none" => null,
            "self" => new CapTarget.SelfTask(),
            _ when s.StartsWith("ref:", StringComparison.Ordinal) => new CapTarget.Shared(s[4..]),
            _ => Fail<CapTarget>($"field '{prefix}{name}' must be none, self or ref:ID"),
        };
    }

    private bool Bool(JsonElement obj, string name, string prefix)
    {
        var v = Field(obj, name, prefix);
        if (Failure is null && v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Fail<object>($"field '{prefix}{name}' must be true or false");
        }

        return Failure is null && v.ValueKind == JsonValueKind.True;
    }

    private CapturedFrame? Frame(JsonElement e, string path)
    {
        if (!Object(e, path))
        {
            return null;
        }

        var prefix = path + ".";
        PageMapping? mapping = null;
        if (e.TryGetProperty("va", out var va))
        {
            mapping = new PageMapping(HexValue(va, prefix + "va"), (Rights)Int(e, "access", 0, (int)Rights.All, prefix));
        }

        var contents = Field(e, "contents", prefix);
        if (Failure is not null)
        {
            return null;
        }

        if (contents.ValueKind != JsonValueKind.String || !contents.TryGetBytesFromBase64(out var bytes))
        {
            return Fail<CapturedFrame>($"field '{prefix}contents' must be base64");
        }

        return new CapturedFrame([.. bytes], mapping);
    }

    private CapturedCap? Cap(JsonElement e, string path)
    {
        if (!Object(e, path))
        {
            return null;
        }

        var prefix = path + ".";
        var slot = Int(e, "slot", int.MinValue, int.MaxValue, prefix);
        var type = Type(e, "type", prefix);
        CapTarget? target = String(e, "target", prefix) switch
        {
            "self" => new CapTarget.SelfTask(),
            "cspace" => new CapTarget.OwnCSpace(),
            "grantTable" => new CapTarget.OwnGrantTable(),
            "frame" => new CapTarget.OwnFrame(Int(e, "frame", int.MinValue, int.MaxValue, prefix)),
            "shared" => new CapTarget.Shared(String(e, "reference", prefix) ?? ""),
            _ => null,
        };
        if (target is null)
        {
            return Fail<CapturedCap>($"field '{prefix}target' must be self, cspace, frame or shared");
        }

        var rights = (Rights)Int(e, "rights", 0, (int)Rights.All, prefix);
        var badge = HexValue(Field(e, "badge", prefix), prefix + "badge");
        int? parent = e.TryGetProperty("parent", out var p) && p.ValueKind != JsonValueKind.Null ? Int(e, "parent", int.MinValue, int.MaxValue, prefix) : null;
        var records = Field(e, "recordsMapping", prefix);
        if (Failure is null && records.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Fail<CapturedCap>($"field '{prefix}recordsMapping' must be true or false");
        }

        return Failure is null ? new CapturedCap(slot, type, target, rights, badge, parent, records.ValueKind == JsonValueKind.True) : null;
    }

    private ImmutableArray<T> Array<T>(JsonElement obj, string name, Func<JsonElement, string, T?> item)
    {
        var a = Field(obj, name, "");
        if (Failure is not null)
        {
            return [];
        }

        if (a.ValueKind != JsonValueKind.Array)
        {
            Fail<object>($"field '{name}' must be an array");
            return [];
        }

        var result = ImmutableArray.CreateBuilder<T>();
        var i = 0;
        foreach (var e in a.EnumerateArray())
        {
            var value = item(e, $"{name}[{i++}]");
            if (Failure is not null)
            {
                return [];
            }

            result.Add(value!);
        }

        return result.ToImmutable();
    }

    private JsonElement Field(JsonElement obj, string name, string prefix)
    {
        if (Failure is null && !obj.TryGetProperty(name, out var v))
        {
            Fail<object>($"field '{prefix}{name}' is missing");
            return default;
        }

        return Failure is null ? obj.GetProperty(name) : default;
    }

    private bool Object(JsonElement e, string path)
    {
        if (Failure is null && e.ValueKind != JsonValueKind.Object)
        {
            Fail<object>($"{path} must be an object");
        }

        return Failure is null;
    }

    private string? String(JsonElement obj, string name, string prefix = "")
    {
        var v = Field(obj, name, prefix);
        if (Failure is not null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String ? v.GetString() : Fail<string>($"field '{prefix}{name}' must be a string");
    }

    private int Int(JsonElement obj, string name, int min, int max, string prefix = "")
    {
        var v = Field(obj, name, prefix);
        if (Failure is not null)
        {
            return 0;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < min || n > max)
        {
            Fail<object>($"field '{prefix}{name}' must be an integer in [{min}, {max}]");
            return 0;
        }

        return n;
    }

    private ObjectType Type(JsonElement obj, string name, string prefix)
    {
        var s = String(obj, name, prefix);
        if (Failure is not null)
        {
            return ObjectType.None;
        }

        if (!Enum.GetNames<ObjectType>().Contains(s))
        {
            Fail<object>($"field '{prefix}{name}' names no object type");
            return ObjectType.None;
        }

        return Enum.Parse<ObjectType>(s!);
    }

    private ulong HexValue(JsonElement v, string path)
    {
        if (Failure is not null)
        {
            return 0;
        }

        var s = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (s is null || !s.StartsWith("0x", StringComparison.Ordinal) || s.Length is < 3 or > 18
            || !ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var n))
        {
            Fail<object>($"{path} must be a hex string 0x…");
            return 0;
        }

        return n;
    }

    private T? Fail<T>(string message)
        where T : class
    {
        Failure ??= new CheckpointFailure(CheckpointError.Malformed, message);
        return null;
    }
}
