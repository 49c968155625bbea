using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>Array terms: read, write, constant arrays.</summary>
public sealed partial class Context
{
    /// <summary>array[index].</summary>
    public Term Select(Term array, Term index) =>
        new(this, Checked(Z3Native.Z3_mk_select(Native, Own(array, nameof(array)), Own(index, nameof(index)))));

    /// <summary>array with array[index] := value.</summary>
    public Term Store(Term array, Term index, Term value) =>
        new(this, Checked(Z3Native.Z3_mk_store(Native, Own(array, nameof(array)), Own(index, nameof(index)), Own(value, nameof(value)))));

    /// <summary>The array mapping every index of <paramref name="domain"/> to <paramref name="value"/>.</summary>
    public Term ConstArray(Sort domain, Term value) =>
        new(this, Checked(Z3Native.Z3_mk_const_array(Native, Own(domain, nameof(domain)), Own(value, nameof(value)))));
}
