using Shouldly;
using Verified.Spec;
using Xunit;

namespace Verified.Spec.Tests;

public sealed class ConstructionTests
{
    private static readonly VarTerm X8 = T.Var("x", Sort.BitVec(8));
    private static readonly VarTerm Y16 = T.Var("y", Sort.BitVec(16));
    private static readonly VarTerm B = T.Var("b", Sort.Bool);

    [Fact]
    public void BvAdd_of_different_widths_names_both_sorts()
    {
        var e = Should.Throw<SortMismatchException>(() => T.BvAdd(X8, Y16));
        e.Message.ShouldBe("BvAdd: operands must have the same sort, got BitVec(8) and BitVec(16)");
    }

    [Fact]
    public void Eq_of_bool_and_bitvec_names_both_sorts()
    {
        var e = Should.Throw<SortMismatchException>(() => T.Eq(B, X8));
        e.Message.ShouldBe("Eq: operands must have the same sort, got Bool and BitVec(8)");
    }

    [Fact]
    public void And_of_a_bitvec_names_position_and_sort()
    {
        Should.Throw<SortMismatchException>(() => T.And(B, X8)).Message.ShouldBe("And: operand 2 must be Bool, got BitVec(8)");
    }

    [Fact]
    public void Ite_branches_must_agree()
    {
        Should.Throw<SortMismatchException>(() => T.Ite(B, X8, Y16)).Message
            .ShouldBe("Ite: branches must have the same sort, got BitVec(8) and BitVec(16)");
    }

    [Fact]
    public void Store_value_of_wrong_sort_names_both()
    {
        var m = T.Var("m", Sort.Map(Sort.BitVec(8), Sort.Bool));
        Should.Throw<SortMismatchException>(() => T.Store(m, X8, X8)).Message
            .ShouldBe("Store: value must have the map's value sort, got Bool and BitVec(8)");
        Should.Throw<SortMismatchException>(() => T.Select(m, Y16)).Message
            .ShouldBe("Select: key must have the map's key sort, got BitVec(8) and BitVec(16)");
        Should.Throw<SortMismatchException>(() => T.Select(X8, X8)).Message
            .ShouldBe("Select: operand 1 must be a Map, got BitVec(8)");
    }

    [Fact]
    public void Record_field_errors_name_the_field_and_sorts()
    {
        var cap = Sort.Record("Cap", ("obj", Sort.BitVec(16)), ("rights", Sort.BitVec(4)));
        Should.Throw<SortMismatchException>(() => T.Record(cap, Y16, X8)).Message
            .ShouldBe("Record Cap: field 'rights' must have the field's sort, got BitVec(4) and BitVec(8)");
        Should.Throw<ArgumentException>(() => T.Field(T.Var("c", cap), "badge")).Message
            .ShouldStartWith("Record Cap has no field 'badge' (fields: obj, rights)");
        Should.Throw<SortMismatchException>(() => T.With(T.Var("c", cap), "obj", X8)).Message
            .ShouldBe("With: field 'obj' of Cap must have the field's sort, got BitVec(16) and BitVec(8)");
    }

    [Fact]
    public void Width_limits_are_enforced()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Sort.BitVec(65));
        Should.Throw<ArgumentOutOfRangeException>(() => Sort.BitVec(0));
        Should.Throw<SortMismatchException>(() => T.Concat(T.Var("a", Sort.BitVec(40)), T.Var("c", Sort.BitVec(30))));
        Should.Throw<ArgumentOutOfRangeException>(() => T.Extract(8, 0, X8));
        Should.Throw<ArgumentOutOfRangeException>(() => T.ZeroExtend(57, X8));
        Should.Throw<ArgumentOutOfRangeException>(() => T.Bv(8, 256));
    }

    [Fact]
    public void Result_sorts_follow_the_operators()
    {
        T.Concat(X8, Y16).Sort.ShouldBe(Sort.BitVec(24));
        T.Extract(5, 2, X8).Sort.ShouldBe(Sort.BitVec(4));
        T.SignExtend(8, X8).Sort.ShouldBe(Sort.BitVec(16));
        T.BvUlt(X8, X8).Sort.ShouldBe(Sort.Bool);
        T.ConstMap(Sort.BitVec(8), T.False).Sort.ShouldBe(Sort.Map(Sort.BitVec(8), Sort.Bool));
    }

    [Fact]
    public void Bounded_quantifier_domain_must_match_the_variable()
    {
        Should.Throw<SortMismatchException>(() => T.ForAllIn(X8, [T.Bv(16, 1)], T.True)).Message
            .ShouldBe("ForAllIn: domain values must have the variable's sort, got BitVec(8) and BitVec(16)");
        Should.Throw<SortMismatchException>(() => T.ForAllInRange(B, T.True, T.True, T.True)).Message
            .ShouldBe("ForAllInRange: the variable must be a BitVec, got Bool");
    }

    [Fact]
    public void Named_clause_needs_a_bool_body()
    {
        Should.Throw<SortMismatchException>(() => new NamedClause("inv", X8)).Message
            .ShouldBe("NamedClause inv: body must be Bool, got BitVec(8)");
        new NamedClause("inv", B).Name.ShouldBe("inv");
    }
}
