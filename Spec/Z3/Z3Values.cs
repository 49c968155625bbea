using Smt = Verified.Smt;

namespace Verified.Spec;

/// <summary>
/// Reads Z3 values (model evaluations, simplified ground terms) back as Spec values, to decode
/// counterexamples. <see cref="FromZ3"/> reads value forms: literals, enum constants, tuples, and
/// arrays as <c>store</c> chains over <c>((as const) d)</c>. <see cref="FromModel"/> also reads
/// arrays Z3 leaves as a lambda or <c>(_ as-array f)</c>, by evaluating every key when the key
/// sort is small; on a large key sort such a map is rejected with a message, never guessed.
/// </summary>
public static class Z3Values
{
    /// <summary>Above this many keys a map Z3 gives as a lambda/as-array cannot be read key by key.</summary>
    public const ulong KeyByKeyLimit = 1UL << 10;

    /// <summary>
    /// The value of <paramref name="term"/> (of Spec sort <paramref name="sort"/>) in
    /// <paramref name="model"/>, with completion. <paramref name="translator"/> is the one that built
    /// the query (it knows the context's record and enum sorts).
    /// </summary>
    public static Value FromModel(Z3Translator translator, Smt.Model model, Smt.Term term, Sort sort)
    {
        ArgumentNullException.ThrowIfNull(translator);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(term);
        ArgumentNullException.ThrowIfNull(sort);
        using var v = model.Eval(term);
        try
        {
            return FromZ3(v, sort);
        }
        catch (InvalidOperationException) when (sort is MapSort or RecordSort)
        {
            return Pointwise(translator, model, term, sort);
        }
    }

    /// <summary>Reads a map (or a record holding maps) through selects and field accesses evaluated one by one.</summary>
    private static Value Pointwise(Z3Translator translator, Smt.Model model, Smt.Term term, Sort sort)
    {
        var c = term.Context;
        switch (sort)
        {
            case RecordSort r:
                {
                    var tr = translator.Sorts.Record(r);
                    return new RecordValue(r, [.. r.Fields.Select((f, i) =>
                    {
                        using var field = tr.Field(term, i);
                        return FromModel(translator, model, field, f.Sort);
                    })]);
                }
            case MapSort m:
                {
                    var keys = Value.Enumerate(m.Key, KeyByKeyLimit)
                        ?? throw new InvalidOperationException($"FromModel: Z3 gives the map {Shorten(term.ToString())} of sort {sort} in a form that cannot be read key by key ({m.Key} has more than {KeyByKeyLimit} keys)");
                    var entries = keys.Select(k =>
                    {
                        using var kz = translator.ToZ3(k);
                        using var sel = c.Select(term, kz);
                        return KeyValuePair.Create(k, FromModel(translator, model, sel, m.Value));
                    }).ToList();
                    // Any value works as the starting default: the entries cover every key and MapValue canonicalises.
                    return MapValue.Create(m, entries[0].Value, entries);
                }
            default:
                throw new InvalidOperationException($"FromModel: cannot read {term} as {sort}");
        }
    }

    public static Value FromZ3(Smt.Term term, Sort sort)
    {
        ArgumentNullException.ThrowIfNull(term);
        ArgumentNullException.ThrowIfNull(sort);
        switch (sort)
        {
            case BoolSort:
                return BoolValue.Of(term.BoolValue ?? throw NotAValue(term, sort));
            case BitVecSort bv:
                {
                    var n = term.NumeralValue ?? throw NotAValue(term, sort);
                    return new BitVecValue(bv.Width, (ulong)n);
                }
            case EnumSort e:
                {
                    using var decl = Decl(term, sort);
                    int i = e.Members.IndexOf(decl.Name);
                    if (i < 0 || term.Args.Count != 0) throw NotAValue(term, sort);
                    return new EnumValue(e, i);
                }
            case RecordSort r:
                {
                    var args = term.Args;
                    if (args.Count != r.Fields.Length) throw NotAValue(term, sort);
                    return new RecordValue(r, [.. args.Select((a, i) => FromZ3(a, r.Fields[i].Sort))]);
                }
            case MapSort m:
                return Map(term, m);
            default:
                throw new InvalidOperationException($"unknown sort {sort}");
        }
    }

    private static MapValue Map(Smt.Term term, MapSort sort)
    {
        // Walk the store chain iteratively (it can be long), then apply the stores innermost first.
        var stores = new List<(Smt.Term Key, Smt.Term Value)>();
        var t = term;
        while (true)
        {
            using var decl = Decl(t, sort);
            var args = t.Args;
            if (decl.Name == "store" && args.Count == 3)
            {
                stores.Add((args[1], args[2]));
                t = args[0];
                continue;
            }
            if (decl.Name == "const" && args.Count == 1)
            {
                var m = MapValue.Const(sort, FromZ3(args[0], sort.Value));
                for (int i = stores.Count - 1; i >= 0; i--)
                    m = m.Store(FromZ3(stores[i].Key, sort.Key), FromZ3(stores[i].Value, sort.Value));
                return m;
            }
            throw NotAValue(term, sort);
        }
    }

    private static Smt.FuncDecl Decl(Smt.Term term, Sort sort) => term.Decl ?? throw NotAValue(term, sort);

    private static InvalidOperationException NotAValue(Smt.Term term, Sort sort) =>
        new($"FromZ3: the Z3 term {Shorten(term.ToString())} is not a value of sort {sort}");

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "...";
}
