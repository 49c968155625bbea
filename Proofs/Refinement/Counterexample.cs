using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using Verified.Spec;
using Verified.Spec.Kernel;
using Verified.Trace;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The checker's run as a trace in the project's format (producer "refinement"): the boot
/// parameters and planted faults as the initial state, every syscall (and fault the run loop raised) from boot, and the
/// violation with the expected (spec) and actual (kernel) abstract post-states.
/// </summary>
public static class Counterexample
{
    public const string Producer = "refinement";

    public static TraceDocument ToTrace(RefinementChecker checker, string scenario)
    {
        ArgumentNullException.ThrowIfNull(checker);
        var initial = new JsonObject
        {
            ["memoryBytes"] = checker.Boot.MemoryBytes,
            ["cnodeBits"] = checker.Boot.CNodeBits,
            ["plantedFaults"] = new JsonArray([.. checker.PlantedFaults.Select(f => (JsonNode)JsonValue.Create(f))]),
        };
        var steps = checker.Steps.Select(s => s.Fault
            ? new TraceStep(StepKinds.Fault, $"task#{s.Task}", ((Verified.Kernel.Abi.FaultKind)s.Number).ToString(), FaultJson(s.Number, s.Args), null)
            : new TraceStep(
                StepKinds.Syscall,
                $"task#{s.Task}",
                RefinementChecker.Describe(s.Number),
                ArgsJson(s.Number, s.Args),
                s.Restarted ? $"{s.Status} (restarted)" : s.Status.ToString())).ToImmutableArray();
        TraceViolation? violation = checker.Violation is { } v
            ? new TraceViolation(v.Property, v.Clause, v.Message, v.Expected is null ? null : StateJson(v.Expected), StateJson(v.Actual))
            : null;
        return new TraceDocument(Producer, new TraceSource("scenario", scenario), initial, steps, violation);
    }

    /// <summary>
    /// The trace of a checked run on the emulated CPU (format version 2): the syscalls and the
    /// violation as for a C#-driven run, plus the machine section — the images by value with their
    /// hashes, the boot and run settings, the planted faults, and the step and instruction count
    /// at the violation — from which <see cref="Replayer"/> runs the same machine again.
    /// </summary>
    public static TraceDocument ToMachineTrace(CheckedMachineRun run, string scenario)
    {
        ArgumentNullException.ThrowIfNull(run);
        var r = run.Recipe;
        var initial = new JsonObject
        {
            ["rootTask"] = run.System.RootTask.ToString(),
            ["images"] = new JsonArray([.. r.Images.Select(i => (JsonNode)JsonValue.Create(i.Name))]),
            ["memoryBytes"] = r.MemoryBytes,
            ["plantedFaults"] = new JsonArray([.. r.PlantedFaults.Select(f => (JsonNode)JsonValue.Create(f))]),
        };
        var machine = new TraceMachine(
            r.Images, r.MemoryBytes, r.TimeSlice, r.SliceInstructions, run.System.Kernel.RevokeDeletionsPerEntry, r.CrossCheckEvery,
            r.PlantedFaults, run.Checker.Steps.Count, run.Instructions, r.Origin);
        return ToTrace(run.Checker, scenario) with { Source = new TraceSource("machine", scenario), InitialState = initial, Machine = machine };
    }

    public static string Render(RefinementChecker checker) => TraceText.Render(ToTrace(checker, "refinement check"));

    // A fault the run loop raised: its kind (as a number), address and code.
    private static JsonObject FaultJson(long kind, ImmutableArray<ulong> args) =>
        new() { ["kind"] = kind, ["address"] = $"0x{args[0]:x}", ["code"] = $"0x{args[1]:x}" };

    private static JsonObject ArgsJson(long number, ImmutableArray<ulong> args)
    {
        var o = new JsonObject { ["number"] = number };
        for (var i = 0; i < args.Length; i++) o[$"a{i}"] = $"0x{args[i]:x}";
        return o;
    }

    /// <summary>An abstract state as JSON: each field's entries (defaults omitted), keys and values as text.</summary>
    public static JsonObject StateJson(ConcreteState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var o = new JsonObject();
        foreach (var f in KernelState.Fields)
        {
            var v = state[f.Name];
            if (v is MapValue m)
            {
                if (m.Entries.Count > 0) o[f.Name] = MapJson(m);
            }
            else
            {
                o[f.Name] = Text(v);
            }
        }

        return o;
    }

    private static JsonObject MapJson(MapValue m)
    {
        var o = new JsonObject();
        foreach (var (k, v) in m.Entries.OrderBy(e => Text(e.Key), StringComparer.Ordinal))
        {
            o[Text(k)] = v is MapValue inner ? MapJson(inner) : JsonValue.Create(Text(v));
        }

        return o;
    }

    public static string Text(Value v) => v switch
    {
        BoolValue b => b.Value ? "true" : "false",
        BitVecValue bv => bv.Width <= 24 ? bv.Bits.ToString("D", CultureInfo.InvariantCulture).PadLeft(bv.Width > 16 ? 8 : 5, '0') : $"0x{bv.Bits:x}",
        EnumValue e => e.Member,
        _ => v.ToString() ?? "",
    };
}
