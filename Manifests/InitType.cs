namespace Verified.Manifests;

/// <summary>How a restarted service is initialised (MINIX 3's SEF_INIT_FRESH / SEF_INIT_RESTART).</summary>
public enum InitType
{
    /// <summary>Start from scratch, as at boot.</summary>
    Fresh,

    /// <summary>Told it is a restart, so it can recover state (e.g. from the data store).</summary>
    Restart,
}
