using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>Constants, functions, Boolean connectives, equality and if-then-else.</summary>
public sealed partial class Context
{
    /// <summary>The constant (free variable) <paramref name="name"/> of <paramref name="sort"/>; same name and sort, same constant.</summary>
    public Term Const(string name, Sort sort) => new(this, Checked(Z3Native.Z3_mk_const(Native, Symbol(name), Own(sort, nameof(sort)))));

    /// <summary>A constant with a fresh name starting with <paramref name="prefix"/>.</summary>
    public Term FreshConst(string prefix, Sort sort)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return new(this, Checked(Z3Native.Z3_mk_fresh_const(Native, prefix, Own(sort, nameof(sort)))));
    }

    /// <summary>A Boolean constant.</summary>
    public Term BoolConst(string name) => new(this, Checked(Z3Native.Z3_mk_const(Native, Symbol(name), CachedBoolSort())));

    /// <summary>A bit-vector constant of <paramref name="width"/> bits.</summary>
    public Term BitVecConst(string name, uint width) => new(this, Checked(Z3Native.Z3_mk_const(Native, Symbol(name), CachedBitVecSort(width))));

    /// <summary>An uninterpreted function <paramref name="name"/> : <paramref name="domain"/> → <paramref name="range"/>.</summary>
    public FuncDecl Function(string name, IReadOnlyList<Sort> domain, Sort range)
    {
        var sorts = Own(domain, nameof(domain));
        return new(this, Checked(Z3Native.Z3_mk_func_decl(Native, Symbol(name), (uint)sorts.Length, sorts, Own(range, nameof(range)))));
    }

    /// <summary>Applies <paramref name="function"/> to <paramref name="args"/> (Z3 checks arity and sorts).</summary>
    public Term Apply(FuncDecl function, params IReadOnlyList<Term> args)
    {
        var decl = Own(function, nameof(function));
        var handles = Own(args, nameof(args));
        return new(this, Checked(Z3Native.Z3_mk_app(Native, decl, (uint)handles.Length, handles)));
    }

    public Term True() => new(this, Checked(Z3Native.Z3_mk_true(Native)));

    public Term False() => new(this, Checked(Z3Native.Z3_mk_false(Native)));

    public Term Bool(bool value) => value ? True() : False();

    public Term Not(Term a) => new(this, Checked(Z3Native.Z3_mk_not(Native, Own(a, nameof(a)))));

    /// <summary>Conjunction; the empty conjunction is true.</summary>
    public Term And(params IReadOnlyList<Term> args)
    {
        var handles = Own(args, nameof(args));
        return handles.Length == 0 ? True() : new(this, Checked(Z3Native.Z3_mk_and(Native, (uint)handles.Length, handles)));
    }

    /// <summary>Disjunction; the empty disjunction is false.</summary>
    public Term Or(params IReadOnlyList<Term> args)
    {
        var handles = Own(args, nameof(args));
        return handles.Length == 0 ? False() : new(this, Checked(Z3Native.Z3_mk_or(Native, (uint)handles.Length, handles)));
    }

    public Term Xor(Term a, Term b) => new(this, Checked(Z3Native.Z3_mk_xor(Native, Own(a, nameof(a)), Own(b, nameof(b)))));

    public Term Implies(Term a, Term b) => new(this, Checked(Z3Native.Z3_mk_implies(Native, Own(a, nameof(a)), Own(b, nameof(b)))));

    public Term Iff(Term a, Term b) => new(this, Checked(Z3Native.Z3_mk_iff(Native, Own(a, nameof(a)), Own(b, nameof(b)))));

    public Term Ite(Term condition, Term then, Term otherwise) =>
        new(this, Checked(Z3Native.Z3_mk_ite(Native, Own(condition, nameof(condition)), Own(then, nameof(then)), Own(otherwise, nameof(otherwise)))));

    public Term Eq(Term a, Term b) => new(this, Checked(Z3Native.Z3_mk_eq(Native, Own(a, nameof(a)), Own(b, nameof(b)))));

    /// <summary>Pairwise distinct; needs at least one argument.</summary>
    public Term Distinct(params IReadOnlyList<Term> args)
    {
        var handles = Own(args, nameof(args));
        if (handles.Length == 0)
        {
            throw new ArgumentException("Distinct needs at least one term.", nameof(args));
        }

        return new(this, Checked(Z3Native.Z3_mk_distinct(Native, (uint)handles.Length, handles)));
    }
}
