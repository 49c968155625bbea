using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Verified.Kernel.Abi;

namespace Verified.Kernel.Checkpoints;

/// <summary>
/// The serialised form of a <see cref="TaskCheckpoint"/>: versioned JSON (format
/// "verified-task-checkpoint", version 1), 64-bit values as hex strings, page contents base64.
/// Reading is of untrusted files: every defect is a <see cref="CheckpointFailure"/> naming the
/// field, never an exception; a repeated property name is an error, not a silent choice. Reading checks shape only; <see cref="CheckpointValidator"/> checks
/// consistency (restore runs it).
/// </summary>
public static class CheckpointJson
{
    /// <summary>The value of the "format" field.</summary>
    public const string FormatName = "verified-task-checkpoint";

    /// <summary>The version written, and the only one read.</summary>
    public const int CurrentVersion = 1;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes a checkpoint as indented JSON.</summary>
    public static string Serialize(TaskCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", CurrentVersion);
            w.WriteStartArray("registers");
            foreach (var r in checkpoint.Registers)
            {
                w.WriteStringValue(Hex(r));
            }

            w.WriteEndArray();
            w.WriteNumber("priority", checkpoint.Priority);
            w.WriteNumber("cspaceRadixBits", checkpoint.CSpaceRadixBits);
            w.WriteStartArray("references");
            foreach (var r in checkpoint.References)
            {
                w.WriteStartObject();
                w.WriteString("id", r.Id);
                w.WriteString("type", r.Type.ToString());
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("frames");
            foreach (var f in checkpoint.Frames)
            {
                w.WriteStartObject();
                if (f.Mapping is { } m)
                {
                    w.WriteString("va", Hex(m.VirtualAddress));
                    w.WriteNumber("access", (long)m.Rights);
                }

                w.WriteBase64String("contents", f.Contents.AsSpan());
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("caps");
            foreach (var c in checkpoint.Caps)
            {
                WriteCap(w, c);
            }

            w.WriteEndArray();
            if (checkpoint.Fault is { } fault)
            {
                w.WriteStartObject("fault");
                w.WriteString("reference", fault.ReferenceId);
                w.WriteString("badge", Hex(fault.Badge));
                w.WriteEndObject();
            }

            if (checkpoint.GrantTable is { } grants)
            {
                w.WriteStartObject("grantTable");
                w.WriteNumber("entryBits", grants.EntryBits);
                w.WriteStartArray("entries");
                foreach (var e in grants.Entries)
                {
                    w.WriteStartObject();
                    w.WriteBoolean("inUse", e.InUse);
                    w.WriteNumber("generation", e.Generation);
                    w.WriteBoolean("indirect", e.Indirect);
                    w.WriteString("grantee", Party(e.Grantee));
                    w.WriteString("address", Hex(e.Address));
                    w.WriteString("length", Hex(e.Length));
                    w.WriteNumber("access", (long)e.Access);
                    w.WriteString("fromGranter", Party(e.FromGranter));
                    w.WriteString("fromHandle", Hex(e.FromHandle));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads a checkpoint; any defect is a failure (Malformed or UnsupportedVersion).</summary>
    public static bool TryParse(string text, out TaskCheckpoint? checkpoint, out CheckpointFailure? failure)
    {
        ArgumentNullException.ThrowIfNull(text);
        checkpoint = null;
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(text); // a lone surrogate cannot be JSON text; found here rather than as the parser's ArgumentException
        }
        catch (EncoderFallbackException)
        {
            failure = new(CheckpointError.Malformed, "the text is not valid UTF-16 (a lone surrogate)");
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            failure = new(CheckpointError.Malformed, $"not valid JSON: {e.Message}");
            return false;
        }

        using (document)
        {
            var reader = new CheckpointJsonReader();
            checkpoint = reader.Checkpoint(document.RootElement);
            failure = reader.Failure;
            if (failure is not null)
            {
                checkpoint = null;
                return false;
            }

            return true;
        }
    }

    private static void WriteCap(Utf8JsonWriter w, CapturedCap c)
    {
        w.WriteStartObject();
        w.WriteNumber("slot", c.Slot);
        w.WriteString("type", c.Type.ToString());
        switch (c.Target)
        {
            case CapTarget.SelfTask:
                w.WriteString("target", "self");
                break;
            case CapTarget.OwnCSpace:
                w.WriteString("target", "cspace");
                break;
            case CapTarget.OwnGrantTable:
                w.WriteString("target", "grantTable");
                break;
            case CapTarget.OwnFrame f:
                w.WriteString("target", "frame");
                w.WriteNumber("frame", f.Index);
                break;
            case CapTarget.Shared s:
                w.WriteString("target", "shared");
                w.WriteString("reference", s.ReferenceId);
                break;
            default:
                throw new InvalidOperationException($"unknown capability target {c.Target}");
        }

        w.WriteNumber("rights", (long)c.Rights);
        w.WriteString("badge", Hex(c.Badge));
        if (c.Parent is { } p)
        {
            w.WriteNumber("parent", p);
        }

        w.WriteBoolean("recordsMapping", c.RecordsMapping);
        w.WriteEndObject();
    }

    /// <summary>A grant party as a string: "none", "self", or "ref:" and a reference id.</summary>
    private static string Party(CapTarget? t) => t switch
    {
        null => "none",
        CapTarget.SelfTask => "self",
        CapTarget.Shared s => "ref:" + s.ReferenceId,
        _ => throw new InvalidOperationException($"a grant party cannot be {t}"),
    };

    private static string Hex(ulong v) => "0x" + v.ToString("x", CultureInfo.InvariantCulture);
}
