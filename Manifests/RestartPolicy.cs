namespace Verified.Manifests;

/// <summary>What the supervisor does when the service dies. Closed: exactly these two cases.</summary>
public abstract record RestartPolicy
{
    private RestartPolicy()
    {
    }

    /// <summary>Left dead (`no_restart`, or implied by `core`: a core service's death stops the system).</summary>
    public sealed record Never : RestartPolicy;

    /// <summary>
    /// Restarted with the given init type, after a back-off that starts at
    /// <paramref name="BackoffInitialMs"/> and doubles per consecutive crash up to <paramref name="BackoffMaxMs"/>
    /// (the scheme of MINIX 3's RS: 2^restarts periods, capped).
    /// </summary>
    public sealed record Restart(InitType Init, int BackoffInitialMs, int BackoffMaxMs) : RestartPolicy;

    /// <summary>Defaults when a restartable service gives no `restart:` block: one second, doubling to 30 s.</summary>
    public static Restart Default { get; } = new(InitType.Fresh, 1000, 30_000);
}
