using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Verified.Spec;

namespace Verified.Spec.Tests.Agreement;

/// <summary>
/// FsCheck generators of well-typed terms by sort and depth, covering every operator and binder,
/// and of values of every sort (bit-vectors biased to 0, 1, all ones and the sign bit, so division
/// by zero and shifts at or past the width come up often).
/// </summary>
internal static class TermGen
{
    public static Gen<Value> ValueOf(Sort sort) => sort switch
    {
        BoolSort => Gen.Elements<Value>(BoolValue.False, BoolValue.True),
        BitVecSort bv => Bits(bv.Width).Select(b => (Value)new BitVecValue(bv.Width, b)),
        EnumSort e => Gen.Choose(0, e.Members.Length - 1).Select(i => (Value)new EnumValue(e, i)),
        RecordSort r => Sequence(r.Fields.Select(f => ValueOf(f.Sort))).Select(vs => (Value)new RecordValue(r, [.. vs])),
        MapSort m =>
            from d in ValueOf(m.Value)
            from n in Gen.Choose(0, 4)
            from keys in Gen.ArrayOf(ValueOf(m.Key), n)
            from vals in Gen.ArrayOf(ValueOf(m.Value), n)
            select (Value)MapValue.Create(m, d, keys.Zip(vals, KeyValuePair.Create)),
        _ => throw new InvalidOperationException($"no generator for {sort}"),
    };

    private static Gen<ulong> Bits(int width)
    {
        ulong mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        var any = Gen.Choose(int.MinValue, int.MaxValue).Two().Select(p => (((ulong)(uint)p.Item1 << 32) | (uint)p.Item2) & mask);
        var small = Gen.Choose(0, Math.Min(width + 2, 70)).Select(i => (ulong)i & mask);
        return Gen.Frequency(
            (1, Gen.Constant(0UL)), (1, Gen.Constant(1UL & mask)), (1, Gen.Constant(mask)),
            (1, Gen.Constant(1UL << (width - 1))), (2, small), (3, any));
    }

    private static Gen<ImmutableArray<T0>> Sequence<T0>(IEnumerable<Gen<T0>> gens)
    {
        Gen<ImmutableArray<T0>> acc = Gen.Constant(ImmutableArray<T0>.Empty);
        foreach (var g in gens) acc = from xs in acc from x in g select xs.Add(x);
        return acc;
    }

    public static Gen<Assignment> AssignmentGen() =>
        Sequence(Universe.Pool.Select(v => ValueOf(v.Sort).Select(x => (v, x))))
            .Select(bs => bs.Aggregate(Assignment.Empty, (a, b) => a.With(b.v, b.x)));

    /// <summary>A term of <paramref name="sort"/> of depth at most <paramref name="depth"/>, using pool variables and those bound in <paramref name="bound"/>.</summary>
    public static Gen<Term> TermOf(Sort sort, int depth, ImmutableList<VarTerm> bound)
    {
        var leaf = Leaf(sort, bound);
        if (depth <= 0) return leaf;
        var nodes = Nodes(sort, depth - 1, bound).ToArray();
        // About one leaf in three keeps terms from always growing to full depth.
        return Gen.Frequency([(Math.Max(1, nodes.Length / 2), leaf), .. nodes.Select(n => (1, n))]);
    }

    private static Gen<Term> Leaf(Sort sort, ImmutableList<VarTerm> bound)
    {
        var vars = Universe.Pool.Where(v => v.Sort.Equals(sort)).Concat(bound.Where(v => v.Sort.Equals(sort))).ToArray();
        var lit = ValueOf(sort).Select(v => (Term)T.Lit(v));
        return vars.Length == 0 ? lit : Gen.OneOf(lit, Gen.Elements(vars).Select(v => (Term)v));
    }

    private static Gen<Sort> AnySort => Gen.Elements(Universe.All.ToArray());

    private static Gen<Sort> AnyScalar => Gen.Elements(Universe.Scalars.ToArray());

    private static Gen<BitVecSort> AnyWidth => Gen.Elements(Universe.Widths.ToArray());

    private static IEnumerable<Gen<Term>> Nodes(Sort sort, int d, ImmutableList<VarTerm> bound)
    {
        // Lazy: a generator tree for every alternative at every depth would be exponential.
        Gen<Term> Sub(Sort s) => Gen.Sized(_ => TermOf(s, d, bound));

        // Common to every sort: ite and let.
        yield return from c in Sub(Sort.Bool) from a in Sub(sort) from b in Sub(sort) select T.Ite(c, a, b);
        yield return
            from s in AnySort
            let v = T.Var($"l{d}", s)
            from value in Sub(s)
            from body in Gen.Sized(_ => TermOf(sort, d, bound.Add(v)))
            select T.Let(v, value, body);

        switch (sort)
        {
            case BoolSort:
                foreach (var g in BoolNodes(d, bound, Sub)) yield return g;
                break;
            case BitVecSort bv:
                foreach (var g in BvNodes(bv, d, Sub)) yield return g;
                break;
            case EnumSort:
                yield return Sub(Universe.Rec).Select(r => T.Field(r, "c"));
                break;
            case RecordSort r:
                yield return from a in Sub(Universe.Bv4) from b in Sub(Sort.Bool) from c in Sub(Universe.Color) select T.Record(r, a, b, c);
                yield return
                    from rec in Sub(r)
                    from f in Gen.Elements(r.Fields.ToArray())
                    from v in Sub(f.Sort)
                    select T.With(rec, f.Name, v);
                yield return from m in Sub(Universe.MapRec) from k in Sub(Sort.Bool) select T.Select(m, k);
                break;
            case MapSort m:
                yield return Sub(m.Value).Select(v => T.ConstMap(m.Key, v));
                yield return from a in Sub(m) from k in Sub(m.Key) from v in Sub(m.Value) select T.Store(a, k, v);
                var key = T.Var($"k{d}", m.Key);
                var val = T.Var($"v{d}", m.Value);
                var inner = bound.Add(key).Add(val);
                yield return
                    from a in Sub(m)
                    from p in Gen.Sized(_ => TermOf(Sort.Bool, d, inner))
                    from nv in Gen.Sized(_ => TermOf(m.Value, d, inner))
                    select T.MapUpdateWhere(a, key, val, p, nv);
                break;
        }
    }

    private static IEnumerable<Gen<Term>> BoolNodes(int d, ImmutableList<VarTerm> bound, Func<Sort, Gen<Term>> sub)
    {
        var b = sub(Sort.Bool);
        yield return b.Select(T.Not);
        yield return from n in Gen.Choose(2, 3) from xs in Gen.ArrayOf(b, n) select T.And(xs);
        yield return from n in Gen.Choose(2, 3) from xs in Gen.ArrayOf(b, n) select T.Or(xs);
        yield return from x in b from y in b select T.Xor(x, y);
        yield return from x in b from y in b select T.Implies(x, y);
        yield return from x in b from y in b select T.Iff(x, y);
        yield return from s in AnySort from x in sub(s) from y in sub(s) select T.Eq(x, y);
        yield return from s in AnyScalar from n in Gen.Choose(2, 3) from xs in Gen.ArrayOf(sub(s), n) select T.Distinct(xs);
        yield return
            from w in AnyWidth
            from op in Gen.Elements<Func<Term, Term, Term>>(T.BvUlt, T.BvUle, T.BvUgt, T.BvUge, T.BvSlt, T.BvSle, T.BvSgt, T.BvSge)
            from x in sub(w)
            from y in sub(w)
            select op(x, y);
        yield return from m in sub(Universe.MapColor) from k in sub(Universe.Color) select T.Select(m, k);
        yield return sub(Universe.Rec).Select(r => T.Field(r, "b"));

        // Bounded quantifiers over explicit values and over a bit-vector range.
        yield return
            from s in AnyScalar
            let v = T.Var($"q{d}", s)
            from n in Gen.Choose(0, 3)
            from values in Gen.ArrayOf(sub(s), n)
            from body in Gen.Sized(_ => TermOf(Sort.Bool, d, bound.Add(v)))
            from all in Gen.Elements(true, false)
            select all ? T.ForAllIn(v, values, body) : T.ExistsIn(v, values, body);
        yield return
            from w in Gen.Elements(Universe.Bv3, Universe.Bv4)
            let v = T.Var($"r{d}", w)
            from lo in sub(w)
            from hi in sub(w)
            from body in Gen.Sized(_ => TermOf(Sort.Bool, d, bound.Add(v)))
            from all in Gen.Elements(true, false)
            select all ? T.ForAllInRange(v, lo, hi, body) : T.ExistsInRange(v, lo, hi, body);

        // Unbounded quantifiers over sorts small enough for Eval to enumerate.
        yield return
            from s in Gen.Elements(Universe.Enumerable.ToArray())
            let v = T.Var($"u{d}", s)
            from body in Gen.Sized(_ => TermOf(Sort.Bool, d, bound.Add(v)))
            from all in Gen.Elements(true, false)
            select all ? T.ForAll(v, body) : T.Exists(v, body);
    }

    private static IEnumerable<Gen<Term>> BvNodes(BitVecSort bv, int d, Func<Sort, Gen<Term>> sub)
    {
        var x = sub(bv);
        int w = bv.Width;
        yield return
            from op in Gen.Elements<Func<Term, Term, Term>>(T.BvAdd, T.BvSub, T.BvMul, T.BvUdiv, T.BvUrem, T.BvAnd, T.BvOr, T.BvXor)
            from a in x
            from b in x
            select op(a, b);
        yield return
            from op in Gen.Elements<Func<Term, Term, Term>>(T.BvShl, T.BvLshr, T.BvAshr)
            from a in x
            from b in x
            select op(a, b);
        yield return from a in x from neg in Gen.Elements(true, false) select neg ? T.BvNeg(a) : T.BvNot(a);
        yield return
            from extra in Gen.Choose(0, Math.Min(8, 64 - w))
            from lo in Gen.Choose(0, extra)
            from a in sub(Sort.BitVec(w + extra))
            select T.Extract(lo + w - 1, lo, a);
        if (w >= 2)
        {
            yield return
                from high in Gen.Choose(1, w - 1)
                from a in sub(Sort.BitVec(high))
                from b in sub(Sort.BitVec(w - high))
                select T.Concat(a, b);
            yield return
                from narrow in Gen.Choose(1, w - 1)
                from a in sub(Sort.BitVec(narrow))
                from signed in Gen.Elements(true, false)
                select signed ? T.SignExtend(w - narrow, a) : T.ZeroExtend(w - narrow, a);
        }
        if (w == 4)
        {
            yield return from m in sub(Universe.MapBv) from k in sub(Universe.Bv3) select T.Select(m, k);
            yield return sub(Universe.Rec).Select(r => T.Field(r, "a"));
        }
    }
}
