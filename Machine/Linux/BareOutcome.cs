namespace Verified.Machine.Linux;

/// <summary>How a bare Linux-style process ended. A closed sum.</summary>
public abstract record BareOutcome
{
    private BareOutcome()
    {
    }

    /// <summary>The program called exit or exit_group with this status (0..255).</summary>
    public sealed record Exited(int Status) : BareOutcome;

    /// <summary>The program did something the bare machine does not offer: a one-line reason.</summary>
    public sealed record Stopped(string Reason) : BareOutcome;

    /// <summary>The instruction limit given to Run was reached.</summary>
    public sealed record OutOfInstructions : BareOutcome;
}
