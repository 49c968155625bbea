using Shouldly;
using Verified.Spec;
using Xunit;

namespace Verified.Spec.Tests;

/// <summary>
/// <see cref="MapValue"/>'s representation — a shared sorted run plus an overlay of recent stores,
/// merged when the overlay grows, with removals (stores of the default) marked in the overlay —
/// against a plain dictionary model, over long random chains of stores that reach every path:
/// overlay insert and replace, removal of a run entry and of an overlay-only entry, merges, maps
/// read often enough to merge and index their run, stores over such a map, and equality between
/// maps of one chain (shared run) and maps built independently.
/// </summary>
public sealed class MapValueOverlayTests
{
    private static readonly RecordSort Pair = Sort.Record("Pair", ("a", Sort.BitVec(4)), ("b", Sort.Bool));

    public static TheoryData<string> Keys => new() { "bv16", "bv64", "enum", "record" };

    private static (MapSort Sort, Func<Random, Value> Key) KeySpace(string kind) => kind switch
    {
        // few distinct keys, so stores hit existing entries and removals often
        "bv16" => (Sort.Map(Sort.BitVec(16), Sort.BitVec(8)), r => new BitVecValue(16, (ulong)r.Next(90) * 7)),
        "bv64" => (Sort.Map(Sort.BitVec(64), Sort.BitVec(8)), r => new BitVecValue(64, (ulong)r.NextInt64() % 70 | (r.Next(2) == 0 ? 1UL << 63 : 0))),
        "enum" => (Sort.Map(Sort.Enum("E5", "A", "B", "C", "D", "E"), Sort.BitVec(8)), r => new EnumValue((EnumSort)Sort.Enum("E5", "A", "B", "C", "D", "E"), r.Next(5))),
        "record" => (Sort.Map(Pair, Sort.BitVec(8)), r => new RecordValue(Pair, [new BitVecValue(4, (ulong)r.Next(16)), BoolValue.Of(r.Next(2) == 0)])),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void Store_chains_agree_with_a_dictionary(string kind)
    {
        var (sort, keyOf) = KeySpace(kind);
        var rng = new Random(kind.Length * 7919);
        var zero = new BitVecValue(8, 0);
        var map = MapValue.Const(sort, zero);
        var model = new Dictionary<Value, Value>();
        var history = new List<(MapValue Map, Dictionary<Value, Value> Model)>();
        for (int step = 0; step < 3000; step++)
        {
            var k = keyOf(rng);
            // about a third of the stores write the default: removals
            var v = rng.Next(3) == 0 ? zero : new BitVecValue(8, (ulong)rng.Next(1, 4));
            map = map.Store(k, v);
            if (v.Equals(zero)) model.Remove(k);
            else model[k] = v;
            if (rng.Next(50) == 0)
            {
                // read it often: the map merges its run and builds its index; later stores go over it
                for (int i = 0; i < 200; i++) map.Select(keyOf(rng));
            }
            if (step % 97 == 0) history.Add((map, new Dictionary<Value, Value>(model)));
            if (step % 13 == 0) Check(map, model, sort, keyOf, rng);
        }
        // Old versions are unchanged by the stores made after them, and equality between versions
        // (sharing runs or not) is equality of their contents.
        foreach (var (m, mm) in history) Check(m, mm, sort, keyOf, rng);
        for (int i = 0; i < history.Count; i++)
            for (int j = 0; j < history.Count; j++)
            {
                bool same = SameContents(history[i].Model, history[j].Model);
                history[i].Map.Equals(history[j].Map).ShouldBe(same);
                if (same) history[i].Map.GetHashCode().ShouldBe(history[j].Map.GetHashCode());
            }
    }

    private static bool SameContents(Dictionary<Value, Value> a, Dictionary<Value, Value> b) =>
        a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out var v) && v.Equals(e.Value));

    private static void Check(MapValue map, Dictionary<Value, Value> model, MapSort sort, Func<Random, Value> keyOf, Random rng)
    {
        Value At(Value k) => model.TryGetValue(k, out var v) ? v : new BitVecValue(8, 0);
        // Enum and record keys: 5 and 32 in all, so canonicalisation may have re-chosen the default; the entries
        // are then the keys holding another value.
        var all = Value.Enumerate(sort.Key, 1024);
        int expected = all is null ? model.Count : all.Count(k => !At(k).Equals(map.Default));
        if (all is null) map.Default.ShouldBe(new BitVecValue(8, 0));
        map.Entries.Count.ShouldBe(expected);
        map.Entries.IsEmpty.ShouldBe(expected == 0);
        for (int i = 0; i < 40; i++)
        {
            var k = keyOf(rng);
            map.Select(k).ShouldBe(At(k), $"at {k}");
        }
        foreach (var (k, v) in map.Entries)
        {
            v.ShouldNotBe(map.Default);
            map.Select(k).ShouldBe(v);
            map.Entries.TryGetValue(k, out var got).ShouldBeTrue();
            got.ShouldBe(v);
        }
        map.Entries.Keys.Distinct().Count().ShouldBe(map.Entries.Count);
        var rebuilt = MapValue.Create(sort, new BitVecValue(8, 0), model);
        rebuilt.ShouldBe(map);
        map.ShouldBe(rebuilt);
        rebuilt.GetHashCode().ShouldBe(map.GetHashCode());
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Store_many_agrees_with_stores_one_by_one(string kind)
    {
        // Batches of distinct keys (removals, overlay replacements, merges into a new run, maps
        // read often enough to be flattened, and with enum keys a re-chosen default) stored at once
        // and one by one: the same map, and the changed keys are those whose value differs.
        var (sort, keyOf) = KeySpace(kind);
        var rng = new Random(kind.Length * 31);
        var zero = new BitVecValue(8, 0);
        var map = MapValue.Const(sort, zero);
        var model = new Dictionary<Value, Value>();
        int changedKeys = 0, unchanged = 0;
        for (int step = 0; step < 800; step++)
        {
            var batch = new Dictionary<Value, Value>();
            for (int i = rng.Next(1, 6); i > 0; i--) batch[keyOf(rng)] = rng.Next(3) == 0 ? zero : new BitVecValue(8, (ulong)rng.Next(1, 4));
            var one = map;
            foreach (var (k, v) in batch) one = one.Store(k, v);
            var changed = new List<Value>();
            var many = map.StoreMany(batch, changed);
            many.ShouldBe(one);
            one.ShouldBe(many);
            many.GetHashCode().ShouldBe(one.GetHashCode());
            many.Default.ShouldBe(one.Default);
            changed.Distinct().Count().ShouldBe(changed.Count);
            foreach (var k in batch.Keys)
                changed.Contains(k).ShouldBe(!map.Select(k).Equals(many.Select(k)), $"key {k}");
            if (changed.Count == 0) ReferenceEquals(many, map).ShouldBeTrue("nothing changed: the same map");
            changedKeys += changed.Count;
            if (changed.Count == 0) unchanged++;
            if (rng.Next(40) == 0)
                for (int i = 0; i < 200; i++) many.Select(keyOf(rng));
            map = rng.Next(2) == 0 ? many : one;
            foreach (var (k, v) in batch)
            {
                if (v.Equals(zero)) model.Remove(k);
                else model[k] = v;
            }
            if (step % 17 == 0) map.ShouldBe(MapValue.Create(sort, zero, model), "the map built from a dictionary of every store");
        }

        changedKeys.ShouldBeGreaterThan(1000);
        unchanged.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Entries_of_scalar_keys_come_in_key_order()
    {
        var sort = Sort.Map(Sort.BitVec(32), Sort.Bool);
        var rng = new Random(5);
        var map = MapValue.Const(sort, BoolValue.False);
        for (int i = 0; i < 500; i++) map = map.Store(new BitVecValue(32, (ulong)rng.Next(1000)), BoolValue.Of(rng.Next(3) != 0));
        var keys = map.Entries.Keys.Select(k => ((BitVecValue)k).Bits).ToList();
        keys.ShouldBe(keys.Order().ToList());
    }

    [Fact]
    public void A_key_of_another_sort_is_at_no_entry()
    {
        var sort = Sort.Map(Sort.BitVec(8), Sort.Bool);
        var map = MapValue.Const(sort, BoolValue.False).Store(new BitVecValue(8, 3), BoolValue.True);
        map.Entries.ContainsKey(new BitVecValue(9, 3)).ShouldBeFalse();
        map.Entries.ContainsKey(BoolValue.True).ShouldBeFalse();
        map.Select(new BitVecValue(9, 3)).ShouldBe(BoolValue.False);
        map.Entries.ContainsKey(new BitVecValue(8, 3)).ShouldBeTrue();
    }
}
