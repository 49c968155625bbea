using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// The values one evaluation binds: the state (s.), the pre-state of a relational check (p.),
/// arguments (a.), domains (d.; may be null for a program that does not quantify, see <see cref="EvalProgram.ReadsDomains"/>).
/// </summary>
public sealed record EvalEnv(ConcreteState State, ConcreteState? Before, IReadOnlyDictionary<string, Value>? Args, RoleDomains? Domains)
{
    /// <summary>The arguments by position, in the order a program was compiled with (optional: <see cref="Args"/> by name otherwise).</summary>
    public Value[]? ArgValues { get; init; }

    /// <summary>The domain variables of narrowed quantifiers (n.K: <c>(K, false)</c>, n.K.n: <c>(K, true)</c>; see <see cref="StepNarrowing"/>).</summary>
    public Func<int, bool, Value>? Narrowed { get; init; }
}

/// <summary>
/// A compiled kernel-spec term and, per free variable, where its value comes from in an
/// <see cref="EvalEnv"/> — resolved once from the names, so a run binds positionally.
/// </summary>
public sealed class EvalProgram
{
    private readonly CompiledTerm code;
    private readonly Func<EvalEnv, Value>[] sources;

    /// <param name="code">The compiled term.</param>
    /// <param name="argOrder">The argument names in the order of <see cref="EvalEnv.ArgValues"/>, when runs give them so.</param>
    public EvalProgram(CompiledTerm code, IReadOnlyList<string>? argOrder = null)
    {
        this.code = code;
        sources = [.. code.FreeVariables.Select(v => Source(v.Name, argOrder))];
        ReadsDomains = code.FreeVariables.Any(v => v.Name.StartsWith("d.", StringComparison.Ordinal));
    }

    /// <summary>Whether a run reads the quantifier domains (the term quantifies): a caller may skip computing them otherwise.</summary>
    public bool ReadsDomains { get; }

    public Value Run(EvalEnv env)
    {
        // One buffer kept for the next run (Evaluate copies the values into its frame first); taken
        // while in use, so a run reached from a source of another (a narrowed domain's key) or from
        // another thread allocates its own.
        var values = Interlocked.Exchange(ref spare, null) ?? new Value[sources.Length];
        for (var i = 0; i < values.Length; i++) values[i] = sources[i](env);
        var result = code.Evaluate(values);
        Array.Clear(values); // retains no state
        spare = values;
        return result;
    }

    private Value[]? spare;

    /// <summary>The state fields read under <paramref name="prefix"/> ("s." or "p.").</summary>
    public ImmutableArray<string> FieldsRead(string prefix) =>
        [.. code.FreeVariables.Where(v => v.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(v => v.Name[prefix.Length..]).Distinct().Order(StringComparer.Ordinal)];

    private static Func<EvalEnv, Value> Source(string name, IReadOnlyList<string>? argOrder)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var (kind, rest) = dot < 0 ? ("", name) : (name[..(dot + 1)], name[(dot + 1)..]);
        switch (kind)
        {
            case "s.":
                var field = ConcreteState.IndexOf(rest); // resolved once: a run reads by position
                return e => e.State[field];
            case "p.":
                var before = ConcreteState.IndexOf(rest);
                return e => (e.Before ?? throw new InvalidOperationException($"KernelEval: '{name}' needs a pre-state"))[before];
            case "a.":
                var position = argOrder is null ? -1 : argOrder.ToList().IndexOf(rest);
                Value ByName(EvalEnv e) => e.Args is { } a && a.TryGetValue(rest, out var v) ? v : throw new ArgumentException($"KernelEval: argument '{rest}' is missing");
                return position < 0 ? ByName : e => e.ArgValues is { } values ? values[position] : ByName(e);
            case "d.":
                var count = rest.EndsWith(".n", StringComparison.Ordinal);
                var role = Enum.Parse<Role>(count ? rest[..^2] : rest);
                return e => (e.Domains ?? throw new InvalidOperationException($"KernelEval: '{name}' needs the quantifier domains")).Variable(role, count);
            case StepNarrowing.Prefix:
                var isCount = rest.EndsWith(".n", StringComparison.Ordinal);
                var id = int.Parse(isCount ? rest[..^2] : rest, System.Globalization.CultureInfo.InvariantCulture);
                return e => (e.Narrowed ?? throw new InvalidOperationException($"KernelEval: '{name}' needs the narrowed quantifiers' domains"))(id, isCount);
            default:
                throw new InvalidOperationException($"KernelEval: the term has a free variable '{name}' that names no state field, argument or domain");
        }
    }
}
