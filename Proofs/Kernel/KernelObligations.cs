using System.Collections.Immutable;
using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Kernel;

/// <summary>
/// The kernel's obligation catalogue, Hyperkernel style: "init establishes every invariant",
/// the matrix operation × invariant clause (each a separate query whose premises are the
/// invariant's premise slice and the operation's success; one query per clause keeps each small
/// — the bit-blasted address arithmetic of all clauses at once is what makes a query slow), the
/// functional lemmas, and vacuity companions: every obligation names the companion whose premises
/// include all of its own (one per operation for its preservation obligations, one per lemma, one
/// for init), so the companion's model shows the obligation's premises satisfiable.
/// </summary>
public static class KernelObligations
{
    public const string PrePrefix = "pre.";
    public const string ArgPrefix = "arg.";

    public static IReadOnlyList<ProofObligation> All() => For(KernelSpec.Default);

    public static IReadOnlyList<ProofObligation> For(KernelSpec spec)
    {
        var list = new List<ProofObligation>();
        const string initVacuity = "init/vacuity";
        foreach (var inv in spec.Invariants)
            list.Add(new KernelObligation($"init/establishes/{inv.Name}", ObligationKind.Init,
                $"the boot state satisfies {inv.Name}: {inv.Description}", spec, s => Init(s, s.Invariant(inv.Name)), initVacuity));
        list.Add(new KernelObligation(initVacuity, ObligationKind.Vacuity, "the boot state's assumptions are satisfiable",
            spec, s => Init(s, s.Invariants[0]), premisesOnly: true));
        foreach (var op in spec.Operations)
        {
            // One companion per operation: its premises (every invariant, the operation succeeds)
            // include every premise of each preservation obligation of the operation (a premise
            // slice), so a model of them is a model of each obligation's premises.
            var companion = $"{op.Name}/vacuity";
            foreach (var inv in spec.Invariants)
                foreach (var clause in inv.Clauses)
                    list.Add(new KernelObligation($"{op.Name}/preserves/{inv.ClauseName(clause)}", ObligationKind.Preservation,
                        $"{op.Name} preserves {inv.ClauseName(clause)}: {clause.Description}", spec,
                        s => Preservation(s, s.Operation(op.Name), s.Invariant(inv.Name), clause.Name), companion));
            list.Add(new KernelObligation(companion, ObligationKind.Vacuity,
                $"some state satisfying every invariant lets {op.Name} succeed (the premises of every {op.Name}/preserves obligation)",
                spec, s => Preservation(s, s.Operation(op.Name), null), premisesOnly: true));
        }
        foreach (var lemma in KernelLemmas.All)
        {
            var companion = $"{lemma.Name}/vacuity";
            list.Add(new KernelObligation(lemma.Name, ObligationKind.Lemma, lemma.Description, spec, lemma.Build, companion));
            list.Add(new KernelObligation(companion, ObligationKind.Vacuity,
                $"the premises of {lemma.Name} are satisfiable", spec, lemma.Build, premisesOnly: true));
        }
        return list;
    }

    /// <summary>A fresh symbolic pre-state, with every invariant as premises.</summary>
    internal static (Ctx Ctx, KernelState Pre, List<NamedClause> Premises) Start(KernelSpec spec, IEnumerable<Invariant> assumed)
    {
        var c = spec.SymbolicContext();
        var pre = KernelState.Symbolic(spec.Sorts, PrePrefix);
        return (c, pre, [.. KernelQuery.InvariantPremises(assumed, c, pre)]);
    }

    private static KernelQuery Init(KernelSpec spec, Invariant inv)
    {
        var c = spec.SymbolicContext();
        var (state, assumption) = spec.SymbolicInit("init.");
        var goals = KernelQuery.InvariantGoals(inv, c, state, state, includeRelational: false).ToImmutableArray();
        return new KernelQuery([new NamedClause("init.assumption", assumption)], goals,
            new QueryScene(state, null, ImmutableDictionary<string, Term>.Empty, null, null));
    }

    /// <summary>op preserves inv, assuming inv's premise slice; with <paramref name="inv"/> null, the vacuity premises (every invariant, op succeeds).</summary>
    internal static KernelQuery Preservation(KernelSpec spec, Operation op, Invariant? inv, string? clauseName = null)
    {
        var (c, pre, premises) = Start(spec, inv is null ? spec.Invariants : PremiseSlices.For(spec, inv));
        var tr = op.Apply(c, pre, op.SymbolicArgs(spec.Sorts, ArgPrefix));
        premises.Add(new NamedClause($"{op.Name}.succeeds", tr.Ok));
        var goals = inv is null ? [] : KernelQuery.InvariantGoals(inv, c, pre, tr.Next).Where(g => clauseName is null || g.Name == $"{inv.Name}.{clauseName}").ToImmutableArray();
        return new KernelQuery([.. premises], goals, new QueryScene(pre, op, tr.Args, tr.Next, tr.Error));
    }
}
