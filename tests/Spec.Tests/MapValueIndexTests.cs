using Shouldly;
using Verified.Spec;
using Xunit;

namespace Verified.Spec.Tests;

/// <summary>
/// The fast paths of <see cref="MapValue"/>: the batch <see cref="MapValue.Create"/> against storing
/// entries one by one, and the index built after many reads against the entries themselves.
/// </summary>
public sealed class MapValueIndexTests
{
    [Theory]
    [InlineData(3, 2, 1)]   // 8 keys: canonicalisation re-chooses the default often
    [InlineData(1, 1, 2)]   // Bool-sized bit-vector keys
    [InlineData(16, 8, 3)]  // large key sort: never canonicalised
    public void Create_equals_storing_one_by_one(int keyWidth, int valueWidth, int seed)
    {
        var rng = new Random(seed);
        var sort = Sort.Map(Sort.BitVec(keyWidth), Sort.BitVec(valueWidth));
        ulong keys = Math.Min(1UL << keyWidth, 40), values = 1UL << valueWidth;
        for (int round = 0; round < 300; round++)
        {
            var @default = new BitVecValue(valueWidth, (ulong)rng.Next((int)values));
            var entries = Enumerable.Range(0, rng.Next(12))
                .Select(_ => KeyValuePair.Create<Value, Value>(new BitVecValue(keyWidth, (ulong)rng.Next((int)keys)), new BitVecValue(valueWidth, (ulong)rng.Next((int)values))))
                .ToList();
            var stored = MapValue.Const(sort, @default);
            foreach (var (k, v) in entries) stored = stored.Store(k, v);
            var created = MapValue.Create(sort, @default, entries);
            created.ShouldBe(stored);
            created.GetHashCode().ShouldBe(stored.GetHashCode());
            created.Default.ShouldBe(stored.Default);
            created.Entries.Count.ShouldBe(stored.Entries.Count);
        }
    }

    [Fact]
    public void Create_checks_sorts_like_store()
    {
        var sort = Sort.Map(Sort.BitVec(8), Sort.BitVec(8));
        Should.Throw<ArgumentException>(() => MapValue.Create(sort, new BitVecValue(8, 0), [KeyValuePair.Create<Value, Value>(new BitVecValue(9, 1), new BitVecValue(8, 1))]));
        Should.Throw<ArgumentException>(() => MapValue.Create(sort, new BitVecValue(8, 0), [KeyValuePair.Create<Value, Value>(new BitVecValue(8, 1), BoolValue.True)]));
    }

    [Theory]
    [InlineData(24, 50, false)]  // sparse keys: hashed slots
    [InlineData(32, 50, true)]   // keys 0..n-1 (a quantifier domain): direct slots
    [InlineData(64, 300, false)] // full-width keys, including the top bit
    [InlineData(12, 3000, true)]
    public void Index_agrees_with_the_entries(int keyWidth, int count, bool dense)
    {
        var rng = new Random(keyWidth * 1000 + count);
        var keySort = Sort.BitVec(keyWidth);
        var sort = Sort.Map(keySort, Sort.BitVec(16));
        ulong mask = keyWidth == 64 ? ulong.MaxValue : (1UL << keyWidth) - 1;
        ulong RandomKey() => (((ulong)rng.NextInt64() << 1) | (uint)rng.Next(2)) & mask;
        var entries = Enumerable.Range(0, count).Select(i => KeyValuePair.Create<Value, Value>(
            new BitVecValue(keyWidth, dense ? (ulong)i : RandomKey()), new BitVecValue(16, (ulong)rng.Next(1, 1 << 16)))).ToList();
        var map = MapValue.Create(sort, new BitVecValue(16, 0), entries);
        // Probes: every stored key, its neighbours (which a wrong slot or hash confuses most easily), random keys, the extremes.
        var neighbours = map.Entries.Keys.SelectMany(k => new[] { ((BitVecValue)k).Bits ^ 1, (((BitVecValue)k).Bits + 1) & mask })
            .Select(b => (Value)new BitVecValue(keyWidth, b));
        var probes = map.Entries.Keys.Concat(neighbours).Concat(Enumerable.Range(0, 200).Select(_ => (Value)new BitVecValue(keyWidth, RandomKey())))
            .Concat([new BitVecValue(keyWidth, 0), new BitVecValue(keyWidth, mask), new BitVecValue(keyWidth, (ulong)count)]).ToList();
        var expected = probes.Select(k => map.Entries.TryGetValue(k, out var v) ? v : map.Default).ToList();

        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < probes.Count; i++) map.Select(probes[i]).ShouldBe(expected[i]);
        map.HasIndex.ShouldBeTrue();
        for (int i = 0; i < probes.Count; i++) map.Select(probes[i]).ShouldBe(expected[i]);

        // A key of another width is at no entry, with or without the index.
        int otherWidth = keyWidth == 64 ? 63 : keyWidth + 1;
        var stored = (BitVecValue)map.Entries.Keys.First(k => ((BitVecValue)k).Bits >> 63 == 0);
        map.Select(new BitVecValue(otherWidth, stored.Bits)).ShouldBe(map.Default);
    }

    [Fact]
    public void Equality_holds_with_and_without_indexes()
    {
        // Equal maps built differently compare equal whichever of them has an index (the
        // comparison then goes through it); a map differing at one key compares unequal.
        var sort = Sort.Map(Sort.BitVec(24), Sort.BitVec(8));
        var entries = Enumerable.Range(0, 40).Select(i => KeyValuePair.Create<Value, Value>(new BitVecValue(24, (ulong)i * 40503 % (1 << 24)), new BitVecValue(8, (ulong)(i % 7 + 1)))).ToList();
        MapValue Fresh() => MapValue.Create(sort, new BitVecValue(8, 0), entries);
        MapValue Stored()
        {
            var m = MapValue.Const(sort, new BitVecValue(8, 0));
            foreach (var (k, v) in Enumerable.Reverse(entries)) m = m.Store(k, v);
            return m;
        }
        MapValue Indexed(MapValue m)
        {
            for (int i = 0; i < 200; i++) m.Select(entries[i % entries.Count].Key);
            m.HasIndex.ShouldBeTrue();
            return m;
        }
        foreach (var (a, b) in new[] { (Fresh(), Stored()), (Indexed(Fresh()), Stored()), (Fresh(), Indexed(Stored())), (Indexed(Fresh()), Indexed(Stored())) })
        {
            a.ShouldBe(b);
            b.ShouldBe(a);
            var changed = b.Store(entries[5].Key, new BitVecValue(8, 200));
            a.ShouldNotBe(changed);
            changed.ShouldNotBe(a);
        }
    }

    [Fact]
    public void Compiled_selects_through_the_index_agree_with_the_entries()
    {
        // Scalar and map values, bit-vector and enum keys: Eval's unboxed select paths, evaluated
        // often enough on one map object that the index is built, give the entries' values.
        var color = Sort.Enum("Color", "Red", "Green", "Blue");
        var rng = new Random(7);
        var cases = new (Sort Key, Func<int, Value> KeyAt, int Keys)[]
        {
            (Sort.BitVec(20), i => new BitVecValue(20, (ulong)i * 977 % (1 << 20)), 64),
            (color, i => new EnumValue(color, i % 3), 3),
        };
        foreach (var (keySort, keyAt, keys) in cases)
        {
            foreach (var valueSort in new Sort[] { Sort.BitVec(8), Sort.Map(Sort.BitVec(4), Sort.Bool) })
            {
                Value ValueAt(int i) => valueSort is MapSort ms
                    ? MapValue.Const(ms, BoolValue.False).Store(new BitVecValue(4, (ulong)(i % 16)), BoolValue.True)
                    : new BitVecValue(8, (ulong)(i % 251 + 1));
                var sort = Sort.Map(keySort, valueSort);
                Value @default = valueSort is MapSort dm ? MapValue.Const(dm, BoolValue.False) : new BitVecValue(8, 0);
                var map = MapValue.Create(sort, @default, Enumerable.Range(0, keys - 1).Select(i => KeyValuePair.Create(keyAt(i), ValueAt(i))));
                var m = T.Var("m", sort);
                var k = T.Var("k", keySort);
                var code = Eval.Compile(T.Select(m, k));
                for (int pass = 0; pass < 4; pass++)
                {
                    for (int i = 0; i < keys + 5; i++)
                    {
                        var key = i < keys ? keyAt(i) : keyAt(rng.Next(keys));
                        var want = map.Entries.TryGetValue(key, out var v) ? v : map.Default;
                        code.Evaluate(code.FreeVariables.Select(x => x.Name == "m" ? map : key).ToArray()).ShouldBe(want);
                    }
                }
                map.HasIndex.ShouldBeTrue($"{sort}: the index was never built, so the test did not reach it");
            }
        }
    }
}
