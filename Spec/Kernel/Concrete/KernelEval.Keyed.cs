using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// A spec step in keyed form (<see cref="KernelEval.StepKeyed"/>): the error and, on success, the
/// stores the step's next state makes into each field it writes, in the order they apply (a later
/// store at the same key wins), instead of the next state itself. Every store's key and value are
/// terms over the state stepped and the arguments, so they are all evaluated on that state.
/// </summary>
public sealed class KeyedStep
{
    private readonly (Value Key, Value Value)[]?[] writes;

    internal KeyedStep(string error, (Value Key, Value Value)[]?[] writes, ImmutableDictionary<string, Value> results)
    {
        Error = error;
        this.writes = writes;
        Results = results;
    }

    public string Error { get; }

    public bool Ok => Error == "Ok";

    public ImmutableDictionary<string, Value> Results { get; }

    /// <summary>The stores into field <paramref name="field"/> in the order they apply; empty when the step does not write it (or failed).</summary>
    public ReadOnlySpan<(Value Key, Value Value)> Writes(int field) => writes[field];

    /// <summary>
    /// The value the last store into <paramref name="field"/> at <paramref name="key"/> writes
    /// (false: no store there, the field keeps the stepped state's entry).
    /// </summary>
    public bool TryWritten(int field, Value key, out Value value)
    {
        var w = writes[field];
        if (w is not null)
        {
            for (var j = w.Length - 1; j >= 0; j--)
            {
                if (ReferenceEquals(w[j].Key, key) || w[j].Key.Equals(key))
                {
                    value = w[j].Value;
                    return true;
                }
            }
        }

        value = null!;
        return false;
    }
}

public sealed partial class KernelEval
{
    /// <summary>
    /// As <see cref="Step"/>, in keyed form: the same checks decide the error, and on success the
    /// stores of the next state's fields are evaluated (keys and values on <paramref name="state"/>)
    /// but not made — for a caller that reads the next state at a few keys only. Null when the
    /// operation has a post term that is not a chain of stores over its own field (an
    /// if-then-else, a quantified update): then only <see cref="Step"/> gives the next state.
    /// The next state at field f and key k is the value of the last store into f at k, else
    /// <paramref name="state"/>'s — except that a map whose entries cover half a finite key sort
    /// may re-choose its default (<see cref="MapValue"/>), which the caller must rule out.
    /// </summary>
    public KeyedStep? StepKeyed(string operation, ConcreteState state, IReadOnlyDictionary<string, Value> args)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(args);
        var p = OperationOf(operation);
        if (p.Chains is not { } chains) return null;
        var env = p.LazyEnv(this, state, args);
        var error = FirstFailure(p, env);
        var writes = new (Value, Value)[]?[ConcreteState.FieldCount];
        if (error == "Ok" && p.ChainValues is { } program)
        {
            var values = ((RecordValue)program.Run(env.For(program))).Fields;
            var keys = new Value?[p.KeyReaders.Length];
            foreach (var (field, stores) in chains)
            {
                var w = new (Value, Value)[stores.Length];
                for (var j = 0; j < stores.Length; j++)
                {
                    var (key, value) = stores[j];
                    w[j] = (keys[key] ??= p.ReadKey(key, env), values[value]);
                }

                writes[field] = w;
            }
        }

        return new KeyedStep(error, writes, p.ResultsOf(env));
    }

    /// <summary>
    /// The stores of <paramref name="post"/>, a chain of stores over the field <paramref name="baseName"/>,
    /// in the order they apply (the innermost first); false for any other term.
    /// </summary>
    private static bool StoreChain(Term post, string baseName, List<(Term Key, Term Value)> into)
    {
        var outermostFirst = new List<(Term, Term)>();
        var t = post;
        while (t is AppTerm { Op: Op.Store } a)
        {
            outermostFirst.Add((a.Args[1], a.Args[2]));
            t = a.Args[0];
        }

        if (t is not VarTerm v || v.Name != baseName) return false;
        outermostFirst.Reverse();
        into.AddRange(outermostFirst);
        return true;
    }
}
