using System.Collections.Immutable;

namespace Verified.Spec;

/// <summary>Where a variable lives during evaluation. <see cref="PoisonOwner"/> set: reading it throws <see cref="KeyDependenceException"/>.</summary>
internal sealed record Binding(Sort Sort, bool Scalar, int Slot, object? PoisonOwner = null);

/// <summary>Compile-time scope: variable (name and sort, as in Z3) to slot, plus the slot counters shared by a whole compilation.</summary>
internal sealed class Scope
{
    private readonly SlotCounter _counter;

    private Scope(ImmutableDictionary<VarTerm, Binding> vars, SlotCounter counter)
    {
        Vars = vars;
        _counter = counter;
    }

    public static Scope Root() => new(ImmutableDictionary<VarTerm, Binding>.Empty, new SlotCounter());

    public ImmutableDictionary<VarTerm, Binding> Vars { get; }

    public int Scalars => _counter.Scalars;

    public int Objects => _counter.Objects;

    /// <summary>A new slot for <paramref name="v"/>, visible in the returned scope.</summary>
    public (Scope Scope, Binding Binding) Bind(VarTerm v)
    {
        bool scalar = EvalCompiler.IsScalar(v.Sort);
        var b = new Binding(v.Sort, scalar, scalar ? _counter.Scalars++ : _counter.Objects++);
        return (new Scope(Vars.SetItem(v, b), _counter), b);
    }

    public Scope Poison(VarTerm v, Binding b, object owner) =>
        new(Vars.SetItem(v, b with { PoisonOwner = owner }), _counter);

    private sealed class SlotCounter
    {
        public int Scalars;
        public int Objects;
    }
}
