using System.Globalization;
using System.Numerics;
using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>
/// A Z3 term (expression or formula). Terms are built only through a <see cref="Context"/>'s
/// factory methods, which pass them to Z3 unchanged: Z3 checks the sorts and reports an ill-sorted
/// term as a <see cref="Z3Exception"/>. Equality is identity of the native term: Z3 shares equal
/// terms, so two live terms are equal exactly when they are structurally the same.
/// </summary>
public sealed class Term : Z3Object, IEquatable<Term>
{
    internal Term(Context context, nint handle)
        : base(context, handle, NativeRefKind.Ast)
    {
    }

    /// <summary>The term's sort.</summary>
    public Sort Sort => new(Context, Context.Checked(Z3Native.Z3_get_sort(Context.Native, Handle)));

    /// <summary>The kind of the term's sort (without allocating a <see cref="Smt.Sort"/> wrapper).</summary>
    public SortKind SortKind => Smt.Sort.KindOf(Context, Context.Checked(Z3Native.Z3_get_sort(Context.Native, Handle)));

    /// <summary>The width of a bit-vector term; throws for other sorts.</summary>
    public uint BitVecSize
    {
        get
        {
            var sort = Context.Checked(Z3Native.Z3_get_sort(Context.Native, Handle));
            if (Smt.Sort.KindOf(Context, sort) != SortKind.BitVec)
            {
                throw new InvalidOperationException($"BitVecSize needs a bit-vector term, but {this} is not one.");
            }

            var size = Z3Native.Z3_get_bv_sort_size(Context.Native, sort);
            Context.ThrowIfError();
            return size;
        }
    }

    /// <summary>Numeral, application, bound variable or quantifier.</summary>
    public TermKind Kind
    {
        get
        {
            var kind = Z3Native.Z3_get_ast_kind(Context.Native, Handle);
            Context.ThrowIfError();
            return (TermKind)kind;
        }
    }

    /// <summary>True for numerals (bit-vector values among them).</summary>
    public bool IsNumeral
    {
        get
        {
            var result = Z3Native.Z3_is_numeral_ast(Context.Native, Handle);
            Context.ThrowIfError();
            return result;
        }
    }

    /// <summary>true or false when this term is the literal true or false, otherwise null.</summary>
    public bool? BoolValue
    {
        get
        {
            var value = (Z3LBool)Z3Native.Z3_get_bool_value(Context.Native, Handle);
            Context.ThrowIfError();
            return value switch
            {
                Z3LBool.True => true,
                Z3LBool.False => false,
                _ => null,
            };
        }
    }

    /// <summary>The value of a numeral (a bit-vector numeral reads as its unsigned value), otherwise null.</summary>
    public BigInteger? NumeralValue
    {
        get
        {
            if (!IsNumeral)
            {
                return null;
            }

            var text = Context.ReadString(Z3Native.Z3_get_numeral_string(Context.Native, Handle));
            return BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The declaration applied, for applications (constants included), otherwise null.</summary>
    public FuncDecl? Decl => IsApp ? new FuncDecl(Context, Context.Checked(Z3Native.Z3_get_app_decl(Context.Native, Handle))) : null;

    /// <summary>The arguments of an application (empty for constants and non-applications).</summary>
    public IReadOnlyList<Term> Args
    {
        get
        {
            if (!IsApp)
            {
                return [];
            }

            var count = Z3Native.Z3_get_app_num_args(Context.Native, Handle);
            Context.ThrowIfError();
            var args = new Term[count];
            for (uint i = 0; i < count; i++)
            {
                args[i] = new Term(Context, Context.Checked(Z3Native.Z3_get_app_arg(Context.Native, Handle, i)));
            }

            return args;
        }
    }

    private bool IsApp
    {
        get
        {
            var result = Z3Native.Z3_is_app(Context.Native, Handle);
            Context.ThrowIfError();
            return result;
        }
    }

    /// <summary>Z3's simplification of this term.</summary>
    public Term Simplify() => new(Context, Context.Checked(Z3Native.Z3_simplify(Context.Native, Handle)));

    /// <summary>The term in SMT-LIB2 syntax.</summary>
    public override string ToString() => IsDisposed ? "<disposed term>" : Context.ReadString(Z3Native.Z3_ast_to_string(Context.Native, Handle));

    public bool Equals(Term? other) =>
        other is not null && ReferenceEquals(Context, other.Context) && RawHandle == other.RawHandle && RawHandle != 0;

    public override bool Equals(object? obj) => obj is Term other && Equals(other);

    public override int GetHashCode() => RawHandle.GetHashCode();
}
