using Shouldly;
using Verified.Spec;
using Verified.Spec.Kernel;
using Xunit;

namespace Verified.Spec.Tests;

/// <summary>
/// KeySet (the touched-only check's groups) keeps one key inline, a few in a bare list, and builds
/// a position index past <see cref="KeySet.SmallLimit"/> keys: random adds and removes, crossing
/// the limit both ways and emptying the set, must leave it equal to a HashSet as a set, as a list
/// (every index reads a member, no duplicates; both enumerators in list order) and for Contains.
/// </summary>
public sealed class KeySetTests
{
    private static BitVecValue Key(int i) => new(16, (ulong)i);

    private static void ShouldEqual(KeySet set, HashSet<int> model)
    {
        set.Count.ShouldBe(model.Count);
        var listed = Enumerable.Range(0, set.Count).Select(i => (int)((BitVecValue)set[i]).Bits).ToList();
        listed.Distinct().Count().ShouldBe(listed.Count);
        listed.ToHashSet().SetEquals(model).ShouldBeTrue();
        set.Select(v => (int)((BitVecValue)v).Bits).ToList().ShouldBe(listed);
        var enumerated = new List<int>();
        foreach (var v in set) enumerated.Add((int)((BitVecValue)v).Bits);
        enumerated.ShouldBe(listed);
        for (var k = 0; k < 40; k++) set.Contains(Key(k)).ShouldBe(model.Contains(k), $"key {k}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_adds_and_removes_agree_with_a_hash_set(int seed)
    {
        var rng = new Random(seed);
        var set = new KeySet();
        var model = new HashSet<int>();
        var crossedUp = false;
        var crossedDown = false;
        for (var step = 0; step < 2_000; step++)
        {
            // Phases that grow past the limit and shrink below it again.
            var growing = (step / 100) % 2 == 0;
            var k = rng.Next(40);
            var wasLarge = model.Count > KeySet.SmallLimit;
            if (growing ? rng.Next(3) == 0 : rng.Next(6) != 0)
            {
                set.Remove(Key(k));
                model.Remove(k);
            }
            else
            {
                set.Add(Key(k)); // a fresh value object: equal by value, not by reference
                model.Add(k);
            }

            crossedUp |= !wasLarge && model.Count > KeySet.SmallLimit;
            crossedDown |= wasLarge && model.Count <= KeySet.SmallLimit;
            ShouldEqual(set, model);
        }

        crossedUp.ShouldBeTrue();
        crossedDown.ShouldBeTrue();
        var one = new KeySet();
        one.Add(Key(5));
        one.Add(Key(5));
        ShouldEqual(one, [5]);
        one.Remove(Key(6));
        ShouldEqual(one, [5]);
        one.Remove(Key(5));
        ShouldEqual(one, []);
        set.Clear();
        ShouldEqual(set, []);
    }

    // A removal moves the last key into the removed one's place, so a loop that changes the set
    // while enumerating it would skip or repeat keys without a word: each storage shape (one key
    // inline, a bare list, a list with a position index) must refuse it instead. An add or remove
    // that changes nothing is not a change.
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(KeySet.SmallLimit + 4)]
    public void Changing_the_set_while_enumerating_it_throws(int size)
    {
        var set = new KeySet();
        for (var i = 0; i < size; i++) set.Add(Key(i));
        var seen = 0;
        foreach (var v in set)
        {
            set.Add(Key(0));
            set.Remove(Key(1000));
            seen++;
        }

        seen.ShouldBe(size);
        Should.Throw<InvalidOperationException>(() =>
        {
            foreach (var v in set) set.Remove(v);
        }).Message.ShouldContain("changed while enumerated");
        set.Count.ShouldBe(size - 1);
        set.Add(Key(0));
        Should.Throw<InvalidOperationException>(() =>
        {
            foreach (var v in (IEnumerable<Value>)set) set.Add(Key(5000));
        });
        var empty = new KeySet();
        Should.Throw<InvalidOperationException>(() =>
        {
            var e = empty.GetEnumerator();
            empty.Add(Key(1));
            e.MoveNext();
        });
    }
}
