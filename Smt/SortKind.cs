namespace Verified.Smt;

/// <summary>The kind of a <see cref="Sort"/> (values as in Z3's <c>Z3_sort_kind</c>).</summary>
public enum SortKind
{
    Uninterpreted = 0,
    Bool = 1,
    Int = 2,
    Real = 3,
    BitVec = 4,
    Array = 5,

    /// <summary>Datatypes: enumerations and tuples among them.</summary>
    Datatype = 6,

    /// <summary>Any kind this binding does not construct (floating point, sequences, ...).</summary>
    Other = 1000,
}
