namespace Verified.Manifests;

/// <summary>A 1-based line and column in a manifest file, so every message can point at the text.</summary>
public readonly record struct SourceLocation(int Line, int Column)
{
    /// <summary>For diagnostics about the file as a whole (it cannot be read, it is empty).</summary>
    public static SourceLocation None { get; } = new(0, 0);

    public override string ToString() => Line == 0 ? "" : $"{Line}:{Column}";
}
