using System.Globalization;
using System.Text.Json.Nodes;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Trace;

namespace Verified.Proofs.Refinement;

/// <summary>The outcome of replaying a refinement trace.</summary>
public abstract record ReplayOutcome
{
    /// <summary>The same property and clause broke (for a C#-driven trace, at the same step; <paramref name="Note"/> says how a machine replay compares with the recording).</summary>
    public sealed record Reproduced(RefinementViolation Violation, int Step, string? Note = null) : ReplayOutcome;

    /// <summary>The trace ran and the recorded violation did not happen (fixed, or another one happened).</summary>
    public sealed record NotReproduced(string Why) : ReplayOutcome;

    /// <summary>The trace is not a refinement trace this replayer can run.</summary>
    public sealed record BadInput(string Why) : ReplayOutcome;
}

/// <summary>
/// Re-executes a refinement trace on a freshly booted kernel with the checker on: a C#-driven
/// trace by its syscalls, a run on the emulated CPU by running its machine again (<see cref="MachineReplayer"/>).
/// </summary>
public static class Replayer
{
    public static ReplayOutcome Replay(TraceDocument trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (trace.Producer != Counterexample.Producer) return new ReplayOutcome.BadInput($"producer is '{trace.Producer}', this replays '{Counterexample.Producer}' traces");
        if (trace.Violation is null) return new ReplayOutcome.BadInput("the trace records no violation to reproduce");
        if (trace.Machine is not null) return MachineReplayer.Replay(trace, trace.Machine, trace.Violation);
        var init = trace.InitialState;
        if (init?["memoryBytes"] is not JsonValue mem || !mem.TryGetValue<ulong>(out var memoryBytes)
            || init["cnodeBits"] is not JsonValue cb || !cb.TryGetValue<int>(out var cnodeBits))
        {
            return new ReplayOutcome.BadInput("initial state needs memoryBytes and cnodeBits (integers)");
        }

        var names = new List<string>();
        if (init["plantedFaults"] is JsonArray planted)
        {
            for (var i = 0; i < planted.Count; i++)
            {
                if (planted[i] is not JsonValue pv || !pv.TryGetValue<string>(out var name)) return new ReplayOutcome.BadInput($"initial state field 'plantedFaults[{i}]' must be a string");
                names.Add(name);
            }
        }
        else if (init["plantedFaults"] is not null)
        {
            return new ReplayOutcome.BadInput("initial state field 'plantedFaults' must be an array of names");
        }

        var faults = PlantedFaultNames.FromNames(names, out var error);
        if (faults is null) return new ReplayOutcome.BadInput(error!);
        var calls = new List<(int Task, long Number, ulong[] Args, bool Fault)>();
        foreach (var (step, i) in trace.Steps.Select((s, i) => (s, i)))
        {
            if (!TryParseStep(step, out var c, out var why)) return new ReplayOutcome.BadInput($"step {i + 1}: {why}");
            calls.Add(c);
        }

        var boot = new BootParameters(memoryBytes, cnodeBits);
        if (!boot.TryBootKernel(out var booted, out var bootError)) return new ReplayOutcome.BadInput($"initial state: {bootError}");
        var kernel = booted!.Kernel;
        kernel.Faults = faults;
        kernel.RevokeDeletionsPerEntry = int.MaxValue;
        var checker = RefinementChecker.Attach(kernel, new RefinementChecker { Boot = boot, PlantedFaults = [.. names] });
        for (var i = 0; i < calls.Count; i++)
        {
            var (task, number, args, fault) = calls[i];
            if (kernel.Objects[task] is not TaskObject { IsLive: true, State: TaskState.Ready } t)
            {
                return new ReplayOutcome.NotReproduced($"step {i + 1}: task#{task} is not a ready task in the replay");
            }

            if (fault) kernel.RaiseFault(t, (FaultKind)number, args[0], args[1]);
            else kernel.Syscall(t, number, args);
            if (checker.Violation is { } v)
            {
                return v.Property == trace.Violation.Property && v.Clause == trace.Violation.Clause && i == calls.Count - 1
                    ? new ReplayOutcome.Reproduced(v, i + 1)
                    : new ReplayOutcome.NotReproduced($"step {i + 1} broke {v.Property}/{v.Clause} instead: {v.Message}");
            }
        }

        return new ReplayOutcome.NotReproduced($"all {calls.Count} steps pass the checker");
    }

    private static bool TryParseStep(TraceStep step, out (int, long, ulong[], bool) call, out string why)
    {
        call = default;
        why = "";
        if (step.Kind is not (StepKinds.Syscall or StepKinds.Fault) || step.Actor is null || !step.Actor.StartsWith("task#", StringComparison.Ordinal)
            || !int.TryParse(step.Actor.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var task))
        {
            why = "expected a syscall or fault step by task#N";
            return false;
        }

        if (step.Kind == StepKinds.Fault) return TryParseFault(step, task, out call, out why);

        if (step.Arguments?["number"] is not JsonValue nv || !nv.TryGetValue<long>(out var number))
        {
            why = "arguments need the syscall number";
            return false;
        }

        var args = new ulong[6];
        for (var i = 0; i < 6; i++)
        {
            var s = step.Arguments[$"a{i}"] is JsonValue av && av.TryGetValue<string>(out var text) ? text : null;
            if (s is null || !s.StartsWith("0x", StringComparison.Ordinal) || !ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out args[i]))
            {
                why = $"argument a{i} must be a 0x-hex string";
                return false;
            }
        }

        call = (task, number, args, false);
        return true;
    }

    // A fault the run loop raised: kind (a defined FaultKind), address and code.
    private static bool TryParseFault(TraceStep step, int task, out (int, long, ulong[], bool) call, out string why)
    {
        call = default;
        why = "";
        if (step.Arguments?["kind"] is not JsonValue kv || !kv.TryGetValue<long>(out var kind) || !Enum.IsDefined((FaultKind)kind))
        {
            why = "a fault step needs its kind (a fault kind's number)";
            return false;
        }

        var args = new ulong[2];
        string[] names = ["address", "code"];
        for (var i = 0; i < 2; i++)
        {
            var s = step.Arguments[names[i]] is JsonValue av && av.TryGetValue<string>(out var text) ? text : null;
            if (s is null || !s.StartsWith("0x", StringComparison.Ordinal) || !ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out args[i]))
            {
                why = $"fault field {names[i]} must be a 0x-hex string";
                return false;
            }
        }

        call = (task, kind, args, true);
        return true;
    }
}
