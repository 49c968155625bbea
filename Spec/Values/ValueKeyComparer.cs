namespace Verified.Spec;

/// <summary>
/// The key comparer of map entries (hashed keys, <see cref="MapValue.Create"/>): the same equality as <see cref="Value.Equals(Value)"/>,
/// with bit-vector and enum keys (almost every key) compared inline instead of through the
/// virtual record equality chain, which showed in profiles of the refinement checker.
/// </summary>
internal sealed class ValueKeyComparer : IEqualityComparer<Value>
{
    public static readonly ValueKeyComparer Instance = new();

    private ValueKeyComparer() { }

    public bool Equals(Value? x, Value? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is BitVecValue a) return y is BitVecValue b && a.Bits == b.Bits && a.Width == b.Width;
        return x is not null && x.Equals(y);
    }

    public int GetHashCode(Value v) => v is BitVecValue b ? b.GetHashCode() : v.GetHashCode();
}
