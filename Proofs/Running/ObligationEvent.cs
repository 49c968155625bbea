namespace Verified.Proofs;

/// <summary>
/// Progress of a run, reported through IProgress as obligations start and finish. Reported
/// from the worker threads: a consumer must be thread-safe. Closed: these two cases.
/// </summary>
public abstract record ObligationEvent
{
    private ObligationEvent()
    {
    }

    public sealed record Started(string Name, int Total) : ObligationEvent;

    /// <summary><paramref name="Completed"/> counts this one.</summary>
    public sealed record Finished(ObligationResult Result, int Completed, int Total) : ObligationEvent;
}
