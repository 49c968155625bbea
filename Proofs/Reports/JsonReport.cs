using System.Text.Json;
using System.Text.Json.Nodes;
using Verified.Trace;

namespace Verified.Proofs.Reports;

/// <summary>
/// `verified prove --json`: exactly
/// {"obligations":[{"name","status","ms","counterexample"?}],"summary":{"proved","failed","ms"}},
/// where a counterexample is the trace's own JSON object (Trace/TraceJson), so tools that read
/// traces read it unchanged.
/// </summary>
public static class JsonReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject ToJson(ProveReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var obligations = new JsonArray();
        foreach (var result in report.Results)
        {
            var entry = new JsonObject
            {
                ["name"] = result.Name,
                ["status"] = result.Status,
                ["ms"] = result.Milliseconds,
            };
            if (result is ObligationResult.Counterexample counterexample)
            {
                entry["counterexample"] = TraceJson.ToJson(counterexample.Trace);
            }

            obligations.Add(entry);
        }

        return new JsonObject
        {
            ["obligations"] = obligations,
            ["summary"] = new JsonObject
            {
                ["proved"] = report.Proved,
                ["failed"] = report.Failed,
                ["ms"] = report.WallMilliseconds,
            },
        };
    }

    public static string Serialize(ProveReport report) => ToJson(report).ToJsonString(Indented);
}
