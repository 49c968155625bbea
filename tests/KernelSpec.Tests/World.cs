using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Spec.Kernel.Tests;

/// <summary>Concrete values and a stepping helper for scenario tests on the spec's Eval.</summary>
internal sealed class World(KernelSpec spec)
{
    public KernelSpec Spec { get; } = spec;
    public KernelEval Eval { get; } = new(spec);
    private KernelSorts K => Spec.Sorts;

    public Value Obj(ulong v) => new BitVecValue(K.Obj.Width, v);
    public Value Cap(ulong v) => new BitVecValue(K.CapId.Width, v);
    public Value Slot(ulong cnode, ulong index) => new BitVecValue(K.Slot.Width, (cnode << K.Config.CNodeIndexBits) | index);
    public Value Addr(ulong v) => new BitVecValue(K.Addr.Width, v);
    public Value Rights(ulong v) => new BitVecValue(4, v);
    public Value Badge(ulong v) => new BitVecValue(K.Badge.Width, v);
    public Value GIndex(ulong v) => new BitVecValue(K.GrantIndex.Width, v);
    public Value GGen(ulong v) => new BitVecValue(K.GrantGen.Width, v);
    public Value Access(ulong v) => new BitVecValue(2, v);
    public Value Svc(ulong v) => new BitVecValue(K.Service.Width, v);
    public static Value Type(string t) => new EnumValue(KernelSorts.ObjType, t);

    /// <summary>Boot state: untyped [0x1000, 0x1000+0x100000), services 0..3 with endpoints 100+i, deps given as (svc, dep) pairs.</summary>
    public ConcreteState Boot(params (ulong Svc, ulong Dep)[] deps)
    {
        var depSort = Sort.Map(K.Service, Sort.Map(K.Service, Sort.Bool));
        var inner = Sort.Map(K.Service, Sort.Bool);
        var dep = MapValue.Const(depSort, MapValue.Const(inner, BoolValue.False));
        foreach (var (s, d) in deps) dep = dep.Store(Svc(s), ((MapValue)dep[Svc(s)]).Store(Svc(d), BoolValue.True));
        var core = MapValue.Const(Sort.Map(K.Service, Sort.Bool), BoolValue.False);
        var ep = MapValue.Const(Sort.Map(K.Service, K.Obj), Obj(0));
        for (ulong i = 0; i < 4; i++) ep = ep.Store(Svc(i), Obj(100 + i));
        return Eval.Init(Addr(0x1000), Addr(0x100000), dep, core, ep);
    }

    public ConcreteStep Try(ConcreteState s, string op, params (string Name, Value Value)[] args) =>
        Eval.Step(op, s, args.ToDictionary(a => a.Name, a => a.Value));

    /// <summary>Steps and requires success (and that every invariant still holds).</summary>
    public ConcreteState Do(ConcreteState s, string op, params (string Name, Value Value)[] args)
    {
        var r = Try(s, op, args);
        if (!r.Ok) throw new InvalidOperationException($"{op} failed with {r.Error}");
        var broken = Eval.BrokenClauses(r.Next, s);
        if (broken.Count > 0) throw new InvalidOperationException($"{op} broke {string.Join(", ", broken)}");
        return r.Next;
    }
}
