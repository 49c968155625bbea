using System.Collections.Immutable;
using Smt = Verified.Smt;

namespace Verified.Spec;

/// <summary>
/// The proof interpretation: Spec terms to Z3 terms of one context (use one translator per context,
/// hence per thread). Free variables become constants named as the variable; bound variables
/// (quantifiers, map updates) become fresh constants so that nothing can be captured; let-bound
/// variables are replaced by their translated value (Z3 shares it). Bounded quantifiers over explicit
/// values become conjunctions/disjunctions; range quantifiers become guarded Z3 quantifiers;
/// <see cref="MapUpdateTerm"/> becomes a lambda.
/// </summary>
public sealed partial class Z3Translator
{
    public Z3Translator(Smt.Context context) : this(new Z3Sorts(context)) { }

    public Z3Translator(Z3Sorts sorts)
    {
        ArgumentNullException.ThrowIfNull(sorts);
        Sorts = sorts;
        Context = sorts.Context;
    }

    /// <summary>A range quantifier whose bounds are numerals spanning at most this many values becomes a finite conjunction/disjunction.</summary>
    public const int ExpansionLimit = 64;

    /// <summary>An unbounded quantifier over at most this many values (Bool, small enums, BitVec(≤3)) is expanded.</summary>
    public const int SmallSortLimit = 8;

    public Smt.Context Context { get; }

    public Z3Sorts Sorts { get; }

    /// <summary>The Z3 constant standing for a free variable.</summary>
    public Smt.Term Var(VarTerm v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return Context.Const(v.Name, Sorts.Get(v.Sort));
    }

    public Smt.Term ToZ3(Term term)
    {
        ArgumentNullException.ThrowIfNull(term);
        return new Run(this).Result(term, ImmutableDictionary<VarTerm, Smt.Term>.Empty);
    }

    /// <summary>
    /// The ground Z3 term of <paramref name="term"/> with each free variable replaced by its value in
    /// <paramref name="assignment"/> (free variables without a value stay Z3 constants).
    /// </summary>
    public Smt.Term ToZ3(Term term, Assignment assignment)
    {
        ArgumentNullException.ThrowIfNull(term);
        ArgumentNullException.ThrowIfNull(assignment);
        var env = ImmutableDictionary<VarTerm, Smt.Term>.Empty;
        foreach (var v in term.FreeVariables())
        {
            if (!assignment.TryGet(v.Name, out var value)) continue;
            if (!value.Sort.Equals(v.Sort))
                throw new SortMismatchException($"ToZ3: variable '{v.Name}' has sort {v.Sort}, the assignment gives a value of sort {value.Sort}");
            env = env.SetItem(v, ToZ3(value));
        }
        var result = new Run(this).Result(term, env);
        foreach (var z in env.Values)
            if (!ReferenceEquals(z, result)) z.Dispose();
        return result;
    }

    /// <summary>A Spec value as a Z3 literal term (maps as stores over a constant array).</summary>
    public Smt.Term ToZ3(Value value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value)
        {
            case BoolValue b:
                return Context.Bool(b.Value);
            case BitVecValue bv:
                return Context.BitVec(bv.Bits, (uint)bv.Width);
            case EnumValue e:
                return Sorts.Enum(e.EnumSort).Constant(e.Index);
            case RecordValue r:
                {
                    var fields = r.Fields.Select(ToZ3).ToArray();
                    var made = Sorts.Record(r.RecordSort).Make(fields);
                    foreach (var f in fields) f.Dispose();
                    return made;
                }
            case MapValue m:
                {
                    using var d = ToZ3(m.Default);
                    var a = Context.ConstArray(Sorts.Get(m.MapSort.Key), d);
                    // A fixed order keeps the SMT-LIB text of a query reproducible.
                    foreach (var (k, v) in m.Entries.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal))
                    {
                        using var kz = ToZ3(k);
                        using var vz = ToZ3(v);
                        var next = Context.Store(a, kz, vz);
                        a.Dispose(); // Z3 keeps what the new term refers to; the wrappers would only hold references
                        a = next;
                    }
                    return a;
                }
            default:
                throw new InvalidOperationException($"unknown value {value}");
        }
    }

    /// <summary>One translation: memoises shared subterms under the same bindings.</summary>
    private sealed partial class Run(Z3Translator owner)
    {
        private readonly Smt.Context _c = owner.Context;
        private readonly Dictionary<(Term, ImmutableDictionary<VarTerm, Smt.Term>), Smt.Term> _memo = [];

        /// <summary>
        /// Translates and gives back every wrapper made on the way except the result: Z3 keeps the
        /// subterms alive through the result, and leaked references make deleting a context with a
        /// large term very slow (Z3 4.8.12 took minutes for a 10,000-store chain).
        /// </summary>
        public Smt.Term Result(Term root, ImmutableDictionary<VarTerm, Smt.Term> env)
        {
            var result = Translate(root, env);
            var keep = new HashSet<Smt.Term>(ReferenceEqualityComparer.Instance) { result };
            foreach (var z in env.Values) keep.Add(z);
            foreach (var z in _memo.Values)
                if (!keep.Contains(z)) z.Dispose();
            return result;
        }

        /// <summary>
        /// Post-order with an explicit stack over operator nodes, so long chains (stores, ands, ites)
        /// do not overflow the call stack; only binders recurse, and they nest shallowly.
        /// </summary>
        public Smt.Term Translate(Term root, ImmutableDictionary<VarTerm, Smt.Term> env)
        {
            if (_memo.TryGetValue((root, env), out var done)) return done;
            var stack = new Stack<(Term Node, bool Expanded)>();
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (t, expanded) = stack.Pop();
                if (_memo.ContainsKey((t, env))) continue;
                if (t is AppTerm && !expanded)
                {
                    stack.Push((t, true));
                    foreach (var c in t.Children)
                        if (!_memo.ContainsKey((c, env))) stack.Push((c, false));
                    continue;
                }
                _memo[(t, env)] = t switch
                {
                    VarTerm v => env.TryGetValue(v, out var bound) ? bound : owner.Var(v),
                    LitTerm l => owner.ToZ3(l.Value),
                    AppTerm a => App(a, env),
                    LetTerm l => Translate(l.Body, env.SetItem(l.Var, Translate(l.Value, env))),
                    QuantTerm q => Quant(q, env),
                    MapUpdateTerm u => MapUpdate(u, env),
                    _ => throw new InvalidOperationException($"unknown term node {t.GetType().Name}"),
                };
            }
            return _memo[(root, env)];
        }

        private Smt.Term[] All(ImmutableArray<Term> ts, ImmutableDictionary<VarTerm, Smt.Term> env) =>
            [.. ts.Select(x => Translate(x, env))];

        private Smt.Term App(AppTerm a, ImmutableDictionary<VarTerm, Smt.Term> env)
        {
            var x = All(a.Args, env);
            return a.Op switch
            {
                Op.Not => _c.Not(x[0]),
                Op.And => _c.And(x),
                Op.Or => _c.Or(x),
                Op.Xor => _c.Xor(x[0], x[1]),
                Op.Implies => _c.Implies(x[0], x[1]),
                Op.Iff => _c.Iff(x[0], x[1]),
                Op.Ite => _c.Ite(x[0], x[1], x[2]),
                Op.Eq => owner.Equal(x[0], x[1], a.Args[0].Sort),
                Op.Distinct => owner.Distinct(x, a.Args[0].Sort),
                Op.BvAdd => _c.BvAdd(x[0], x[1]),
                Op.BvSub => _c.BvSub(x[0], x[1]),
                Op.BvMul => _c.BvMul(x[0], x[1]),
                Op.BvUdiv => _c.BvUDiv(x[0], x[1]),
                Op.BvUrem => _c.BvURem(x[0], x[1]),
                Op.BvAnd => _c.BvAnd(x[0], x[1]),
                Op.BvOr => _c.BvOr(x[0], x[1]),
                Op.BvXor => _c.BvXor(x[0], x[1]),
                Op.BvNot => _c.BvNot(x[0]),
                Op.BvNeg => _c.BvNeg(x[0]),
                Op.BvShl => _c.BvShl(x[0], x[1]),
                Op.BvLshr => _c.BvLShr(x[0], x[1]),
                Op.BvAshr => _c.BvAShr(x[0], x[1]),
                Op.BvUlt => _c.BvULt(x[0], x[1]),
                Op.BvUle => _c.BvULe(x[0], x[1]),
                Op.BvUgt => _c.BvUGt(x[0], x[1]),
                Op.BvUge => _c.BvUGe(x[0], x[1]),
                Op.BvSlt => _c.BvSLt(x[0], x[1]),
                Op.BvSle => _c.BvSLe(x[0], x[1]),
                Op.BvSgt => _c.BvSGt(x[0], x[1]),
                Op.BvSge => _c.BvSGe(x[0], x[1]),
                Op.Concat => _c.Concat(x[0], x[1]),
                Op.Extract => _c.Extract((uint)a.P0, (uint)a.P1, x[0]),
                Op.ZeroExtend => _c.ZeroExtend((uint)a.P0, x[0]),
                Op.SignExtend => _c.SignExtend((uint)a.P0, x[0]),
                Op.Select => _c.Select(x[0], x[1]),
                Op.Store => _c.Store(x[0], x[1], x[2]),
                Op.ConstMap => _c.ConstArray(owner.Sorts.Get(((MapSort)a.Sort).Key), x[0]),
                Op.MkRecord => owner.Sorts.Record((RecordSort)a.Sort).Make(x),
                Op.Field => owner.Sorts.Record((RecordSort)a.Args[0].Sort).Field(x[0], a.P0),
                Op.With => With(owner.Sorts.Record((RecordSort)a.Sort), x[0], a.P0, x[1]),
                _ => throw new InvalidOperationException($"unknown operator {a.Op}"),
            };
        }

        private static Smt.Term With(Smt.TupleSort sort, Smt.Term record, int index, Smt.Term value)
        {
            var fields = new Smt.Term[sort.FieldNames.Count];
            for (int i = 0; i < fields.Length; i++) fields[i] = i == index ? value : sort.Field(record, i);
            return sort.Make(fields);
        }

        private Smt.Term Fresh(VarTerm v) => _c.FreshConst(v.Name, owner.Sorts.Get(v.Sort));

        private Smt.Term Quant(QuantTerm q, ImmutableDictionary<VarTerm, Smt.Term> env)
        {
            bool all = q.Kind == Quantifier.ForAll;
            switch (q.Domain)
            {
                case QuantDomainKind.Values:
                    {
                        var bodies = q.DomainTerms.Select(d => Translate(q.Body, env.SetItem(q.Vars[0], Translate(d, env)))).ToArray();
                        return all ? _c.And(bodies) : _c.Or(bodies);
                    }
                case QuantDomainKind.Range:
                    {
                        var lo = Translate(q.DomainTerms[0], env);
                        var hi = Translate(q.DomainTerms[1], env);
                        if (lo.NumeralValue is { } l && hi.NumeralValue is { } h && h - l <= ExpansionLimit)
                        {
                            // Known small range: a finite conjunction is the same and spares Z3 a quantifier.
                            var width = ((BitVecSort)q.Vars[0].Sort).Width;
                            var bodies = new List<Smt.Term>();
                            for (var i = l; i < h; i++)
                                bodies.Add(Translate(q.Body, env.SetItem(q.Vars[0], _c.BitVec((ulong)i, (uint)width))));
                            return all ? _c.And(bodies) : _c.Or(bodies);
                        }
                        var x = Fresh(q.Vars[0]);
                        var inRange = _c.And(_c.BvULe(lo, x), _c.BvULt(x, hi));
                        var body = Translate(q.Body, env.SetItem(q.Vars[0], x));
                        return all ? _c.ForAll([x], _c.Implies(inRange, body)) : _c.Exists([x], _c.And(inRange, body));
                    }
                default:
                    {
                        if (SmallDomain(q) is { } rows)
                        {
                            // Over a sort of at most SmallSortLimit values: expand, as Z3 would have to anyway.
                            var bodies = rows.Select(row =>
                            {
                                var e = env;
                                for (int i = 0; i < row.Length; i++) e = e.SetItem(q.Vars[i], owner.ToZ3(row[i]));
                                return Translate(q.Body, e);
                            }).ToArray();
                            return all ? _c.And(bodies) : _c.Or(bodies);
                        }
                        var inner = env;
                        var bound = new Smt.Term[q.Vars.Length];
                        for (int i = 0; i < bound.Length; i++)
                        {
                            bound[i] = Fresh(q.Vars[i]);
                            inner = inner.SetItem(q.Vars[i], bound[i]);
                        }
                        var body = Translate(q.Body, inner);
                        var patterns = q.Patterns.Select(p => _c.Pattern([.. p.Select(t => Translate(t, inner))])).ToArray();
                        return all ? _c.ForAll(bound, body, patterns) : _c.Exists(bound, body, patterns);
                    }
            }
        }

        /// <summary>Every combination of values of the quantifier's variables, when there are at most <see cref="SmallSortLimit"/>.</summary>
        private static List<Value[]>? SmallDomain(QuantTerm q)
        {
            List<Value[]> rows = [[]];
            foreach (var v in q.Vars)
            {
                var values = Value.Enumerate(v.Sort, SmallSortLimit);
                if (values is null || rows.Count * values.Count > SmallSortLimit) return null;
                rows = [.. rows.SelectMany(r => values.Select(x => (Value[])[.. r, x]))];
            }
            return rows;
        }

        private Smt.Term MapUpdate(MapUpdateTerm u, ImmutableDictionary<VarTerm, Smt.Term> env)
        {
            var map = Translate(u.Map, env);
            var k = Fresh(u.Key);
            var old = _c.Select(map, k);
            var inner = env.SetItem(u.Key, k).SetItem(u.Value, old);
            return _c.Lambda([k], _c.Ite(Translate(u.Predicate, inner), Translate(u.NewValue, inner), old));
        }
    }
}
