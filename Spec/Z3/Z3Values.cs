using Smt = Verified.Smt;

namespace Verified.Spec;

/// <summary>
/// Reads Z3 values (model evaluations, simplified ground terms) back as Spec values, to decode
/// counterexamples. Arrays are read in the forms Z3 4.8.12 produces: <c>((as const) d)</c>,
/// <c>store</c> chains over those, and <c>(_ as-array f)</c> is rejected with a message (evaluate the
/// map through <see cref="Z3Model"/>, which completes it).
/// </summary>
public static class Z3Values
{
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
