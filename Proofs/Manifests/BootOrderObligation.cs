using System.Text.Json.Nodes;
using Verified.Manifests;
using Verified.Smt;
using Verified.Trace;

namespace Verified.Proofs.Manifests;

/// <summary>
/// "This manifest has a boot order": proved when SAT, with the order read from the model; when
/// UNSAT, the counterexample names the clauses of a minimal unsat core — for ordering, exactly the
/// edges of one dependency cycle.
/// </summary>
public sealed class BootOrderObligation(BootManifest manifest) : ProofObligation
{
    /// <summary>The property name in traces.</summary>
    public const string Property = "manifest.boot-order";

    private static readonly TimeSpan MinimisationLimit = TimeSpan.FromSeconds(10);

    public BootManifest Manifest { get; } = manifest ?? throw new ArgumentNullException(nameof(manifest));

    public override string Name => $"manifest.{Manifest.Name}.boot-order";

    public override ObligationKind Kind => ObligationKind.Manifest;

    public override bool ExpectSat => true;

    public override string Description => $"the services of {Manifest.Name} ({Manifest.Services.Count}) can boot in an order that respects every dependency";

    public override void Encode(Context context, Solver solver) => BootOrderEncoding.Encode(context, solver, Manifest);

    /// <summary>"boot order: a, b, c" (and the edges the bootstrap protocol breaks).</summary>
    public override string? DescribeWitness(Context context, Model model)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        var order = Manifest.Services
            .Select(s => (s.Name, Position: model.EvalBitVec(BootOrderEncoding.Position(context, Manifest, s.Name))))
            .Select((p, index) => (p.Name, p.Position, index))
            .OrderBy(p => p.Position)
            .ThenBy(p => p.index) // equal positions have no edge between them: keep manifest order
            .Select(p => p.Name);
        var text = "boot order: " + string.Join(", ", order);
        var broken = Manifest.Edges.Where(e => e.BootstrapBroken).Select(e => e.ToString()).ToList();
        return broken.Count == 0 ? text : $"{text} (bootstrap breaks {string.Join(", ", broken)})";
    }

    /// <summary>A boot order is the success; a model is never a counterexample here.</summary>
    public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;

    public override TraceDocument DecodeUnsat(Context context, IReadOnlyList<string> core)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(core);
        var minimal = Minimise(context, core);
        var cycle = CycleOrder(minimal.Where(n => n.StartsWith(BootOrderEncoding.OrderPrefix, StringComparison.Ordinal))
            .Select(n => n[BootOrderEncoding.OrderPrefix.Length..]).ToList());
        var coreRule = minimal.Where(n => n.StartsWith(BootOrderEncoding.CorePrefix, StringComparison.Ordinal))
            .Select(n => n[BootOrderEncoding.CorePrefix.Length..]).ToList();
        var message = new List<string>();
        if (cycle.Count > 0)
        {
            var services = cycle.Select(e => e.Split("->")[0]).Append(cycle[0].Split("->")[0]);
            message.Add($"no boot order: the dependencies form the cycle {string.Join(" -> ", services)} " +
                        $"(edges {string.Join(", ", cycle)}); remove one of these dependencies, or mark the one the bootstrap protocol breaks with `bootstrap: \"why\"`");
        }

        foreach (var edge in coreRule)
        {
            var parts = edge.Split("->");
            message.Add($"core service `{parts[0]}` depends on `{parts[1]}`, which is neither core nor restarted: if it dies the system runs on without it; make `{parts[1]}` core or restartable, or drop the dependency");
        }

        var relevant = cycle.Concat(coreRule).SelectMany(e => e.Split("->")).ToHashSet(StringComparer.Ordinal);
        return new TraceDocument(
            TraceProducers.Prove,
            new TraceSource("manifest", Manifest.Name, Manifest.Source),
            ServicesState(relevant),
            [],
            new TraceViolation(Property, string.Join(", ", minimal), message.Count == 0 ? "no boot order (empty unsat core)" : string.Join("\n  ", message)));
    }

    /// <summary>
    /// Deletion-based core minimisation: drop each clause in turn and keep it out when the rest is
    /// still UNSAT. The result is a minimal unsatisfiable set; for strict order constraints that
    /// is one simple cycle. A check that is not UNSAT (SAT or unknown) keeps the clause.
    /// </summary>
    private List<string> Minimise(Context context, IReadOnlyList<string> core)
    {
        var keep = core.ToList();
        foreach (var clause in core)
        {
            var without = keep.Where(n => n != clause).ToHashSet(StringComparer.Ordinal);
            using var solver = context.Solver();
            solver.Timeout = MinimisationLimit;
            BootOrderEncoding.Encode(context, solver, Manifest, without);
            if (solver.Check() is SolverOutcome.Unsat)
            {
                keep.Remove(clause);
            }
        }

        return keep;
    }

    /// <summary>Orders cycle edges so each one's dependency is the next one's service, starting in manifest order.</summary>
    private List<string> CycleOrder(List<string> edges)
    {
        var manifestOrder = Manifest.Edges.Select(e => e.ToString()).ToList();
        var remaining = edges.OrderBy(e => manifestOrder.IndexOf(e)).ToList();
        var ordered = new List<string>();
        while (remaining.Count > 0)
        {
            var next = ordered.Count == 0
                ? remaining[0]
                : remaining.FirstOrDefault(e => e.Split("->")[0] == ordered[^1].Split("->")[1]) ?? remaining[0];
            ordered.Add(next);
            remaining.Remove(next);
        }

        return ordered;
    }

    private JsonObject ServicesState(HashSet<string> relevant)
    {
        var services = new JsonObject();
        foreach (var service in Manifest.Services.Where(s => relevant.Contains(s.Name)))
        {
            services[service.Name] = new JsonObject
            {
                ["depends_on"] = new JsonArray(service.DependsOn.Select(d => (JsonNode?)JsonValue.Create(d.IsBootstrapBroken ? $"{d.Service} (bootstrap)" : d.Service)).ToArray()),
                ["core"] = service.IsCore,
                ["restartable"] = service.IsRestartable,
                ["sync"] = service.IsSynchronous,
            };
        }

        return new JsonObject { ["services"] = services };
    }
}
