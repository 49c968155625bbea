namespace Verified.Cli;

/// <summary>The documented exit codes of every verb (docs/USAGE.md).</summary>
public static class ExitCodes
{
    /// <summary>Everything asked for succeeded (all obligations proved, the program exited 0, ...).</summary>
    public const int Success = 0;

    /// <summary>The work ran and found a failure: an obligation not proved, a property violated.</summary>
    public const int Failure = 1;

    /// <summary>Bad usage or bad input: the message says what to fix.</summary>
    public const int UsageOrInput = 2;

    /// <summary>A required native library (libz3) is missing from the machine.</summary>
    public const int MissingDependency = 3;

    /// <summary>`verified exec`: the program stopped on an unsupported system call or instruction, or an unhandled fault.</summary>
    public const int GuestStopped = 4;
}
