using Shouldly;
using Verified.Spec;
using Xunit;

namespace Verified.Spec.Tests;

/// <summary>
/// Eval's loop for the kernel spec's quantifier shape, i in [lo, hi) with body
/// <c>let v = select(d, i) in ...</c>: against the quantifier computed here from the map's values.
/// </summary>
public sealed class RangeOverMapTests
{
    private static readonly BitVecSort Index = Sort.BitVec(32);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scalar_values_agree_with_the_map(bool forAll)
    {
        var sort = Sort.Map(Index, Sort.BitVec(8));
        VarTerm d = T.Var("d", sort), i = T.Var("i", Index), v = T.Var("v", Sort.BitVec(8)), lo = T.Var("lo", Index), hi = T.Var("hi", Index), c = T.Var("c", Sort.BitVec(8));
        // Whether one element holds c decides the quantifier, so a wrong element read shows; the
        // body reads the index too (always true in range), so both slots must be set at every step.
        var hit = T.Eq(v, c);
        var body = T.Let(v, T.Select(d, i), T.And(forAll ? T.Not(hit) : hit, T.BvUle(lo, i)));
        var code = Eval.Compile(forAll ? T.ForAllInRange(i, lo, hi, body) : T.ExistsInRange(i, lo, hi, body));
        var rng = new Random(forAll ? 1 : 2);
        for (int round = 0; round < 60; round++)
        {
            int n = rng.Next(1, 40);
            var map = MapValue.Create(sort, new BitVecValue(8, (ulong)rng.Next(256)),
                Enumerable.Range(0, n).Select(x => KeyValuePair.Create<Value, Value>(new BitVecValue(32, (ulong)(rng.Next(3) == 0 ? x * 1000 : x)), new BitVecValue(8, (ulong)rng.Next(256)))));
            for (int probe = 0; probe < 20; probe++) // the same map object many times: the index is built on the way
            {
                ulong l = (ulong)rng.Next(45), h = (ulong)rng.Next(50);
                ulong At(ulong x) => ((BitVecValue)map.Select(new BitVecValue(32, x))).Bits;
                ulong bound = At((ulong)rng.Next(50)); // the value of some element, in the range or not
                bool Holds(ulong x) => forAll ? At(x) != bound : At(x) == bound;
                var range = Enumerable.Range((int)l, (int)Math.Max(0, (long)h - (long)l)).Select(x => (ulong)x);
                bool want = forAll ? range.All(Holds) : range.Any(Holds);
                var got = code.EvaluateBool(Assignment.Of((d, map), (lo, new BitVecValue(32, l)), (hi, new BitVecValue(32, h)), (c, new BitVecValue(8, bound))));
                got.ShouldBe(want, $"round {round}, [{l}, {h}), bound {bound}, map {map}");
            }
        }
    }

    [Fact]
    public void Map_values_agree_with_the_map()
    {
        var inner = Sort.Map(Sort.BitVec(4), Sort.Bool);
        var sort = Sort.Map(Index, inner);
        VarTerm d = T.Var("d", sort), i = T.Var("i", Index), v = T.Var("v", inner), hi = T.Var("hi", Index), k = T.Var("k", Sort.BitVec(4));
        var code = Eval.Compile(T.ForAllInRange(i, T.Bv(Index, 0), hi, T.Let(v, T.Select(d, i), T.Select(v, k))));
        var rng = new Random(3);
        for (int round = 0; round < 40; round++)
        {
            int n = rng.Next(1, 30);
            MapValue Row() => MapValue.Create(inner, BoolValue.Of(rng.Next(4) != 0),
                Enumerable.Range(0, 3).Select(_ => KeyValuePair.Create<Value, Value>(new BitVecValue(4, (ulong)rng.Next(16)), BoolValue.Of(rng.Next(2) == 0))));
            var map = MapValue.Create(sort, Row(), Enumerable.Range(0, n).Select(x => KeyValuePair.Create<Value, Value>(new BitVecValue(32, (ulong)x), Row())));
            for (int probe = 0; probe < 20; probe++)
            {
                ulong h = (ulong)rng.Next(n + 5), key = (ulong)rng.Next(16);
                bool want = Enumerable.Range(0, (int)h).All(x => ((MapValue)map.Select(new BitVecValue(32, (ulong)x))).Select(new BitVecValue(4, key)) == BoolValue.True);
                code.EvaluateBool(Assignment.Of((d, map), (hi, new BitVecValue(32, h)), (k, new BitVecValue(4, key)))).ShouldBe(want);
            }
        }
    }
}
