using System.Collections.Immutable;
using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Kernel;

/// <summary>
/// The kernel's obligation catalogue, Hyperkernel style: "init establishes every invariant",
/// the matrix operation × invariant clause (each a separate query whose premises are the
/// invariant's premise slice and the operation's success; one query per clause keeps each small
/// — the bit-blasted address arithmetic of all clauses at once is what makes a query slow), the functional lemmas, and a vacuity companion for each distinct
/// premise set (every preservation obligation of one operation shares its premises, so one
/// companion per operation covers them).
/// </summary>
public static class KernelObligations
{
    public const string PrePrefix = "pre.";
    public const string ArgPrefix = "arg.";

    public static IReadOnlyList<ProofObligation> All() => For(KernelSpec.Default);

    public static IReadOnlyList<ProofObligation> For(KernelSpec spec)
    {
        var witnesses = new Lazy<VacuityWitnesses>(() => new VacuityWitnesses(spec), LazyThreadSafetyMode.ExecutionAndPublication);
        var list = new List<ProofObligation>();
        foreach (var inv in spec.Invariants)
            list.Add(new KernelObligation($"init/establishes/{inv.Name}", ObligationKind.Init,
                $"the boot state satisfies {inv.Name}: {inv.Description}", () => Init(spec, inv)));
        list.Add(new KernelObligation("init/vacuity", ObligationKind.Vacuity, "the boot state's assumptions are satisfiable",
            () => Init(spec, spec.Invariants[0]), premisesOnly: true));
        foreach (var op in spec.Operations)
        {
            foreach (var inv in spec.Invariants)
                foreach (var clause in inv.Clauses)
                    list.Add(new KernelObligation($"{op.Name}/preserves/{inv.ClauseName(clause)}", ObligationKind.Preservation,
                        $"{op.Name} preserves {inv.ClauseName(clause)}: {clause.Description}", () => Preservation(spec, op, inv, clause)));
            list.Add(new KernelObligation($"{op.Name}/vacuity", ObligationKind.Vacuity,
                $"some state satisfying every invariant lets {op.Name} succeed (witnessed by a concrete state)",
                () => Vacuity(witnesses.Value.For(op.Name), s => Preservation(s, s.Operation(op.Name), null), spec), premisesOnly: true));
        }
        foreach (var lemma in KernelLemmas.All)
        {
            list.Add(new KernelObligation(lemma.Name, ObligationKind.Lemma, lemma.Description, () => lemma.Build(spec)));
            list.Add(new KernelObligation($"{lemma.Name}/vacuity", ObligationKind.Vacuity,
                $"the premises of {lemma.Name} are satisfiable (witnessed by a concrete state)",
                () => Vacuity(lemma.WitnessOperation is { } w ? witnesses.Value.For(w) : null, lemma.Build, spec), premisesOnly: true));
        }
        return list;
    }

    /// <summary>
    /// A vacuity companion's query: the premises, plus "the pre-state and arguments are the
    /// witness's" as named premises. Z3's model-based instantiation does not find models of these
    /// quantified premises in time, so the companion's quantifiers range over the witness's ids
    /// plus fresh ones (the Eval route, exact for this spec's clauses — see EvalDomains): the
    /// query is then quantifier-free and SAT shows the premises hold together on a real state.
    /// </summary>
    private static KernelQuery Vacuity(Witness? witness, Func<KernelSpec, KernelQuery> build, KernelSpec spec)
    {
        if (witness is null) return build(spec);
        var extraIds = witness.Args.Select(a => (RoleOf(spec, a.Key), a.Value));
        var domains = EvalDomains.For(spec.Sorts, witness.State, extraIds);
        var q = build(spec.WithQuantify(() => Quantify.Over(domains)));
        var extra = VacuityWitnesses.Clauses(witness, q.Scene.Pre, q.Scene.Args);
        return q with { Premises = [.. q.Premises, .. extra] };
    }

    private static Role RoleOf(KernelSpec spec, string arg) =>
        spec.Operations.SelectMany(o => o.Args).FirstOrDefault(a => a.Name == arg)?.Role ?? Role.None;

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
    internal static KernelQuery Preservation(KernelSpec spec, Operation op, Invariant? inv, InvariantClause? clause = null)
    {
        var (c, pre, premises) = Start(spec, inv is null ? spec.Invariants : PremiseSlices.For(spec, inv));
        var tr = op.Apply(c, pre, op.SymbolicArgs(spec.Sorts, ArgPrefix));
        premises.Add(new NamedClause($"{op.Name}.succeeds", tr.Ok));
        var goals = inv is null ? [] : KernelQuery.InvariantGoals(inv, c, pre, tr.Next).Where(g => clause is null || g.Name == inv.ClauseName(clause)).ToImmutableArray();
        return new KernelQuery([.. premises], goals, new QueryScene(pre, op, tr.Args, tr.Next, tr.Error));
    }
}
