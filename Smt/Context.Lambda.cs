using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>Lambda terms (arrays defined pointwise), and recognising the array values models return.</summary>
public sealed partial class Context
{
    /// <summary>λ <paramref name="bound"/>. <paramref name="body"/>: the array mapping the bound constants to the body.</summary>
    public Term Lambda(IReadOnlyList<Term> bound, Term body)
    {
        var vars = Own(bound, nameof(bound));
        if (vars.Length == 0)
        {
            throw new ArgumentException("A lambda needs at least one bound constant.", nameof(bound));
        }

        foreach (var variable in bound)
        {
            if (variable.Kind != TermKind.App || variable.Args.Count != 0 || variable.IsNumeral)
            {
                throw new ArgumentException($"Lambdas bind constants only, but {variable} is not a constant.", nameof(bound));
            }
        }

        return new(this, Checked(Z3Native.Z3_mk_lambda_const(Native, (uint)vars.Length, vars, Own(body, nameof(body)))));
    }

    /// <summary>For an <c>(_ as-array f)</c> term, the function f whose interpretation the array is; otherwise null.</summary>
    public FuncDecl? AsArrayFunction(Term term)
    {
        var t = Own(term, nameof(term));
        var isAsArray = Z3Native.Z3_is_as_array(Native, t);
        ThrowIfError();
        return isAsArray ? new FuncDecl(this, Checked(Z3Native.Z3_get_as_array_func_decl(Native, t))) : null;
    }

    /// <summary>The default value of an array that is a finite map with a default (Z3's <c>(_ map default)</c>).</summary>
    public Term ArrayDefault(Term array) => new(this, Checked(Z3Native.Z3_mk_array_default(Native, Own(array, nameof(array)))));
}
