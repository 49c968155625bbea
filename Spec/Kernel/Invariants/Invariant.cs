using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// One named clause of an invariant: ∀ vars. Body. <see cref="Relational"/> clauses relate the
/// state before and after a step (e.g. badges never change); the others read only one state.
/// Keeping the bound variables explicit lets a proof assert the clause as a premise (quantified)
/// and negate it as a goal with fresh witness constants, whose model values then name the
/// objects that matter in a counterexample.
/// </summary>
public sealed record InvariantClause(
    string Name,
    string Description,
    ImmutableArray<(string Name, Role Role)> Vars,
    Func<Ctx, KernelState, KernelState, Term[], Term> Body,
    bool Relational = false,
    Func<KernelState, Term[], Term[]>? Trigger = null)
{
    /// <summary>The clause over <paramref name="s"/> (and <paramref name="pre"/> for relational clauses), quantified by <paramref name="c"/>'s mode.</summary>
    public Term Quantified(Ctx c, KernelState pre, KernelState s) =>
        Vars.Length == 0
            ? Body(c, pre, s, [])
            : c.Q.ForAllMany([.. Vars.Select(v => (v.Role, c.K.SortOf(v.Role), v.Name))], bound => Body(c, pre, s, bound),
                Trigger is null ? null : bound => Trigger(s, bound));

    /// <summary>The clause body at the given witnesses (no quantifier).</summary>
    public Term At(Ctx c, KernelState pre, KernelState s, Term[] witnesses)
    {
        if (witnesses.Length != Vars.Length)
            throw new ArgumentException($"Clause {Name}: {Vars.Length} witnesses needed, got {witnesses.Length}", nameof(witnesses));
        return Body(c, pre, s, witnesses);
    }
}

/// <summary>A named invariant: a set of named clauses, so a counterexample says which clause broke.</summary>
public sealed record Invariant(string Name, string Description, ImmutableArray<InvariantClause> Clauses)
{
    public IEnumerable<InvariantClause> StateClauses => Clauses.Where(c => !c.Relational);

    /// <summary>Full name of a clause, e.g. inv.derivation_forest.parent_live.</summary>
    public string ClauseName(InvariantClause clause) => $"{Name}.{clause.Name}";
}
