namespace Verified.Manifests;

/// <summary>Boot flags of a service (MINIX 3 names them SF_SYNCH_BOOT and SF_CORE_SRV).</summary>
[Flags]
public enum ServiceFlags
{
    None = 0,

    /// <summary>`sync`: the supervisor waits for this service's init before starting the next one.</summary>
    Synchronous = 1,

    /// <summary>`core`: the system cannot run without it; its death stops the system, so it is never restarted.</summary>
    Core = 2,
}
