namespace Verified.Spec.Kernel;

/// <summary>
/// The Eval quantifier mode whose domains are run-time values rather than literals: a quantifier
/// over a role ranges over index i in [0, d.Role.n) and binds its variable to d.Role[i], where
/// d.Role (a map from a 32-bit index to the role's sort) and d.Role.n are free variables of the
/// term. The same term then serves every concrete state, so it is built and compiled once
/// (<see cref="KernelEval"/>) instead of once per state as with literal domains
/// (<see cref="Quantify.Over"/>), whose compile costs about ten evaluations.
/// </summary>
public sealed class DomainQuantify : Quantify
{
    public static readonly BitVecSort IndexSort = new(32);

    public static string DomainName(Role role) => $"d.{role}";

    public static string CountName(Role role) => $"d.{role}.n";

    private protected override Term Make(bool forAll, Role role, BitVecSort sort, string name, Func<Term, Term> body, Func<Term, Term[]>? trigger)
    {
        if (role == Role.None) throw new InvalidOperationException($"DomainQuantify: quantifier over '{name}' has no role, so no Eval domain");
        var i = Fresh(name + ".i", IndexSort);
        var v = Fresh(name, sort);
        var domain = T.Var(DomainName(role), Sort.Map(IndexSort, sort));
        var inner = T.Let(v, T.Select(domain, i), body(v));
        var lo = T.Bv(IndexSort, 0);
        var hi = T.Var(CountName(role), IndexSort);
        return forAll ? T.ForAllInRange(i, lo, hi, inner) : T.ExistsInRange(i, lo, hi, inner);
    }
}
