using Shouldly;
using Verified.Spec;
using Xunit;

namespace Verified.Spec.Tests;

public sealed class MapUpdateTests
{
    private static readonly MapSort Slots = Sort.Map(Sort.BitVec(32), Sort.BitVec(8));
    private static readonly VarTerm M = T.Var("m", Slots);
    private static readonly VarTerm K = T.Var("k", Sort.BitVec(32));
    private static readonly VarTerm V = T.Var("v", Sort.BitVec(8));

    private static MapValue Slots3() => MapValue.Const(Slots, new BitVecValue(8, 0))
        .Store(new BitVecValue(32, 1), new BitVecValue(8, 7))
        .Store(new BitVecValue(32, 2), new BitVecValue(8, 9))
        .Store(new BitVecValue(32, 3), new BitVecValue(8, 7));

    [Fact]
    public void Guarded_update_visits_only_entries_on_a_large_key_sort()
    {
        // Clear every slot holding 7 whose key is odd: the guard on v keeps default keys key-independent.
        var t = T.MapUpdateWhere(M, K, V,
            T.And(T.Eq(V, T.Bv(8, 7)), T.Eq(T.Extract(0, 0, K), T.Bv(1, 1))), T.Bv(8, 0));
        var r = (MapValue)Eval.Evaluate(t, Assignment.Of((M, Slots3())));
        r.ShouldBe(MapValue.Const(Slots, new BitVecValue(8, 0)).Store(new BitVecValue(32, 2), new BitVecValue(8, 9)));
    }

    [Fact]
    public void Key_independent_update_changes_the_default_too()
    {
        var t = T.MapUpdateWhere(M, K, V, T.Eq(V, T.Bv(8, 0)), T.Bv(8, 1));
        var r = (MapValue)Eval.Evaluate(t, Assignment.Of((M, Slots3())));
        r.Default.ShouldBe(new BitVecValue(8, 1));
        r[new BitVecValue(32, 2)].ShouldBe(new BitVecValue(8, 9));
        r[new BitVecValue(32, 99)].ShouldBe(new BitVecValue(8, 1));
    }

    [Fact]
    public void Key_dependent_update_over_record_keys_enumerates_them()
    {
        // A record key is read in the default's computation like a scalar one: the key sort (32
        // pairs) is enumerated, also when the update runs twice in one evaluation (inside a
        // quantifier, where the key's slot still holds the previous run's last key).
        var pair = Sort.Record("KeyPair", ("a", Sort.BitVec(4)), ("b", Sort.Bool));
        var sort = Sort.Map(pair, Sort.BitVec(8));
        var m = T.Var("m", sort);
        var k = T.Var("k", pair);
        var v = T.Var("v", Sort.BitVec(8));
        var update = T.MapUpdateWhere(m, k, v, T.Field(k, "b"), T.Bv(8, 1));
        var empty = MapValue.Const(sort, new BitVecValue(8, 0));
        var expected = MapValue.Create(sort, new BitVecValue(8, 0),
            Enumerable.Range(0, 16).Select(a => KeyValuePair.Create<Value, Value>(new RecordValue(pair, [new BitVecValue(4, (ulong)a), BoolValue.True]), new BitVecValue(8, 1))));
        ((MapValue)Eval.Evaluate(update, Assignment.Of((m, empty)))).ShouldBe(expected);
        var x = T.Var("x", Sort.Bool);
        var twice = T.ForAll(x, T.Eq(update, T.Lit(expected)));
        Eval.EvaluateBool(twice, Assignment.Of((m, empty))).ShouldBeTrue();
    }

    [Fact]
    public void Key_dependent_update_over_a_large_key_sort_is_rejected()
    {
        var t = T.MapUpdateWhere(M, K, V, T.BvUlt(K, T.Bv(32, 2)), T.Bv(8, 1));
        var e = Should.Throw<NotEvaluableException>(() => Eval.Evaluate(t, Assignment.Of((M, Slots3()))));
        e.Message.ShouldStartWith("Eval: MapUpdateWhere over 'k' reads the key at keys holding the default");
    }

    [Fact]
    public void Key_dependent_update_over_a_small_key_sort_is_enumerated()
    {
        var small = Sort.Map(Sort.BitVec(4), Sort.BitVec(8));
        var m = T.Var("m", small);
        var k = T.Var("k", Sort.BitVec(4));
        var t = T.MapUpdateWhere(m, k, V, T.BvUlt(k, T.Bv(4, 2)), T.Bv(8, 1));
        var r = (MapValue)Eval.Evaluate(t, Assignment.Of((m, MapValue.Const(small, new BitVecValue(8, 0)))));
        r.ShouldBe(MapValue.Const(small, new BitVecValue(8, 0))
            .Store(new BitVecValue(4, 0), new BitVecValue(8, 1)).Store(new BitVecValue(4, 1), new BitVecValue(8, 1)));
    }
}
