using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>A function declaration: uninterpreted functions, datatype constructors and accessors.</summary>
public sealed class FuncDecl : Z3Object, IEquatable<FuncDecl>
{
    internal FuncDecl(Context context, nint handle)
        : base(context, handle, NativeRefKind.Ast)
    {
    }

    /// <summary>The declared name.</summary>
    public string Name => Context.SymbolName(Context.Checked(Z3Native.Z3_get_decl_name(Context.Native, Handle)));

    /// <summary>The number of arguments.</summary>
    public uint Arity
    {
        get
        {
            var n = Z3Native.Z3_get_domain_size(Context.Native, Handle);
            Context.ThrowIfError();
            return n;
        }
    }

    /// <summary>The sort of argument <paramref name="index"/>.</summary>
    public Sort Domain(uint index) => new(Context, Context.Checked(Z3Native.Z3_get_domain(Context.Native, Handle, index)));

    /// <summary>The result sort.</summary>
    public Sort Range => new(Context, Context.Checked(Z3Native.Z3_get_range(Context.Native, Handle)));

    /// <summary>Applies the declaration (same as <see cref="Context.Apply"/>).</summary>
    public Term Apply(params Term[] args) => Context.Apply(this, args);

    public override string ToString() => IsDisposed ? "<disposed declaration>" : Context.ReadString(Z3Native.Z3_func_decl_to_string(Context.Native, Handle));

    public bool Equals(FuncDecl? other) =>
        other is not null && ReferenceEquals(Context, other.Context) && RawHandle == other.RawHandle && RawHandle != 0;

    public override bool Equals(object? obj) => obj is FuncDecl other && Equals(other);

    public override int GetHashCode() => RawHandle.GetHashCode();
}
