namespace Verified.Manifests;

/// <summary>
/// Checks between services, after each one has been read: unique names, dependencies that name a
/// declared service, no self-dependency, no repeated dependency. Ordering (cycles) is not checked
/// here: that is the boot-order proof obligation's job, which reports the cycle's edges.
/// </summary>
internal static class ManifestChecks
{
    public static IEnumerable<ManifestDiagnostic> CrossCheck(string source, IReadOnlyList<ServiceSpec> services)
    {
        var first = new Dictionary<string, ServiceSpec>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (!first.TryAdd(service.Name, service))
            {
                yield return new ManifestDiagnostic(source, service.Location,
                    $"service `{service.Name}` is declared twice (first at line {first[service.Name].Location.Line}); rename or remove one");
            }
        }

        foreach (var service in services)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var dependency in service.DependsOn)
            {
                if (dependency.Service == service.Name)
                {
                    yield return new ManifestDiagnostic(source, dependency.Location, $"service `{service.Name}` depends on itself; remove that dependency");
                }
                else if (!first.ContainsKey(dependency.Service))
                {
                    yield return new ManifestDiagnostic(source, dependency.Location,
                        $"service `{service.Name}` depends on `{dependency.Service}`, which this manifest does not declare{Suggestions.DidYouMean(dependency.Service, first.Keys)}; declare it or remove the dependency");
                }

                if (!seen.Add(dependency.Service))
                {
                    yield return new ManifestDiagnostic(source, dependency.Location, $"service `{service.Name}` lists `{dependency.Service}` twice; keep one");
                }
            }
        }
    }
}
