using System.Collections.Immutable;
using Verified.Spec;

namespace Verified.Spec.Tests.Agreement;

/// <summary>
/// The sorts random terms are drawn from: small, so that unbounded quantifiers and key-dependent
/// map updates stay enumerable for Eval and Z3 answers fast, with 1- and 64-bit edges.
/// </summary>
internal static class Universe
{
    public static readonly BitVecSort Bv1 = Sort.BitVec(1);
    public static readonly BitVecSort Bv3 = Sort.BitVec(3);
    public static readonly BitVecSort Bv4 = Sort.BitVec(4);
    public static readonly BitVecSort Bv8 = Sort.BitVec(8);
    public static readonly BitVecSort Bv64 = Sort.BitVec(64);
    public static readonly EnumSort Color = Sort.Enum("Color", "red", "green", "blue");
    public static readonly RecordSort Rec = Sort.Record("Rec", ("a", Sort.BitVec(4)), ("b", Sort.Bool), ("c", Color));
    public static readonly MapSort MapBv = Sort.Map(Bv3, Bv4);
    public static readonly MapSort MapColor = Sort.Map(Color, Sort.Bool);
    public static readonly MapSort MapRec = Sort.Map(Sort.Bool, Rec);

    public static readonly ImmutableArray<BitVecSort> Widths = [Bv1, Bv3, Bv4, Bv8, Bv64];

    public static readonly ImmutableArray<Sort> Scalars = [Sort.Bool, Bv1, Bv3, Bv4, Bv8, Bv64, Color];

    public static readonly ImmutableArray<Sort> All = [.. Scalars, Rec, MapBv, MapColor, MapRec];

    /// <summary>Sorts an unbounded quantifier may range over in generated terms (Eval enumerates them).</summary>
    public static readonly ImmutableArray<Sort> Enumerable = [Sort.Bool, Bv3, Color];

    /// <summary>The free variables terms may use: two per sort; every case assigns all of them.</summary>
    public static readonly ImmutableArray<VarTerm> Pool =
        [.. All.SelectMany((s, i) => new[] { T.Var($"x{i}a", s), T.Var($"x{i}b", s) })];
}
