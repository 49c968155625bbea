using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using Verified.Kernel.Abi;
using Verified.Trace;

namespace Verified.Kernel.Run;

/// <summary>
/// Records the syscalls and faults of a run in the project's trace format (Trace/), for
/// `verified boot --trace`. Arguments are hexadecimal strings (64-bit values do not fit JSON numbers).
/// </summary>
public sealed class BootTrace
{
    private readonly List<TraceStep> steps = [];

    /// <summary>Starts recording a system's kernel events.</summary>
    public BootTrace(KernelSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        system.Kernel.Events += Record;
        Initial = new JsonObject
        {
            ["rootTask"] = system.RootTask.ToString(),
            ["objects"] = system.Kernel.Objects.Capacity,
            ["memoryBytes"] = system.Kernel.Memory.Size,
        };
    }

    /// <summary>The initial state summary.</summary>
    public JsonObject Initial { get; }

    /// <summary>Steps recorded so far.</summary>
    public IReadOnlyList<TraceStep> Steps => steps;

    /// <summary>The trace document for a boot of a named image.</summary>
    public TraceDocument ToDocument(string image, RunOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        TraceViolation? violation = outcome switch
        {
            RunOutcome.Stuck s => new TraceViolation("boot completes", "root task exits", s.Reason),
            RunOutcome.InstructionLimit l => new TraceViolation("boot completes", "instruction limit", $"limit reached after {l.Instructions} instructions"),
            _ => null,
        };
        return new TraceDocument("kernel", new TraceSource("boot", Path.GetFileName(image), image), (JsonObject)Initial.DeepClone(), [.. steps], violation);
    }

    private void Record(KernelEvent e)
    {
        switch (e)
        {
            case KernelEvent.Syscall s:
                var args = new JsonObject();
                for (var i = 0; i < s.Args.Length; i++)
                {
                    args[$"a{i}"] = "0x" + s.Args[i].ToString("x", CultureInfo.InvariantCulture);
                }

                var name = Enum.IsDefined(s.Number) ? s.Number.ToString() : ((long)s.Number).ToString(CultureInfo.InvariantCulture);
                steps.Add(new TraceStep(StepKinds.Syscall, s.Task.ToString(), name, args, s.Blocked ? "blocked" : s.Status.ToString()));
                break;
            case KernelEvent.Fault f:
                var fargs = new JsonObject
                {
                    ["address"] = "0x" + f.Address.ToString("x", CultureInfo.InvariantCulture),
                    ["rip"] = "0x" + f.Rip.ToString("x", CultureInfo.InvariantCulture),
                };
                steps.Add(new TraceStep(StepKinds.Fault, f.Task.ToString(), f.Kind.ToString(), fargs, f.Delivered ? "delivered to the fault endpoint" : "task stopped"));
                break;
            default:
                throw new InvalidOperationException($"unknown kernel event {e}");
        }
    }
}
