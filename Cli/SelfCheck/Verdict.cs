namespace Verified.Cli.SelfCheck;

/// <summary>What discharging one obligation established. Only <see cref="Proved"/> passes.</summary>
internal abstract record Verdict
{
    private Verdict()
    {
    }

    public sealed record Proved : Verdict;

    /// <summary>Z3 found a counterexample, or the proof did not have the expected shape.</summary>
    public sealed record Failed(string Why) : Verdict;

    /// <summary>Z3 gave up (time-out, incompleteness): a failure too, never a pass.</summary>
    public sealed record Unknown(string Reason) : Verdict;
}
