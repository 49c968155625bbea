using System.Numerics;
using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>A model (satisfying assignment) returned with <see cref="SolverOutcome.Sat"/>, and reading values back.</summary>
public sealed class Model : Z3Object
{
    internal Model(Context context, nint handle)
        : base(context, handle, NativeRefKind.Model)
    {
    }

    /// <summary>
    /// The value of <paramref name="term"/> in this model. With <paramref name="completion"/> (the
    /// default) constants the model leaves open get a default value, so the result is a value.
    /// </summary>
    public Term Eval(Term term, bool completion = true)
    {
        var t = Context.Own(term, nameof(term));
        var ok = Z3Native.Z3_model_eval(Context.Native, Handle, t, completion, out var value);
        Context.ThrowIfError();
        if (!ok || value == 0)
        {
            throw new Z3Exception(Z3ErrorCode.InvalidArgument, $"Z3 could not evaluate {term} in the model");
        }

        return new Term(Context, value);
    }

    /// <summary>The Boolean value of <paramref name="term"/>.</summary>
    public bool EvalBool(Term term)
    {
        using var value = Eval(term);
        return value.BoolValue ?? throw NotAValue(term, value, "a Boolean");
    }

    /// <summary>The unsigned value of a bit-vector <paramref name="term"/> of any width.</summary>
    public BigInteger EvalBitVec(Term term)
    {
        using var value = Eval(term);
        if (value.SortKind != SortKind.BitVec)
        {
            throw NotAValue(term, value, "a bit-vector");
        }

        return value.NumeralValue ?? throw NotAValue(term, value, "a bit-vector numeral");
    }

    /// <summary>The unsigned value of a bit-vector <paramref name="term"/> that fits in 64 bits.</summary>
    public ulong EvalUInt64(Term term)
    {
        var value = EvalBitVec(term);
        if (value > ulong.MaxValue)
        {
            throw new OverflowException($"The value {value} of {term} does not fit in a ulong; use EvalBitVec.");
        }

        return (ulong)value;
    }

    /// <summary>The name of the enumeration constant <paramref name="term"/> evaluates to.</summary>
    public string EvalEnum(Term term)
    {
        using var value = Eval(term);
        if (value.SortKind != SortKind.Datatype || value.Kind != TermKind.App || value.Args.Count != 0)
        {
            throw NotAValue(term, value, "an enumeration constant");
        }

        using var decl = value.Decl!;
        return decl.Name;
    }

    /// <summary>The field values of the tuple <paramref name="term"/> evaluates to, in field order.</summary>
    public IReadOnlyList<Term> EvalTuple(Term term)
    {
        using var value = Eval(term);
        if (value.SortKind != SortKind.Datatype || value.Kind != TermKind.App)
        {
            throw NotAValue(term, value, "a tuple");
        }

        return value.Args;
    }

    /// <summary>The names of the constants the model assigns.</summary>
    public IReadOnlyList<string> ConstantNames
    {
        get
        {
            var n = Context.Native;
            var count = Z3Native.Z3_model_get_num_consts(n, Handle);
            Context.ThrowIfError();
            var names = new string[count];
            for (uint i = 0; i < count; i++)
            {
                using var decl = new FuncDecl(Context, Context.Checked(Z3Native.Z3_model_get_const_decl(n, Handle, i)));
                names[i] = decl.Name;
            }

            return names;
        }
    }

    public override string ToString() => IsDisposed ? "<disposed model>" : Context.ReadString(Z3Native.Z3_model_to_string(Context.Native, Handle));

    private static InvalidOperationException NotAValue(Term term, Term value, string expected) =>
        new($"{term} evaluates to {value} in the model, which is not {expected}; check the term's sort.");
}
