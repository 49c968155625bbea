using Shouldly;
using Verified.Spec;
using Xunit;

namespace Verified.Spec.Tests;

public sealed class MapValueTests
{
    private static readonly MapSort Wide = Sort.Map(Sort.BitVec(16), Sort.BitVec(8));
    private static readonly MapSort Tiny = Sort.Map(Sort.Bool, Sort.BitVec(2));

    private static BitVecValue K(ulong k) => new(16, k);

    private static BitVecValue V(ulong v) => new(8, v);

    private static BitVecValue W(ulong v) => new(2, v);

    [Fact]
    public void Equality_and_hash_ignore_insertion_order()
    {
        var a = MapValue.Const(Wide, V(0)).Store(K(1), V(5)).Store(K(2), V(6));
        var b = MapValue.Const(Wide, V(0)).Store(K(2), V(6)).Store(K(1), V(5));
        a.ShouldBe(b);
        a.GetHashCode().ShouldBe(b.GetHashCode());
    }

    [Fact]
    public void Entries_equal_to_the_default_are_dropped()
    {
        var a = MapValue.Const(Wide, V(0)).Store(K(1), V(5)).Store(K(1), V(0));
        a.Entries.Count.ShouldBe(0);
        a.ShouldBe(MapValue.Const(Wide, V(0)));
        MapValue.Const(Wide, V(0)).Store(K(1), V(0)).Entries.Count.ShouldBe(0);
    }

    [Fact]
    public void Different_maps_differ()
    {
        MapValue.Const(Wide, V(0)).Store(K(1), V(5)).ShouldNotBe(MapValue.Const(Wide, V(0)).Store(K(1), V(6)));
        MapValue.Const(Wide, V(0)).ShouldNotBe(MapValue.Const(Wide, V(1)));
    }

    [Fact]
    public void Fully_covered_small_key_sort_is_canonical_whatever_the_default()
    {
        // Both maps send false -> 1 and true -> 1 ... and so equal the constant map 1.
        var viaStores = MapValue.Const(Tiny, W(0)).Store(BoolValue.False, W(1)).Store(BoolValue.True, W(1));
        viaStores.ShouldBe(MapValue.Const(Tiny, W(1)));
        viaStores.GetHashCode().ShouldBe(MapValue.Const(Tiny, W(1)).GetHashCode());

        // {false -> 0, true -> 1} built from default 0 and from default 1 (or 3) are the same function.
        var fromZero = MapValue.Const(Tiny, W(0)).Store(BoolValue.True, W(1));
        var fromOne = MapValue.Const(Tiny, W(1)).Store(BoolValue.False, W(0));
        var fromThree = MapValue.Const(Tiny, W(3)).Store(BoolValue.False, W(0)).Store(BoolValue.True, W(1));
        fromZero.ShouldBe(fromOne);
        fromOne.ShouldBe(fromThree);
        fromZero.GetHashCode().ShouldBe(fromThree.GetHashCode());
        fromThree[BoolValue.True].ShouldBe(W(1));
        fromThree[BoolValue.False].ShouldBe(W(0));
    }

    [Fact]
    public void Store_checks_sorts()
    {
        Should.Throw<ArgumentException>(() => MapValue.Const(Wide, V(0)).Store(V(1), V(1))).Message
            .ShouldBe("MapValue: key must have sort BitVec(16), got BitVec(8)");
    }
}
