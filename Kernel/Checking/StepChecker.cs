namespace Verified.Kernel.Checking;

/// <summary>How a run checks the kernel after each step.</summary>
public enum CheckMode
{
    /// <summary>No consistency check (throughput baseline).</summary>
    None,

    /// <summary>The <see cref="IncrementalChecker"/> after every step, cross-checked against the full check periodically and at the end.</summary>
    Incremental,

    /// <summary>The full <see cref="ConsistencyChecker.CheckAll"/> after every step.</summary>
    Full,
}

/// <summary>
/// The consistency check after every step of a run, in one of the <see cref="CheckMode"/>s. In
/// incremental mode every <see cref="CrossCheckEvery"/>-th step and <see cref="Finish"/> also run
/// the cross-check, so a wrong incremental shortcut (or a corruption in a structure no step
/// touched) is reported within that many steps.
/// </summary>
public sealed class StepChecker
{
    private readonly Kernel kernel;
    private readonly IncrementalChecker? incremental;

    /// <summary>Starts checking a kernel (which must be consistent now: the first check is a full one).</summary>
    public StepChecker(Kernel kernel, CheckMode mode, int crossCheckEvery = 1000)
    {
        this.kernel = kernel ?? throw new ArgumentNullException(nameof(kernel));
        if (crossCheckEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(crossCheckEvery), "cross-check at least every step (1) or less often");
        }

        Mode = mode;
        CrossCheckEvery = crossCheckEvery;
        incremental = mode == CheckMode.Incremental ? new IncrementalChecker(kernel) : null;
    }

    /// <summary>The mode.</summary>
    public CheckMode Mode { get; }

    /// <summary>Steps between cross-checks (incremental mode).</summary>
    public int CrossCheckEvery { get; }

    /// <summary>Steps checked so far.</summary>
    public long Steps { get; private set; }

    /// <summary>Cross-checks run so far.</summary>
    public long CrossChecks { get; private set; }

    /// <summary>The incremental checker (incremental mode), for its statistics.</summary>
    public IncrementalChecker? Incremental => incremental;

    /// <summary>Checks after one step; empty when consistent.</summary>
    public IReadOnlyList<string> AfterStep()
    {
        Steps++;
        switch (Mode)
        {
            case CheckMode.Full:
                return ConsistencyChecker.CheckAll(kernel);
            case CheckMode.Incremental:
                var v = incremental!.Check();
                return v.Count == 0 && Steps % CrossCheckEvery == 0 ? Cross() : v;
            default:
                return [];
        }
    }

    /// <summary>The final check of a run (a cross-check in incremental mode).</summary>
    public IReadOnlyList<string> Finish() => Mode switch
    {
        CheckMode.Full => ConsistencyChecker.CheckAll(kernel),
        CheckMode.Incremental => incremental!.Check() is { Count: > 0 } v ? v : Cross(),
        _ => [],
    };

    private IReadOnlyList<string> Cross()
    {
        CrossChecks++;
        return incremental!.CrossCheck();
    }
}
