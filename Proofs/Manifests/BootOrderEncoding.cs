using System.Numerics;
using Verified.Manifests;
using Verified.Smt;

namespace Verified.Proofs.Manifests;

/// <summary>
/// The boot-order query of a manifest (docs/MANIFEST.md, "The boot-order check"): one
/// bit-vector position per service (not required distinct: services at equal positions have no
/// edge between them, so any tie-break gives a valid order, and "distinct" would turn an easy
/// difference problem into a pigeonhole one that times out at a few hundred services); per
/// dependency edge svc -> dep not broken by
/// the bootstrap protocol the tracked clause `dep:svc->dep` (pos dep &lt; pos svc); per edge the
/// tracked clause `core:svc->dep` (a core service depends only on core or restartable services).
/// </summary>
internal static class BootOrderEncoding
{
    public const string OrderPrefix = "dep:";
    public const string CorePrefix = "core:";

    /// <summary>Wide enough for positions 0 .. n-1, the longest chain a DAG of n services can need.</summary>
    public static uint Width(int services) => (uint)Math.Max(1, 64 - BitOperations.LeadingZeroCount((ulong)Math.Max(1, services - 1)));

    public static Term Position(Context context, BootManifest manifest, string service) =>
        context.BitVecConst($"pos.{service}", Width(manifest.Services.Count));

    /// <summary>Every tracked clause name the encoding can assert, in assertion order.</summary>
    public static IEnumerable<string> ClauseNames(BootManifest manifest)
    {
        foreach (var edge in manifest.Edges)
        {
            if (!edge.BootstrapBroken)
            {
                yield return OrderPrefix + edge;
            }

            yield return CorePrefix + edge;
        }
    }

    /// <summary>
    /// Asserts the query; with <paramref name="only"/>, just those tracked clauses (the untracked
    /// background, the flag values, always).
    /// </summary>
    public static void Encode(Context context, Solver solver, BootManifest manifest, IReadOnlySet<string>? only = null)
    {
        foreach (var service in manifest.Services)
        {
            solver.Assert(context.Eq(Core(context, service.Name), context.Bool(service.IsCore)));
            solver.Assert(context.Eq(Restartable(context, service.Name), context.Bool(service.IsRestartable)));
        }

        foreach (var edge in manifest.Edges)
        {
            var order = OrderPrefix + edge;
            if (!edge.BootstrapBroken && (only is null || only.Contains(order)))
            {
                solver.AssertAndTrack(context.BvULt(Position(context, manifest, edge.DependsOn), Position(context, manifest, edge.Service)), order);
            }

            var core = CorePrefix + edge;
            if (only is null || only.Contains(core))
            {
                var premise = context.And(Core(context, edge.Service), context.Not(Core(context, edge.DependsOn)));
                solver.AssertAndTrack(context.Implies(premise, Restartable(context, edge.DependsOn)), core);
            }
        }
    }

    private static Term Core(Context context, string service) => context.BoolConst($"core.{service}");

    private static Term Restartable(Context context, string service) => context.BoolConst($"restartable.{service}");
}
