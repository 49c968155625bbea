using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>A Z3 parameter set (name → value), applied to a solver with <see cref="Solver.SetParameters"/>.</summary>
public sealed class Params : Z3Object
{
    internal Params(Context context, nint handle)
        : base(context, handle, NativeRefKind.Params)
    {
    }

    public Params Set(string name, bool value)
    {
        Z3Native.Z3_params_set_bool(Context.Native, Handle, Context.Symbol(name), value);
        Context.ThrowIfError();
        return this;
    }

    public Params Set(string name, uint value)
    {
        Z3Native.Z3_params_set_uint(Context.Native, Handle, Context.Symbol(name), value);
        Context.ThrowIfError();
        return this;
    }

    public Params Set(string name, double value)
    {
        Z3Native.Z3_params_set_double(Context.Native, Handle, Context.Symbol(name), value);
        Context.ThrowIfError();
        return this;
    }

    /// <summary>A symbol-valued parameter (e.g. "logic", "QF_BV").</summary>
    public Params Set(string name, string value)
    {
        Z3Native.Z3_params_set_symbol(Context.Native, Handle, Context.Symbol(name), Context.Symbol(value));
        Context.ThrowIfError();
        return this;
    }

    public override string ToString() => IsDisposed ? "<disposed params>" : Context.ReadString(Z3Native.Z3_params_to_string(Context.Native, Handle));
}
