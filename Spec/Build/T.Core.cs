using System.Collections.Immutable;

namespace Verified.Spec;

/// <summary>
/// The only way to build terms. Every builder checks sorts and throws
/// <see cref="SortMismatchException"/> with a message naming the operator and the sorts involved.
/// </summary>
public static partial class T
{
    public static readonly LitTerm True = new(BoolValue.True);
    public static readonly LitTerm False = new(BoolValue.False);

    public static VarTerm Var(string name, Sort sort)
    {
        SpecNames.Check(name, "variable name");
        ArgumentNullException.ThrowIfNull(sort);
        return new VarTerm(name, sort);
    }

    public static LitTerm Lit(Value value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new LitTerm(value);
    }

    public static LitTerm Bool(bool b) => b ? True : False;

    /// <summary>A bit-vector literal; <paramref name="bits"/> must fit in <paramref name="width"/> bits.</summary>
    public static LitTerm Bv(int width, ulong bits) => new(new BitVecValue(width, bits));

    public static LitTerm Bv(BitVecSort sort, ulong bits) => Bv(sort.Width, bits);

    public static LitTerm Enum(EnumSort sort, string member) => new(new EnumValue(sort, member));

    public static Term Not(Term a) => App(Op.Not, BoolSort.Instance, Bool("Not", a));

    /// <summary>Conjunction; <c>And()</c> of nothing is true.</summary>
    public static Term And(params Term[] args) => And((IEnumerable<Term>)args);

    public static Term And(IEnumerable<Term> args) => NAry(Op.And, "And", args, True);

    /// <summary>Disjunction; <c>Or()</c> of nothing is false.</summary>
    public static Term Or(params Term[] args) => Or((IEnumerable<Term>)args);

    public static Term Or(IEnumerable<Term> args) => NAry(Op.Or, "Or", args, False);

    public static Term Xor(Term a, Term b) => App(Op.Xor, BoolSort.Instance, Bool("Xor", a), Bool("Xor", b, 2));

    public static Term Implies(Term a, Term b) => App(Op.Implies, BoolSort.Instance, Bool("Implies", a), Bool("Implies", b, 2));

    public static Term Iff(Term a, Term b) => App(Op.Iff, BoolSort.Instance, Bool("Iff", a), Bool("Iff", b, 2));

    public static Term Ite(Term cond, Term then, Term @else)
    {
        Bool("Ite", cond);
        SameSort("Ite", "branches", then, @else);
        return App(Op.Ite, then.Sort, cond, then, @else);
    }

    public static Term Eq(Term a, Term b)
    {
        SameSort("Eq", "operands", a, b);
        return App(Op.Eq, BoolSort.Instance, a, b);
    }

    public static Term Neq(Term a, Term b) => Not(Eq(a, b));

    /// <summary>Pairwise distinct; needs at least two operands of one sort.</summary>
    public static Term Distinct(params Term[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 2) throw new ArgumentException($"Distinct: needs at least 2 operands, got {args.Length}", nameof(args));
        NotNull("Distinct", args);
        for (int i = 1; i < args.Length; i++) SameSort("Distinct", "operands", args[0], args[i]);
        return App(Op.Distinct, BoolSort.Instance, args);
    }

    private static Term NAry(Op op, string name, IEnumerable<Term> args, Term unit)
    {
        ArgumentNullException.ThrowIfNull(args);
        var list = args.ToArray();
        NotNull(name, list);
        for (int i = 0; i < list.Length; i++) Bool(name, list[i], i + 1);
        return list.Length switch
        {
            0 => unit,
            1 => list[0],
            _ => App(op, BoolSort.Instance, list),
        };
    }

    internal static AppTerm App(Op op, Sort sort, params Term[] args) => new(op, [.. args], sort);

    internal static AppTerm AppP(Op op, Sort sort, int p0, int p1, params Term[] args) => new(op, [.. args], sort, p0, p1);

    private static Term Bool(string op, Term a, int position = 1)
    {
        ArgumentNullException.ThrowIfNull(a, $"{op} operand {position}");
        if (a.Sort is not BoolSort)
            throw new SortMismatchException($"{op}: operand {position} must be Bool, got {a.Sort}");
        return a;
    }

    private static void SameSort(string op, string what, Term a, Term b)
    {
        ArgumentNullException.ThrowIfNull(a, op);
        ArgumentNullException.ThrowIfNull(b, op);
        if (!a.Sort.Equals(b.Sort))
            throw new SortMismatchException($"{op}: {what} must have the same sort, got {a.Sort} and {b.Sort}");
    }

    private static void NotNull(string op, Term[] args)
    {
        for (int i = 0; i < args.Length; i++)
            if (args[i] is null) throw new ArgumentNullException(nameof(args), $"{op}: operand {i + 1} is null");
    }

    private static ImmutableArray<Term> Arr(params Term[] ts) => [.. ts];
}
