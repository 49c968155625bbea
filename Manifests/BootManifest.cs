namespace Verified.Manifests;

/// <summary>One dependency edge: <see cref="Service"/> needs <see cref="DependsOn"/>.</summary>
public sealed record DependencyEdge(string Service, string DependsOn, bool BootstrapBroken)
{
    /// <summary>The name used for this edge's tracked assertion and in reports: `svc->dep`.</summary>
    public override string ToString() => $"{Service}->{DependsOn}";
}

/// <summary>
/// A parsed, validated boot manifest: every dependency names a service of the manifest, names are
/// unique, flags are consistent. Built only by <see cref="ManifestParser"/> (or tests through it).
/// </summary>
public sealed record BootManifest(string Name, string Source, EquatableList<ServiceSpec> Services)
{
    /// <summary>Every dependency edge, in manifest order (service order, then dependency order).</summary>
    public IEnumerable<DependencyEdge> Edges =>
        Services.SelectMany(s => s.DependsOn.Select(d => new DependencyEdge(s.Name, d.Service, d.IsBootstrapBroken)));

    public ServiceSpec Service(string name) =>
        Services.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"The manifest '{Name}' has no service '{name}'; ask only for names it declares.", nameof(name));
}
