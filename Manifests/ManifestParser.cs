using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Verified.Manifests;

/// <summary>
/// Reads a boot manifest (docs/MANIFEST.md). Manifests are untrusted: every problem becomes a
/// <see cref="ManifestDiagnostic"/> with its line and column and what to write instead; no input
/// makes this throw.
/// </summary>
public static partial class ManifestParser
{
    /// <summary>Larger than any real manifest by far; bounds the work an input can cause.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>Bounds the number of YAML events (nodes) an input can cause us to build.</summary>
    public const int MaxEvents = 200_000;

    /// <summary>
    /// Bounds nesting: building the node tree recurses once per level, so a file of a million
    /// brackets would otherwise overflow the stack and kill the process.
    /// </summary>
    public const int MaxDepth = 32;

    public static ManifestParseResult ParseFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Fail(path, SourceLocation.None, "the file does not exist; give the path of a manifest (.yaml)");
            }

            if (info.Length > MaxBytes)
            {
                return Fail(path, SourceLocation.None, $"the file is {info.Length} bytes; a manifest may be at most {MaxBytes} bytes");
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(path, SourceLocation.None, $"the file cannot be read ({e.Message})");
        }

        return Parse(text, path);
    }

    public static ManifestParseResult Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        if (text.Length > MaxBytes)
        {
            return Fail(source, SourceLocation.None, $"the text is {text.Length} characters; a manifest may be at most {MaxBytes}");
        }

        var structural = CheckStructure(text, source);
        if (structural is not null)
        {
            return structural;
        }

        YamlNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0)
            {
                return Fail(source, SourceLocation.None, "the manifest is empty; it needs at least `manifest: 1`, `name:` and `services:`");
            }

            root = stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            return Fail(source, At(e.Start), SyntaxMessage(e));
        }
        catch (InvalidOperationException)
        {
            // CheckStructure has read the same text with the same parser, so this is not expected;
            // YamlDotNet is third-party code, though, and a manifest must never crash the caller.
            return Fail(source, SourceLocation.None, "YAML syntax: the YAML parser gave up on this text; check the file's indentation and brackets");
        }

        var reader = new ManifestReader(source);
        var manifest = reader.Read(root);
        return manifest is not null && reader.Diagnostics.Count == 0
            ? new ManifestParseResult.Parsed(manifest)
            : new ManifestParseResult.Failed(new EquatableList<ManifestDiagnostic>(
                reader.Diagnostics.OrderBy(d => d.Location.Line).ThenBy(d => d.Location.Column)));
    }

    /// <summary>
    /// A pass over the raw YAML events before building nodes: rejects anchors and aliases (a
    /// manifest has no use for them, and they let a small file expand into a huge graph), more
    /// than one document, and inputs with an absurd number of nodes.
    /// </summary>
    private static ManifestParseResult.Failed? CheckStructure(string text, string source)
    {
        var lastGood = Mark.Empty;
        try
        {
            var parser = new Parser(new StringReader(text));
            var documents = 0;
            var events = 0;
            var depth = 0;
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                lastGood = current.End;
                if (++events > MaxEvents)
                {
                    return Fail(source, At(current.Start), $"the manifest has more than {MaxEvents} YAML nodes; it is not a plausible boot manifest");
                }

                switch (current)
                {
                    case SequenceStart or MappingStart when ++depth > MaxDepth:
                        return Fail(source, At(current.Start), $"the manifest nests lists and mappings more than {MaxDepth} deep; a manifest needs at most 5 levels");
                    case SequenceEnd or MappingEnd:
                        depth--;
                        break;
                    case AnchorAlias alias:
                        return Fail(source, At(alias.Start), $"YAML aliases (*{alias.Value}) are not allowed in a manifest; write the value out");
                    case NodeEvent { Anchor.IsEmpty: false } node:
                        return Fail(source, At(node.Start), $"YAML anchors (&{node.Anchor.Value}) are not allowed in a manifest; remove the anchor");
                    case DocumentStart start when ++documents > 1:
                        return Fail(source, At(start.Start), "the file holds more than one YAML document; put one manifest per file");
                }
            }

            return null;
        }
        catch (YamlException e)
        {
            return Fail(source, At(e.Start), SyntaxMessage(e));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not a YamlException) on some malformed plain
            // scalars inside flow collections; report it where the last good node ended.
            return Fail(source, At(lastGood), "YAML syntax: the YAML parser cannot read past this point; check the brackets and quotes that follow");
        }
    }

    internal static SourceLocation At(Mark mark) => new((int)Math.Min(mark.Line, int.MaxValue), (int)Math.Min(mark.Column, int.MaxValue));

    /// <summary>YamlDotNet prefixes its messages with the marks; we print the location ourselves.</summary>
    private static string SyntaxMessage(YamlException e)
    {
        var message = MarkPrefix().Replace(e.Message, "").Trim();
        if (message.Length == 0)
        {
            message = "malformed YAML";
        }

        return $"YAML syntax: {char.ToLowerInvariant(message[0])}{message[1..].TrimEnd('.')}; fix the YAML at this point";
    }

    private static ManifestParseResult.Failed Fail(string source, SourceLocation location, string message) =>
        new(new EquatableList<ManifestDiagnostic>([new ManifestDiagnostic(source, location, message)]));

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex MarkPrefix();
}
