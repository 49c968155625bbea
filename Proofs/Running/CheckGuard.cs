using Verified.Smt;

namespace Verified.Proofs;

/// <summary>
/// Interrupts a worker's context when a check outlives the wall-clock guard or the run is
/// canceled. <see cref="Context.Interrupt"/> is the one Smt member callable from another thread.
/// </summary>
internal sealed class CheckGuard : IDisposable
{
    private readonly Context context;
    private readonly Timer timer;
    private readonly CancellationTokenRegistration registration;
    private readonly Lock gate = new();
    private bool checking;

    public CheckGuard(Context context, CancellationToken cancellation)
    {
        this.context = context;
        timer = new Timer(_ => Fire(expired: true));
        registration = cancellation.Register(() => Fire(expired: false));
    }

    /// <summary>Set when the last check was stopped by the guard's timer (not by cancellation).</summary>
    public bool Expired { get; private set; }

    public void BeginCheck(TimeSpan limit)
    {
        lock (gate)
        {
            Expired = false;
            checking = true;
            timer.Change(limit, Timeout.InfiniteTimeSpan);
        }
    }

    public void EndCheck()
    {
        lock (gate)
        {
            checking = false;
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        registration.Dispose();
        lock (gate)
        {
            checking = false;
            timer.Dispose();
        }
    }

    private void Fire(bool expired)
    {
        lock (gate)
        {
            // Only a check in progress is interrupted: an interrupt that arrives between checks
            // would otherwise be remembered by Z3 and cancel the next, innocent obligation.
            if (!checking)
            {
                return;
            }

            Expired |= expired;
            context.Interrupt();
        }
    }
}
