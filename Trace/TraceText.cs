using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Verified.Trace;

/// <summary>
/// The human rendering of a trace: what broke first (people read the top), then the steps from
/// the initial state, then the states. Built from the same data as the JSON, never separately.
/// </summary>
public static class TraceText
{
    public static string Render(TraceDocument trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{trace.Source.Kind} {trace.Source.Name}");
        if (trace.Source.File is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({trace.Source.File})");
        }

        text.Append(CultureInfo.InvariantCulture, $"  [{trace.Producer}]\n");
        if (trace.Violation is { } v)
        {
            text.Append(CultureInfo.InvariantCulture, $"violated: {v.Property}");
            if (v.Clause is not null && v.Clause != v.Property)
            {
                text.Append(CultureInfo.InvariantCulture, $"  clause {v.Clause}");
            }

            text.Append(CultureInfo.InvariantCulture, $"\n  {v.Message}\n");
        }

        if (trace.Machine is { } m)
        {
            AppendMachine(text, m);
        }

        if (trace.InitialState is not null)
        {
            text.Append("initial state:\n");
            AppendNode(text, trace.InitialState, 1);
        }

        for (var i = 0; i < trace.Steps.Length; i++)
        {
            var step = trace.Steps[i];
            text.Append(CultureInfo.InvariantCulture, $"step {i + 1}: {step.Kind} ");
            if (step.Actor is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"{step.Actor}: ");
            }

            text.Append(step.Operation);
            text.Append('(');
            text.Append(step.Arguments is null ? "" : Inline(step.Arguments));
            text.Append(')');
            if (step.Result is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $" -> {step.Result}");
            }

            text.Append('\n');
            if (step.State is not null)
            {
                text.Append("  state after:\n");
                AppendNode(text, step.State, 2);
            }
        }

        if (trace.Violation is { Expected: not null, Actual: not null } mismatch)
        {
            text.Append("expected vs actual:\n");
            foreach (var line in StateDiff.Differences(mismatch.Expected, mismatch.Actual))
            {
                text.Append(CultureInfo.InvariantCulture, $"  {line}\n");
            }
        }
        else if (trace.Violation?.Actual is { } actual)
        {
            text.Append("state where it broke:\n");
            AppendNode(text, actual, 1);
        }

        return text.ToString();
    }

    // Enough to tell which machine ran and where it broke; the images themselves stay in the JSON.
    private static void AppendMachine(StringBuilder text, TraceMachine m)
    {
        var images = string.Join(", ", m.Images.Select(i => $"{i.Name} ({i.Bytes.Length} bytes, sha256 {i.Sha256[..16]}…)"));
        var faults = m.PlantedFaults.IsEmpty ? "none" : string.Join(", ", m.PlantedFaults);
        text.Append(CultureInfo.InvariantCulture, $"machine: {images}\n");
        text.Append(CultureInfo.InvariantCulture, $"  {m.MemoryBytes} bytes of memory, time slice {m.TimeSlice}, run slice {m.SliceInstructions}, revoke deletions per entry {m.RevokeDeletionsPerEntry}, cross-check every {m.CrossCheckEvery}\n");
        text.Append(CultureInfo.InvariantCulture, $"  planted faults: {faults}; broke at step {m.Step}, {m.Instructions} instructions\n");
        if (m.Origin is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {m.Origin}\n");
        }
    }

    private static string Inline(JsonObject args) =>
        string.Join(", ", args.Select(kv => $"{kv.Key}={Scalar(kv.Value)}"));

    internal static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    private static void AppendNode(StringBuilder text, JsonNode node, int depth)
    {
        var indent = new string(' ', depth * 2);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (value is JsonObject or JsonArray)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"{indent}{key}:\n");
                        AppendNode(text, value, depth + 1);
                    }
                    else
                    {
                        text.Append(CultureInfo.InvariantCulture, $"{indent}{key}: {Scalar(value)}\n");
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonObject or JsonArray)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"{indent}[{i}]:\n");
                        AppendNode(text, array[i]!, depth + 1);
                    }
                    else
                    {
                        text.Append(CultureInfo.InvariantCulture, $"{indent}[{i}] {Scalar(array[i])}\n");
                    }
                }

                break;
            default:
                text.Append(CultureInfo.InvariantCulture, $"{indent}{Scalar(node)}\n");
                break;
        }
    }
}
