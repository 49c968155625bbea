using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>An argument of an operation: its name, sort and (for ids) role.</summary>
public sealed record OpArg(string Name, Func<KernelSorts, Sort> SortOf, Role Role = Role.None);

/// <summary>
/// What an operation's body returns: the argument checks in order (the first that fails gives its
/// error), the next state when all pass, and named results. The framework turns it into a
/// <see cref="Transition"/> whose state is unchanged on error — as in seL4, decode (checks) then
/// invoke (the update, which cannot fail).
/// </summary>
public sealed record Step(ImmutableArray<(Term Ok, string Error)> Checks, KernelState Next, ImmutableArray<(string Name, Term Value)> Results)
{
    public static Step Of(KernelState next, params (Term Ok, string Error)[] checks) => new([.. checks], next, []);

    public Step WithResult(string name, Term value) => this with { Results = Results.Add((name, value)) };
}

/// <summary>
/// One kernel operation of the spec: a loop-free transition function from a state and arguments
/// to (error, next state, results). Operations are values, so a test can build a spec whose
/// operation is replaced by a mutant (see <see cref="KernelSpec.WithOperation"/>).
/// </summary>
public sealed record Operation(string Name, string Description, ImmutableArray<OpArg> Args, Func<Ctx, KernelState, IReadOnlyDictionary<string, Term>, Step> Body)
{
    /// <summary>Symbolic arguments named prefix + argument name.</summary>
    public IReadOnlyDictionary<string, Term> SymbolicArgs(KernelSorts k, string prefix) =>
        Args.ToDictionary(a => a.Name, a => (Term)T.Var(prefix + a.Name, a.SortOf(k)), StringComparer.Ordinal);

    public Transition Apply(Ctx ctx, KernelState pre, IReadOnlyDictionary<string, Term> args)
    {
        foreach (var a in Args)
            if (!args.ContainsKey(a.Name)) throw new ArgumentException($"Operation {Name}: argument '{a.Name}' is missing", nameof(args));
        var step = Body(ctx, pre, args);
        Term error = KError.Ok;
        for (int i = step.Checks.Length - 1; i >= 0; i--)
            error = T.Ite(step.Checks[i].Ok, error, KError.Of(step.Checks[i].Error));
        var ok = T.Eq(error, KError.Ok);
        return new Transition(this, args, error, ok, step.Next.IteWith(ok, pre), step.Next, step.Results);
    }
}

/// <summary>
/// An operation applied to a state: its error term, success condition, post-state (unchanged on
/// error: field by field <c>Ok ? Next : pre</c>), the state when it succeeds, and results.
/// Proofs premised on <see cref="Ok"/> use <see cref="Next"/>: the same state under that premise,
/// without the array-valued if-then-else that slows Z3's array reasoning.
/// </summary>
public sealed record Transition(Operation Operation, IReadOnlyDictionary<string, Term> Args, Term Error, Term Ok, KernelState Post, KernelState Next, ImmutableArray<(string Name, Term Value)> Results);
