using System.Text.Json.Nodes;

namespace Verified.Trace;

/// <summary>
/// The readable difference of two states, one line per differing leaf path (e.g.
/// <c>caps.7.rights: expected "r", actual "rw"</c>), in a stable order.
/// </summary>
public static class StateDiff
{
    public static IReadOnlyList<string> Differences(JsonNode? expected, JsonNode? actual)
    {
        var lines = new List<string>();
        Walk("", expected, actual, lines);
        return lines;
    }

    private static void Walk(string path, JsonNode? expected, JsonNode? actual, List<string> lines)
    {
        if (JsonNode.DeepEquals(expected, actual))
        {
            return;
        }

        if (expected is JsonObject e && actual is JsonObject a)
        {
            foreach (var key in e.Select(kv => kv.Key).Union(a.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
            {
                Walk(Join(path, key), e[key], a[key], lines);
            }

            return;
        }

        if (expected is JsonArray ea && actual is JsonArray aa)
        {
            for (var i = 0; i < Math.Max(ea.Count, aa.Count); i++)
            {
                Walk(Join(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), i < ea.Count ? ea[i] : null, i < aa.Count ? aa[i] : null, lines);
            }

            return;
        }

        var where = path.Length == 0 ? "(state)" : path;
        lines.Add($"{where}: expected {Describe(expected)}, actual {Describe(actual)}");
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Describe(JsonNode? node) => node is null ? "absent" : node.ToJsonString();
}
