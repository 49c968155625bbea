namespace Verified.Spec;

public partial class EvalCompiler
{
    private SCode Quant(QuantTerm q, Scope sc)
    {
        ulong want = q.Kind == Quantifier.Exists ? 1UL : 0UL; // the body value that decides the quantifier early
        ulong otherwise = want ^ 1;
        switch (q.Domain)
        {
            case QuantDomainKind.Values:
                {
                    var (inner, b) = sc.Bind(q.Vars[0]);
                    var body = S(q.Body, inner);
                    var values = q.DomainTerms.Select(d => V(d, sc)).ToArray();
                    var set = Setter(b);
                    return f =>
                    {
                        foreach (var v in values)
                        {
                            set(f, v(f));
                            if (body(f) == want) return want;
                        }
                        return otherwise;
                    };
                }
            case QuantDomainKind.Range when q.Body is LetTerm { Value: AppTerm { Op: Op.Select } sel } let
                                            && sel.Args[1] is VarTerm index && index.Equals(q.Vars[0])
                                            && sel.Args[0] is VarTerm domain && !domain.Equals(index)
                                            && Lookup(domain, sc).PoisonOwner is null:
                return RangeOverMap(q, let, domain, sc, want, otherwise);
            case QuantDomainKind.Range:
                {
                    var (inner, b) = sc.Bind(q.Vars[0]);
                    var body = S(q.Body, inner);
                    SCode lo = S(q.DomainTerms[0], sc), hi = S(q.DomainTerms[1], sc);
                    int slot = b.Slot;
                    return f =>
                    {
                        ulong l = lo(f), h = hi(f);
                        if (h > l && h - l > RangeLimit)
                            throw new NotEvaluableException($"Eval: the range [{l}, {h}) of {q.Kind} over '{q.Vars[0].Name}' has more than {RangeLimit} values", q);
                        for (ulong x = l; x < h; x++)
                        {
                            f.S[slot] = x;
                            if (body(f) == want) return want;
                        }
                        return otherwise;
                    };
                }
            default:
                return Unbounded(q, sc, want, otherwise);
        }
    }

    /// <summary>
    /// The shape every kernel-spec quantifier has (<c>DomainQuantify</c>): i ranging over [lo, hi)
    /// and the body <c>let v = select(d, i) in ...</c> with d a variable. d cannot change during
    /// the loop (every variable has its own slot), so it is read once and v is set by selecting
    /// at i's bits directly, instead of three closures per iteration boxing i.
    /// </summary>
    private SCode RangeOverMap(QuantTerm q, LetTerm let, VarTerm domain, Scope sc, ulong want, ulong otherwise)
    {
        var (inner, ib) = sc.Bind(q.Vars[0]);
        SCode lo = S(q.DomainTerms[0], sc), hi = S(q.DomainTerms[1], sc);
        OCode map = O(domain, inner);
        var (bodyScope, vb) = inner.Bind(let.Var);
        var body = S(let.Body, bodyScope);
        int islot = ib.Slot, vslot = vb.Slot;
        bool scalar = vb.Scalar;
        return f =>
        {
            ulong l = lo(f), h = hi(f);
            if (h > l && h - l > RangeLimit)
                throw new NotEvaluableException($"Eval: the range [{l}, {h}) of {q.Kind} over '{q.Vars[0].Name}' has more than {RangeLimit} values", q);
            var m = (MapValue)map(f);
            for (ulong x = l; x < h; x++)
            {
                f.S[islot] = x;
                if (scalar) f.S[vslot] = m.SelectBitsToBits(x);
                else f.O[vslot].V = m.SelectBits(x);
                if (body(f) == want) return want;
            }
            return otherwise;
        };
    }

    /// <summary>
    /// An unbounded quantifier: decided by enumeration when the product of its variables' sorts has
    /// at most <see cref="EnumerationLimit"/> values, otherwise rejected when it is reached at run time.
    /// </summary>
    private SCode Unbounded(QuantTerm q, Scope sc, ulong want, ulong otherwise)
    {
        var domains = new List<IReadOnlyList<Value>>();
        ulong total = 1;
        foreach (var v in q.Vars)
        {
            var values = Value.Enumerate(v.Sort, EnumerationLimit);
            if (values is null || (total *= (ulong)values.Count) > EnumerationLimit)
                return _ => throw new UnboundedQuantifierException(q, v);
            domains.Add(values);
        }
        var inner = sc;
        var setters = new Action<Frame, Value>[q.Vars.Length];
        for (int i = 0; i < q.Vars.Length; i++)
        {
            (inner, var b) = inner.Bind(q.Vars[i]);
            setters[i] = Setter(b);
        }
        var body = S(q.Body, inner);
        return f => Loop(f, 0) ? want : otherwise;

        bool Loop(Frame f, int depth)
        {
            if (depth == setters.Length) return body(f) == want;
            foreach (var v in domains[depth])
            {
                setters[depth](f, v);
                if (Loop(f, depth + 1)) return true;
            }
            return false;
        }
    }

    /// <summary>
    /// Pointwise map update. The result's default is the update applied at a key holding the old
    /// default, computed once with the key poisoned: if that computation never reads the key it is
    /// the same for every such key, and only the explicit entries need a visit. If it does read the
    /// key, a small key sort is enumerated; a large one is rejected.
    /// </summary>
    private OCode MapUpdate(MapUpdateTerm u, Scope sc)
    {
        var sort = (MapSort)u.Sort;
        var map = O(u.Map, sc);
        var (withKey, kb) = sc.Bind(u.Key);
        var (inner, vb) = withKey.Bind(u.Value);
        var owner = new object();
        var poisoned = inner.Poison(u.Key, kb, owner);
        SCode pred = S(u.Predicate, inner), predAtDefault = S(u.Predicate, poisoned);
        OCode next = V(u.NewValue, inner), nextAtDefault = V(u.NewValue, poisoned);
        var setKey = Setter(kb);
        var setValue = Setter(vb);
        var allKeys = Value.Enumerate(sort.Key, EnumerationLimit);

        return f =>
        {
            var m = (MapValue)map(f);
            Value? newDefault;
            setValue(f, m.Default);
            try
            {
                newDefault = predAtDefault(f) != 0 ? nextAtDefault(f) : m.Default;
            }
            catch (KeyDependenceException e) when (ReferenceEquals(e.Owner, owner))
            {
                newDefault = null; // depends on the key: handled below by enumeration
            }
            if (newDefault is not null)
            {
                if (newDefault.Equals(m.Default))
                {
                    // Same default: only entries whose value changes need a store (usually few).
                    var r = m;
                    foreach (var (k, v) in m.Entries)
                    {
                        var nv = At(f, k, v);
                        if (!ReferenceEquals(nv, v)) r = r.StoreUnchecked(k, nv);
                    }
                    return r;
                }
                var all = new List<KeyValuePair<Value, Value>>(m.Entries.Count);
                foreach (var (k, v) in m.Entries) all.Add(KeyValuePair.Create(k, At(f, k, v)));
                return MapValue.CreateUnchecked(sort, newDefault, all);
            }
            if (allKeys is null)
                throw new NotEvaluableException(
                    $"Eval: MapUpdateWhere over '{u.Key.Name}' reads the key at keys holding the default, and {sort.Key} has more than {EnumerationLimit} keys to enumerate; guard the predicate with a test on '{u.Value.Name}' first (e.g. {u.Value.Name} != default)", u);
            var table = new List<KeyValuePair<Value, Value>>(allKeys.Count);
            foreach (var k in allKeys) table.Add(KeyValuePair.Create(k, At(f, k, m.Select(k))));
            return MapValue.CreateUnchecked(sort, m.Default, table);
        };

        Value At(Frame f, Value k, Value v)
        {
            setKey(f, k);
            setValue(f, v);
            return pred(f) != 0 ? next(f) : v;
        }
    }
}
