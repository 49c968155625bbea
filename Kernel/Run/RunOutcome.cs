namespace Verified.Kernel.Run;

/// <summary>How a run of the system ended.</summary>
public abstract record RunOutcome
{
    /// <summary>The root task exited with a code.</summary>
    public sealed record Exited(long Code) : RunOutcome;

    /// <summary>The instruction limit was reached.</summary>
    public sealed record InstructionLimit(long Instructions) : RunOutcome;

    /// <summary>No task can run and the root task has not exited (it may have stopped on a fault).</summary>
    public sealed record Stuck(string Reason) : RunOutcome;

    /// <summary>The system's <see cref="KernelSystem.Interrupt"/> asked to stop (e.g. a checker reported a violation), after this many instructions of the run.</summary>
    public sealed record Interrupted(long Instructions) : RunOutcome;
}
