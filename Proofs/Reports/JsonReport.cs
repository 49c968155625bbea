using System.Text.Json;
using System.Text.Json.Nodes;
using Verified.Trace;

namespace Verified.Proofs.Reports;

/// <summary>
/// `verified prove --json`: exactly
/// {"obligations":[{"name","status","ms","vacuity"?,"counterexample"?}],"summary":{"proved","failed","ms"}},
/// where "vacuity" is {"companion","status"}: the vacuity companion that shows the obligation's
/// premises satisfiable and that companion's status in this run ("not run" when filtered out),
/// and a counterexample is the trace's own JSON object (Trace/TraceJson), so tools that read
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
            if (result.VacuityCompanion is { } companion)
            {
                // Per obligation: which companion showed its premises satisfiable, and whether it did.
                entry["vacuity"] = new JsonObject
                {
                    ["companion"] = companion,
                    ["status"] = report.CompanionOf(result)?.Status ?? "not run",
                };
            }

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
