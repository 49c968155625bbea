using System.Collections.Immutable;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Kernel;

/// <summary>
/// Which invariants a preservation query assumes for each goal invariant. Assuming fewer
/// invariants makes an obligation stronger, never weaker, so slicing is sound; it keeps the
/// quantified premises Z3 must instantiate few, which is what keeps every query under a second
/// (with all 26 clauses as premises, E-matching wanders for seconds). Each slice is the goal
/// plus the invariants its preservation argument uses (e.g. the derivation tree's needs the
/// slot/capability correspondence and "capabilities name live objects"); most invariants are
/// inductive on their own, given the operations' argument checks.
/// </summary>
public static class PremiseSlices
{
    private static readonly ImmutableDictionary<string, string[]> Support = new Dictionary<string, string[]>
    {
        ["inv.cap_table"] = [],
        ["inv.derivation_forest"] = ["inv.cap_table", "inv.cap_object"],
        ["inv.no_rights_amplification"] = ["inv.derivation_forest", "inv.cap_table"],
        ["inv.badges_immutable"] = ["inv.derivation_forest", "inv.cap_table"],
        ["inv.cap_object"] = [],
        ["inv.untyped"] = [],
        ["inv.grant_revocation"] = [],
        ["inv.grant_chain"] = [],
        ["inv.boot_order"] = [],
        ["inv.single_start"] = [],
        ["inv.tasks"] = [],
    }.ToImmutableDictionary();

    /// <summary>The invariants assumed when proving <paramref name="goal"/> is preserved (the goal first).</summary>
    public static IEnumerable<Invariant> For(KernelSpec spec, Invariant goal)
    {
        var names = Support.TryGetValue(goal.Name, out var s) ? s : spec.Invariants.Select(i => i.Name).Where(n => n != goal.Name).ToArray();
        return [goal, .. names.Select(spec.Invariant)];
    }

    public static IEnumerable<Invariant> Named(KernelSpec spec, params string[] names) => names.Select(spec.Invariant);
}
