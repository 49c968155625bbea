using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Verified.Manifests;

/// <summary>
/// Walks the YAML nodes of one manifest against the schema of docs/MANIFEST.md, collecting every
/// problem it can find in one pass (so a user fixes them all at once), then checks the services
/// against each other (<see cref="ManifestChecks"/>).
/// </summary>
internal sealed partial class ManifestReader(string source)
{
    public const int SupportedVersion = 1;
    public const int MaxServices = 1024;

    private static readonly string[] RootKeys = ["manifest", "name", "services"];
    private static readonly string[] ServiceKeys = ["name", "binary", "module", "flags", "depends_on", "restart"];
    private static readonly string[] DependencyKeys = ["service", "bootstrap"];
    private static readonly string[] RestartKeys = ["init", "backoff"];
    private static readonly string[] BackoffKeys = ["initial_ms", "max_ms"];
    private static readonly string[] FlagWords = ["sync", "core", "no_restart"];
    private static readonly string[] InitWords = ["fresh", "restart"];

    public List<ManifestDiagnostic> Diagnostics { get; } = [];

    public BootManifest? Read(YamlNode root)
    {
        if (root is not YamlMappingNode map)
        {
            Error(root, "the manifest must be a mapping with the keys `manifest: 1`, `name:` and `services:`");
            return null;
        }

        var fields = Fields(map, "the manifest", RootKeys);
        ReadVersion(map, fields);
        var name = fields.TryGetValue("name", out var nameNode) ? Name(nameNode, "the manifest's `name`") : Missing(map, "the manifest", "name", "name: my-system");
        if (!fields.TryGetValue("services", out var servicesNode))
        {
            Missing(map, "the manifest", "services", "services: [ ... ]");
            return null;
        }

        if (servicesNode is not YamlSequenceNode list || list.Children.Count == 0)
        {
            Error(servicesNode, "`services` must be a non-empty list of services (`- name: ...`)");
            return null;
        }

        if (list.Children.Count > MaxServices)
        {
            Error(servicesNode, $"the manifest declares {list.Children.Count} services; at most {MaxServices} are supported");
            return null;
        }

        var services = list.Children.Select(ReadService).ToList();
        if (name is null || services.Any(s => s is null))
        {
            return null;
        }

        var checkedServices = services.Select(s => s!).ToList();
        Diagnostics.AddRange(ManifestChecks.CrossCheck(source, checkedServices));
        return new BootManifest(name, source, new EquatableList<ServiceSpec>(checkedServices));
    }

    private void ReadVersion(YamlMappingNode map, Dictionary<string, YamlNode> fields)
    {
        if (!fields.TryGetValue("manifest", out var node))
        {
            Missing(map, "the manifest", "manifest", $"manifest: {SupportedVersion}");
            return;
        }

        var text = Scalar(node, "`manifest` (the format version)");
        if (text is not null && text != SupportedVersion.ToString(CultureInfo.InvariantCulture))
        {
            Error(node, $"manifest format version `{text}` is not supported; this program reads `manifest: {SupportedVersion}`");
        }
    }

    private ServiceSpec? ReadService(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, "each item of `services` must be a mapping (`- name: ...` with `binary:` or `module:`)");
            return null;
        }

        var fields = Fields(map, "a service", ServiceKeys);
        var name = fields.TryGetValue("name", out var nameNode) ? Name(nameNode, "a service's `name`") : Missing(map, "a service", "name", "name: pm");
        var what = name is null ? "this service" : $"service `{name}`";
        var image = ReadImage(map, fields, what);
        var flags = fields.TryGetValue("flags", out var flagsNode) ? ReadFlags(flagsNode, what) : (Flags: ServiceFlags.None, NoRestart: false);
        var dependencies = fields.TryGetValue("depends_on", out var depsNode) ? ReadDependencies(depsNode, what) : EquatableList<Dependency>.Empty;
        var restart = ReadRestart(fields, what, flags);
        if (name is null || image is null || dependencies is null || restart is null)
        {
            return null;
        }

        return new ServiceSpec(name, image.Value.Kind, image.Value.Image, dependencies, flags.Flags, restart, ManifestParser.At(map.Start));
    }

    private (ImageKind Kind, string Image)? ReadImage(YamlMappingNode map, Dictionary<string, YamlNode> fields, string what)
    {
        var hasBinary = fields.TryGetValue("binary", out var binary);
        var hasModule = fields.TryGetValue("module", out var module);
        if (hasBinary && hasModule)
        {
            Error(module!, $"{what} gives both `binary:` and `module:`; keep one (a program file, or a boot module)");
            return null;
        }

        if (!hasBinary && !hasModule)
        {
            Error(map, $"{what} has neither `binary:` nor `module:`; add one, e.g. `binary: pm`");
            return null;
        }

        var node = hasBinary ? binary! : module!;
        var text = Scalar(node, hasBinary ? "`binary`" : "`module`");
        if (text is null)
        {
            return null;
        }

        if (text.Length == 0 || text.Length > 255 || text.Any(char.IsControl))
        {
            Error(node, "the program path must be 1 to 255 printable characters");
            return null;
        }

        return (hasBinary ? ImageKind.Binary : ImageKind.Module, text);
    }

    private (ServiceFlags Flags, bool NoRestart) ReadFlags(YamlNode node, string what)
    {
        if (node is not YamlSequenceNode list)
        {
            Error(node, $"`flags` of {what} must be a list, e.g. `flags: [core, sync]`");
            return (ServiceFlags.None, false);
        }

        var flags = ServiceFlags.None;
        var noRestart = false;
        foreach (var item in list.Children)
        {
            var word = Scalar(item, "a flag");
            switch (word)
            {
                case null:
                    break;
                case "sync":
                    flags |= ServiceFlags.Synchronous;
                    break;
                case "core":
                    flags |= ServiceFlags.Core;
                    break;
                case "no_restart":
                    noRestart = true;
                    break;
                default:
                    Error(item, $"unknown flag `{word}`{Suggestions.DidYouMean(word, FlagWords)}; the flags are {Join(FlagWords)}");
                    break;
            }
        }

        return (flags, noRestart);
    }

    private EquatableList<Dependency>? ReadDependencies(YamlNode node, string what)
    {
        if (node is not YamlSequenceNode list)
        {
            Error(node, $"`depends_on` of {what} must be a list of service names, e.g. `depends_on: [vm, ds]`");
            return null;
        }

        var result = new List<Dependency>();
        var ok = true;
        foreach (var item in list.Children)
        {
            var dependency = ReadDependency(item);
            ok &= dependency is not null;
            if (dependency is not null)
            {
                result.Add(dependency);
            }
        }

        return ok ? new EquatableList<Dependency>(result) : null;
    }

    private Dependency? ReadDependency(YamlNode item)
    {
        if (item is YamlScalarNode)
        {
            var plain = Name(item, "a dependency");
            return plain is null ? null : new Dependency(plain, null, ManifestParser.At(item.Start));
        }

        if (item is not YamlMappingNode map)
        {
            Error(item, "a dependency is a service name, or `{ service: NAME, bootstrap: \"why the boot protocol breaks this edge\" }`");
            return null;
        }

        var fields = Fields(map, "a dependency", DependencyKeys);
        var name = fields.TryGetValue("service", out var nameNode) ? Name(nameNode, "a dependency's `service`") : Missing(map, "a dependency", "service", "service: task");
        string? reason = null;
        if (fields.TryGetValue("bootstrap", out var reasonNode))
        {
            reason = Scalar(reasonNode, "`bootstrap` (the reason, in words)");
            if (reason is not null && reason.Trim().Length == 0)
            {
                Error(reasonNode, "`bootstrap:` needs the reason in words: how the boot protocol provides this dependency before the service runs");
                reason = null;
            }

            if (reason is null)
            {
                return null;
            }
        }
        else if (name is not null)
        {
            Error(map, $"a dependency written as a mapping must say `bootstrap: \"...\"`; otherwise write just `{name}`");
            return null;
        }

        return name is null ? null : new Dependency(name, reason, ManifestParser.At(map.Start));
    }

    private RestartPolicy? ReadRestart(Dictionary<string, YamlNode> fields, string what, (ServiceFlags Flags, bool NoRestart) flags)
    {
        var isCore = (flags.Flags & ServiceFlags.Core) != 0;
        if (!fields.TryGetValue("restart", out var node))
        {
            return isCore || flags.NoRestart ? new RestartPolicy.Never() : RestartPolicy.Default;
        }

        if (isCore)
        {
            Error(node, $"{what} is `core` (its death stops the system), so it is never restarted; remove `restart:` or the `core` flag");
            return null;
        }

        if (flags.NoRestart)
        {
            Error(node, $"{what} has the flag `no_restart` and a `restart:` policy; keep one");
            return null;
        }

        if (node is not YamlMappingNode map)
        {
            Error(node, "`restart` must be a mapping, e.g. `restart: { init: fresh, backoff: { initial_ms: 1000, max_ms: 30000 } }`");
            return null;
        }

        var restartFields = Fields(map, "`restart`", RestartKeys);
        var init = RestartPolicy.Default.Init;
        if (restartFields.TryGetValue("init", out var initNode))
        {
            var word = Scalar(initNode, "`init`");
            switch (word)
            {
                case null:
                    return null;
                case "fresh":
                    init = InitType.Fresh;
                    break;
                case "restart":
                    init = InitType.Restart;
                    break;
                default:
                    Error(initNode, $"unknown init type `{word}`{Suggestions.DidYouMean(word, InitWords)}; write `fresh` or `restart`");
                    return null;
            }
        }

        var initial = RestartPolicy.Default.BackoffInitialMs;
        var max = RestartPolicy.Default.BackoffMaxMs;
        if (restartFields.TryGetValue("backoff", out var backoffNode))
        {
            if (backoffNode is not YamlMappingNode backoff)
            {
                Error(backoffNode, "`backoff` must be a mapping, e.g. `backoff: { initial_ms: 1000, max_ms: 30000 }`");
                return null;
            }

            var backoffFields = Fields(backoff, "`backoff`", BackoffKeys);
            if ((backoffFields.TryGetValue("initial_ms", out var i) && !Milliseconds(i, out initial)) ||
                (backoffFields.TryGetValue("max_ms", out var m) && !Milliseconds(m, out max)))
            {
                return null;
            }

            if (initial > max)
            {
                Error(backoff, $"back-off starts at {initial} ms but its maximum is {max} ms; make `initial_ms` <= `max_ms`");
                return null;
            }
        }

        return new RestartPolicy.Restart(init, initial, max);
    }

    private bool Milliseconds(YamlNode node, out int value)
    {
        value = 0;
        var text = Scalar(node, "a back-off time");
        if (text is null)
        {
            return false;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value > 3_600_000)
        {
            Error(node, $"`{text}` is not a back-off time; write whole milliseconds from 0 to 3600000");
            return false;
        }

        return true;
    }

    /// <summary>The keys of a mapping; unknown and non-scalar keys are reported (with a suggestion).</summary>
    private Dictionary<string, YamlNode> Fields(YamlMappingNode map, string what, string[] allowed)
    {
        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(keyNode, $"keys of {what} must be plain words ({Join(allowed)})");
                continue;
            }

            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                Error(keyNode, $"unknown key `{key}` in {what}{Suggestions.DidYouMean(key, allowed)}; the keys are {Join(allowed)}");
                continue;
            }

            fields[key] = value;
        }

        return fields;
    }

    /// <summary>A plain or quoted scalar's text, or null (reported) for a list, mapping or empty value.</summary>
    private string? Scalar(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { } text } scalar && !(scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && (text.Length == 0 || text == "~" || text == "null")))
        {
            return text;
        }

        Error(node, node is YamlScalarNode ? $"{what} is empty; give a value" : $"{what} must be a single value, not a list or mapping");
        return null;
    }

    private string? Name(YamlNode node, string what)
    {
        var text = Scalar(node, what);
        if (text is null)
        {
            return null;
        }

        if (!ServiceName().IsMatch(text))
        {
            Error(node, $"`{text}` is not a valid name for {what}: use 1 to 32 characters from a-z, 0-9, `_` and `-`, starting with a letter");
            return null;
        }

        return text;
    }

    private string? Missing(YamlMappingNode map, string what, string key, string example)
    {
        Error(map, $"{what} is missing `{key}:`; add it, e.g. `{example}`");
        return null;
    }

    private void Error(YamlNode node, string message) => Diagnostics.Add(new ManifestDiagnostic(source, ManifestParser.At(node.Start), message));

    private static string Join(IEnumerable<string> words) => string.Join(", ", words.Select(w => $"`{w}`"));

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,31}$")]
    private static partial Regex ServiceName();
}
