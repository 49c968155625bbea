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

    /// <summary>
    /// ∀ over one id. <paramref name="trigger"/> gives the terms of the E-matching pattern for Z3:
    /// Z3's own pattern choice makes some of these queries time out, and a pattern chosen to
    /// create no new matching terms avoids matching loops (e.g. "parent is live" triggers on
    /// HasParent[x], never on Live[x], which its body creates for the parent).
    /// </summary>
    public Term ForAll(Role role, BitVecSort sort, string name, Func<Term, Term> body, Func<Term, Term[]>? trigger = null) =>
        Make(true, role, sort, name, body, trigger);

    public Term Exists(Role role, BitVecSort sort, string name, Func<Term, Term> body) => Make(false, role, sort, name, body, null);

    /// <summary>
    /// ∀ over several variables at once. For Z3 this must be ONE quantifier: E-matching finds no
    /// trigger for an outer quantifier whose body is another quantifier, so nested ones are never
    /// instantiated. For Eval it is nested bounded loops.
    /// </summary>
    public Term ForAllMany((Role Role, BitVecSort Sort, string Name)[] vars, Func<Term[], Term> body, Func<Term[], Term[]>? trigger = null)
    {
        if (vars.Length == 1) return ForAll(vars[0].Role, vars[0].Sort, vars[0].Name, v => body([v]), trigger is null ? null : v => trigger([v]));
        return MakeMany(vars, body, trigger);
    }

    private protected virtual Term MakeMany((Role Role, BitVecSort Sort, string Name)[] vars, Func<Term[], Term> body, Func<Term[], Term[]>? trigger) =>
        Nest(vars, 0, [], body);

    private Term Nest((Role Role, BitVecSort Sort, string Name)[] vars, int i, Term[] bound, Func<Term[], Term> body) =>
        i == vars.Length ? body(bound) : ForAll(vars[i].Role, vars[i].Sort, vars[i].Name, v => Nest(vars, i + 1, [.. bound, v], body));

    /// <summary>A bound-variable name unique within this builder (names matter for structural equality only).</summary>
    public VarTerm Fresh(string name, Sort sort) => T.Var($"{name}!{Interlocked.Increment(ref _counter)}", sort);

    private protected abstract Term Make(bool forAll, Role role, BitVecSort sort, string name, Func<Term, Term> body, Func<Term, Term[]>? trigger);

    private sealed class UnboundedQuantify : Quantify
    {
        private protected override Term Make(bool forAll, Role role, BitVecSort sort, string name, Func<Term, Term> body, Func<Term, Term[]>? trigger)
        {
            var v = Fresh(name, sort);
            var b = body(v);
            if (!forAll) return T.Exists(v, b);
            return trigger is null ? T.ForAll(v, b) : T.ForAll(v, b, T.Pattern(trigger(v)));
        }

        private protected override Term MakeMany((Role Role, BitVecSort Sort, string Name)[] vars, Func<Term[], Term> body, Func<Term[], Term[]>? trigger)
        {
            var vs = vars.Select(v => Fresh(v.Name, v.Sort)).ToArray();
            var b = body(vs);
            return trigger is null ? T.ForAll(vs, b) : T.ForAll(vs, b, T.Pattern(trigger(vs)));
        }
    }

    private sealed class FiniteQuantify(IReadOnlyDictionary<Role, ImmutableArray<Term>> domains) : Quantify
    {
        private protected override Term Make(bool forAll, Role role, BitVecSort sort, string name, Func<Term, Term> body, Func<Term, Term[]>? trigger)
        {
            if (!domains.TryGetValue(role, out var values))
                throw new InvalidOperationException($"Quantify.Over: no Eval domain for role {role} (quantifier over '{name}')");
            var v = Fresh(name, sort);
            var b = body(v);
            return forAll ? T.ForAllIn(v, values, b) : T.ExistsIn(v, values, b);
        }
    }
}
