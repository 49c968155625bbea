using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// How the kernel spec quantifies over ids. For proofs (<see cref="Unbounded"/>) a quantifier
/// ranges over the whole sort, so the proofs hold for any number of objects. For Eval
/// (<see cref="Over"/>) it ranges over a finite list per role: the ids present in the concrete
/// state plus two fresh ids that appear nowhere (see <see cref="ConcreteDomains"/>). The same
/// builders produce both terms, so what is proved and what is checked at run time is one text.
/// </summary>
public abstract class Quantify
{
    private int _counter;

    public static Quantify Unbounded() => new UnboundedQuantify();

    public static Quantify Over(IReadOnlyDictionary<Role, ImmutableArray<Term>> domains) => new FiniteQuantify(domains);

    public Term ForAll(Role role, BitVecSort sort, string name, Func<Term, Term> body) => Make(true, role, sort, name, body);

    public Term Exists(Role role, BitVecSort sort, string name, Func<Term, Term> body) => Make(false, role, sort, name, body);

    /// <summary>A bound-variable name unique within this builder (names matter for structural equality only).</summary>
    public VarTerm Fresh(string name, Sort sort) => T.Var($"{name}!{Interlocked.Increment(ref _counter)}", sort);

    private protected abstract Term Make(bool forAll, Role role, BitVecSort sort, string name, Func<Term, Term> body);

    private sealed class UnboundedQuantify : Quantify
    {
        private protected override Term Make(bool forAll, Role role, BitVecSort sort, string name, Func<Term, Term> body)
        {
            var v = Fresh(name, sort);
            var b = body(v);
            return forAll ? T.ForAll(v, b) : T.Exists(v, b);
        }
    }

    private sealed class FiniteQuantify(IReadOnlyDictionary<Role, ImmutableArray<Term>> domains) : Quantify
    {
        private protected override Term Make(bool forAll, Role role, BitVecSort sort, string name, Func<Term, Term> body)
        {
            if (!domains.TryGetValue(role, out var values))
                throw new InvalidOperationException($"Quantify.Over: no Eval domain for role {role} (quantifier over '{name}')");
            var v = Fresh(name, sort);
            var b = body(v);
            return forAll ? T.ForAllIn(v, values, b) : T.ExistsIn(v, values, b);
        }
    }
}
