using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>A quantifier instantiation pattern (a multi-pattern of one or more terms).</summary>
public sealed class Pattern : Z3Object
{
    internal Pattern(Context context, nint handle)
        : base(context, handle, NativeRefKind.Ast)
    {
    }

    public override string ToString() => IsDisposed ? "<disposed pattern>" : Context.ReadString(Z3Native.Z3_ast_to_string(Context.Native, Handle));
}
