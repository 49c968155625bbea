using Shouldly;
using Verified.Spec;
using Verified.Spec.Kernel;
using Xunit;

namespace Verified.Refinement.Tests;

/// <summary>
/// KeyedReads.OfRelational gives a relational clause a per-key form only when skipping its
/// unchanged keys is sound: true on an unchanged step (proved syntactically) and every read
/// directly at a bound variable in both states.
/// </summary>
public sealed class KeyedReadsRelationalTests
{
    private static readonly BitVecSort W = Sort.BitVec(8);
    private static readonly MapSort M = Sort.Map(W, W);
    private static readonly VarTerm X = T.Var("x", W);

    private static Term Post(string f, Term key) => T.Select(T.Var("s." + f, M), key);

    private static Term Pre(string f, Term key) => T.Select(T.Var("p." + f, M), key);

    // The body with the post-state for both states: p.F becomes s.F.
    private static KeyedReads? Of(Func<Func<string, Term, Term>, Term> body) =>
        KeyedReads.OfRelational(body(Pre), body(Post), [X], "s.", "p.");

    [Fact]
    public void A_clause_true_on_an_unchanged_step_and_read_at_its_variable_is_keyed()
    {
        var k = Of(pre => T.Implies(T.Neq(pre("badge", X), T.Bv(W, 0)), T.Eq(Post("badge", X), pre("badge", X)))).ShouldNotBeNull();
        k.Direct.ShouldBe([("badge", 0)]);
        k.Hops.ShouldBeEmpty();
    }

    [Fact]
    public void A_clause_false_on_an_unchanged_step_is_not_keyed()
    {
        // "every entry changes": false when nothing changes, so an unchanged key cannot be skipped.
        Of(pre => T.Not(T.Eq(Post("badge", X), pre("badge", X)))).ShouldBeNull();
    }

    [Fact]
    public void A_clause_reading_through_another_map_is_not_keyed()
    {
        Of(pre => T.Eq(Post("badge", Post("parent", X)), pre("badge", Post("parent", X)))).ShouldBeNull();
    }

    [Fact]
    public void A_clause_reading_at_a_constant_is_not_keyed()
    {
        Of(pre => T.Implies(T.Eq(Post("badge", T.Bv(W, 3)), T.Bv(W, 1)), T.Eq(Post("badge", X), pre("badge", X)))).ShouldBeNull();
    }
}
