namespace Verified.Manifests;

/// <summary>
/// "This service needs <paramref name="Service"/>": its endpoint must exist (and the service be
/// running) before this one starts. A non-null <paramref name="Bootstrap"/> marks an edge that the
/// boot protocol breaks (the reason, in words): it is not an ordering constraint, because the
/// dependency is provided some other way until the real server is up.
/// </summary>
public sealed record Dependency(string Service, string? Bootstrap, SourceLocation Location)
{
    public bool IsBootstrapBroken => Bootstrap is not null;
}
