using System.Collections.Immutable;
using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Kernel;

/// <summary>A witness of a negated goal clause: a fresh constant standing for the clause's bound variable.</summary>
public sealed record GoalWitness(string Name, Role Role, VarTerm Var);

/// <summary>
/// One clause of a goal, at its witnesses: the query asserts that some goal clause is false, so a
/// model says which one (and at which ids) broke.
/// </summary>
public sealed record GoalClause(string Name, string Description, Term Body, ImmutableArray<GoalWitness> Witnesses)
{
    public bool Equals(GoalClause? other) => other is not null && Name == other.Name && Body.Equals(other.Body) && Witnesses.SequenceEqual(other.Witnesses);

    public override int GetHashCode() => HashCode.Combine(Name, Body);
}

/// <summary>What a counterexample shows: the pre-state, the operation and arguments (if any), the post-state.</summary>
public sealed record QueryScene(KernelState Pre, Operation? Operation, IReadOnlyDictionary<string, Term> Args, KernelState? Post, Term? Error);

/// <summary>
/// A kernel query in Spec terms: named premises and goal clauses. Proved (UNSAT) when no model
/// satisfies the premises with some goal clause false; a vacuity companion asks only that the
/// premises are satisfiable.
/// </summary>
public sealed record KernelQuery(ImmutableArray<NamedClause> Premises, ImmutableArray<GoalClause> Goals, QueryScene Scene)
{
    public bool Equals(KernelQuery? other) => other is not null && Premises.SequenceEqual(other.Premises) && Goals.SequenceEqual(other.Goals);

    public override int GetHashCode() => HashCode.Combine(Premises.Length, Goals.Length);

    /// <summary>The clauses of <paramref name="invariants"/> on <paramref name="s"/>, quantified, as premises named pre.&lt;clause&gt;.</summary>
    public static IEnumerable<NamedClause> InvariantPremises(IEnumerable<Invariant> invariants, Ctx c, KernelState s, string prefix = "pre.") =>
        invariants.SelectMany(inv => inv.StateClauses.Select(cl => new NamedClause(prefix + inv.ClauseName(cl), cl.Quantified(c, s, s))));

    /// <summary>The clauses of <paramref name="inv"/> as goals on (pre, post), each at fresh witnesses.</summary>
    public static IEnumerable<GoalClause> InvariantGoals(Invariant inv, Ctx c, KernelState pre, KernelState post, bool includeRelational = true) =>
        inv.Clauses.Where(cl => includeRelational || !cl.Relational).Select(cl =>
        {
            var name = inv.ClauseName(cl);
            var ws = cl.Vars.Select(v => new GoalWitness(v.Name, v.Role, T.Var($"w.{name}.{v.Name}", c.K.SortOf(v.Role)))).ToImmutableArray();
            return new GoalClause(name, cl.Description, cl.At(c, pre, post, [.. ws.Select(w => (Term)w.Var)]), ws);
        });
}
