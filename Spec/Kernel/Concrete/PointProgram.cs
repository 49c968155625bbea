namespace Verified.Spec.Kernel;

/// <summary>
/// A compiled quantifier-free term over state fields (post-state under one prefix, pre-state under
/// another) and a clause's bound variables, bound positionally: the fields once per evaluation
/// (<see cref="Bind"/>), the variables per instance (<see cref="Run"/>). Reuses one value buffer,
/// so it is not thread-safe (neither is <see cref="KernelEval"/>).
/// </summary>
internal sealed class PointProgram
{
    private readonly CompiledTerm code;
    private readonly (int Field, bool Pre, int Var)[] sources;
    private readonly Value[] buffer;

    public PointProgram(Term term, IReadOnlyList<VarTerm> vars, string postPrefix, string prePrefix)
    {
        // Its subterms that occur more than once evaluated once (KernelEval.ShareSubterms: every
        // variable of the quantifier-free term is a field or a bound variable, free in it).
        var free = term.FreeVariables().ToHashSet();
        code = Eval.Compile(KernelEval.ShareSubterms(term, free.Contains));
        sources = [.. code.FreeVariables.Select(v =>
        {
            for (var i = 0; i < vars.Count; i++)
                if (vars[i].Equals(v)) return (-1, false, i);
            // Fields by position, resolved once (a bind reads them by index).
            if (v.Name.StartsWith(postPrefix, StringComparison.Ordinal)) return (ConcreteState.IndexOf(v.Name[postPrefix.Length..]), false, -1);
            if (v.Name.StartsWith(prePrefix, StringComparison.Ordinal)) return (ConcreteState.IndexOf(v.Name[prePrefix.Length..]), true, -1);
            throw new InvalidOperationException($"KernelEval: the clause term has a free variable '{v.Name}' that is neither a state field nor a bound variable");
        })];
        buffer = new Value[sources.Length];
    }

    /// <summary>Binds the state fields the term reads (<paramref name="pre"/> only needed when it reads the pre-state).</summary>
    public void Bind(ConcreteState post, ConcreteState? pre)
    {
        for (var i = 0; i < sources.Length; i++)
        {
            var (field, isPre, _) = sources[i];
            if (field < 0) continue;
            buffer[i] = isPre ? (pre ?? throw new InvalidOperationException($"KernelEval: field '{KernelState.Fields[field].Name}' of the pre-state is read without a pre-state"))[field] : post[field];
        }
    }

    /// <summary>The value at the given values of the bound variables (after <see cref="Bind"/>).</summary>
    public Value Run(Value[] vars)
    {
        for (var i = 0; i < sources.Length; i++)
            if (sources[i].Var >= 0) buffer[i] = vars[sources[i].Var];
        return code.Evaluate(buffer);
    }

    public bool Holds(Value[] vars) => ((BoolValue)Run(vars)).Value;
}
