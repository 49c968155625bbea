namespace Verified.Trace;

/// <summary>Why a trace file was refused.</summary>
public enum TraceReadError
{
    /// <summary>Not JSON, not a trace, a field missing, of the wrong type or unknown, or an image whose hash does not match.</summary>
    Malformed,

    /// <summary>A trace format version this build does not read.</summary>
    UnsupportedVersion,
}

/// <summary>A refusal to read a trace: the error and a sentence naming the field and what is wrong.</summary>
public sealed record TraceReadFailure(TraceReadError Error, string Detail)
{
    public override string ToString() => Detail;
}
