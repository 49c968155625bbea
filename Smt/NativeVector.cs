using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>A Z3_ast_vector held only long enough to copy its terms out.</summary>
internal sealed class NativeVector : Z3Object
{
    internal NativeVector(Context context, nint handle)
        : base(context, handle, NativeRefKind.AstVector)
    {
    }

    public Term[] ToTerms()
    {
        var n = Context.Native;
        var count = Z3Native.Z3_ast_vector_size(n, Handle);
        Context.ThrowIfError();
        var terms = new Term[count];
        for (uint i = 0; i < count; i++)
        {
            terms[i] = new Term(Context, Context.Checked(Z3Native.Z3_ast_vector_get(n, Handle, i)));
        }

        return terms;
    }
}
