using System.Collections.Immutable;
using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Spec.Kernel.Tests;

/// <summary>
/// One scripted boot scenario stepped with Eval through every operation (each must succeed, or
/// the constructor throws), for tests that need a state with a bit of everything.
/// </summary>
internal sealed class ScriptedRun
{
    public ScriptedRun(KernelSpec spec)
    {
        var eval = new KernelEval(spec);
        var k = spec.Sorts;
        Value Obj(ulong v) => new BitVecValue(k.Obj.Width, v);
        Value Cap(ulong v) => new BitVecValue(k.CapId.Width, v);
        Value Slot(ulong i) => new BitVecValue(k.Slot.Width, (KernelSpec.RootCNode << k.Config.CNodeIndexBits) | i);
        Value Addr(ulong v) => new BitVecValue(k.Addr.Width, v);
        Value Svc(ulong v) => new BitVecValue(k.Service.Width, v);
        Value GIdx(ulong v) => new BitVecValue(k.GrantIndex.Width, v);
        Value Type(string t) => new EnumValue(KernelSorts.ObjType, t);

        var dep = MapValue.Const(Sort.Map(k.Service, Sort.Map(k.Service, Sort.Bool)), MapValue.Const(Sort.Map(k.Service, Sort.Bool), BoolValue.False));
        dep = dep.Store(Svc(0), ((MapValue)dep[Svc(0)]).Store(Svc(1), BoolValue.True)); // service 0 depends on 1
        var core = MapValue.Const(Sort.Map(k.Service, Sort.Bool), BoolValue.False);
        var eps = MapValue.Const(Sort.Map(k.Service, k.Obj), Obj(100)).Store(Svc(1), Obj(101));
        var s = eval.Init(Addr(0x1000), Addr(0x100000), dep, core, eps);

        void Do(string op, params (string Name, Value Value)[] args)
        {
            var a = args.ToImmutableDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal);
            var r = eval.Step(op, s, a);
            if (!r.Ok) throw new InvalidOperationException($"ScriptedRun: scripted {op} failed with {r.Error}");
            s = r.Next;
        }

        Do("cap.retype", ("ut", Slot(1)), ("dst", Slot(2)), ("id", Cap(2)), ("obj", Obj(100)), ("type", Type("Endpoint")), ("size", Addr(16)), ("reset", BoolValue.False));
        Do("cap.copy", ("src", Slot(2)), ("dst", Slot(3)), ("id", Cap(3)));
        Do("cap.mint", ("src", Slot(2)), ("dst", Slot(4)), ("id", Cap(4)), ("rights", new BitVecValue(4, Rights.Read | Rights.Write)), ("badge", new BitVecValue(k.Badge.Width, 5)));
        Do("cap.move", ("src", Slot(4)), ("dst", Slot(5)));
        Do("cap.mutate", ("src", Slot(3)), ("dst", Slot(6)), ("rights", new BitVecValue(4, Rights.Read)), ("badge", new BitVecValue(k.Badge.Width, 7)));
        Do("ipc.transfer", ("ep", Slot(2)), ("src", Slot(0)), ("dst", Slot(7)), ("id", Cap(7)));
        Do("cap.delete", ("slot", Slot(7)));
        Do("cap.revoke_step", ("slot", Slot(2)), ("victim", Slot(5)));
        Do("cap.retype", ("ut", Slot(1)), ("dst", Slot(8)), ("id", Cap(8)), ("obj", Obj(50)), ("type", Type("Task")), ("size", Addr(64)), ("reset", BoolValue.False));
        Do("cap.retype", ("ut", Slot(1)), ("dst", Slot(9)), ("id", Cap(9)), ("obj", Obj(51)), ("type", Type("Task")), ("size", Addr(64)), ("reset", BoolValue.False));
        Do("task.create", ("t", Obj(50)), ("ep", Obj(100)));
        Do("task.crash", ("t", Obj(50)));
        Do("task.destroy", ("t", Obj(50)));
        Do("grant.create_direct", ("owner", Obj(50)), ("index", GIdx(0)), ("grantee", Obj(51)), ("base", Addr(0)), ("len", Addr(4096)), ("access", new BitVecValue(2, 3)));
        Do("grant.create_indirect", ("owner", Obj(51)), ("index", GIdx(0)), ("grantee", Obj(50)), ("srcOwner", Obj(50)), ("srcIndex", GIdx(0)),
            ("srcGen", new BitVecValue(k.GrantGen.Width, 0)), ("base", Addr(0)), ("len", Addr(100)), ("access", new BitVecValue(2, 1)));
        Do("grant.revoke", ("owner", Obj(51)), ("index", GIdx(0)));
        Do("svc.start", ("svc", Svc(1)));
        Do("svc.begin_init", ("svc", Svc(1)));
        Do("svc.init_done", ("svc", Svc(1)));
        Do("svc.start", ("svc", Svc(0)));
        Do("svc.crash", ("svc", Svc(0)));
        Do("svc.restart", ("svc", Svc(0)), ("slot", Slot(10)), ("id", Cap(10)));
        Do("svc.crash", ("svc", Svc(1)));
        Do("svc.die", ("svc", Svc(1)));
        AfterScript = s;
    }

    /// <summary>The state at the end of the script (for tests).</summary>
    public ConcreteState AfterScript { get; }
}
