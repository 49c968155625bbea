namespace Verified.Manifests;

/// <summary>Where a service's program comes from.</summary>
public enum ImageKind
{
    /// <summary>`binary:` a program file, built or shipped with the system.</summary>
    Binary,

    /// <summary>`module:` a boot module handed over by the boot loader (the only source before a file system runs).</summary>
    Module,
}

/// <summary>One service of a boot manifest.</summary>
public sealed record ServiceSpec(
    string Name,
    ImageKind ImageKind,
    string Image,
    EquatableList<Dependency> DependsOn,
    ServiceFlags Flags,
    RestartPolicy Restart,
    SourceLocation Location)
{
    public bool IsCore => (Flags & ServiceFlags.Core) != 0;

    public bool IsSynchronous => (Flags & ServiceFlags.Synchronous) != 0;

    public bool IsRestartable => Restart is RestartPolicy.Restart;
}
