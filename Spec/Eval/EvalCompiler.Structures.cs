using System.Runtime.CompilerServices;
using System.Collections.Immutable;

namespace Verified.Spec;

public partial class EvalCompiler
{
    /// <summary>Compiles a map or record term.</summary>
    private OCode O(Term t, Scope sc)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (t)
        {
            case VarTerm v:
                {
                    var b = Lookup(v, sc);
                    // A record key of a map update is poisoned as a scalar one is (MapUpdate).
                    if (b.PoisonOwner is { } owner) return _ => throw new KeyDependenceException(owner);
                    int i = b.Slot;
                    return f => f.O[i].V!;
                }
            case LitTerm l:
                {
                    var c = l.Value;
                    return _ => c;
                }
            case AppTerm a:
                return OApp(a, sc);
            case LetTerm l:
                {
                    var (bind, inner) = BindLet(l, sc);
                    var body = O(l.Body, inner);
                    return f =>
                    {
                        bind(f);
                        return body(f);
                    };
                }
            case MapUpdateTerm u:
                return MapUpdate(u, sc);
            default:
                throw new InvalidOperationException($"internal: {t.GetType().Name} of sort {t.Sort} is not a map or record");
        }
    }

    /// <summary>Operators producing a Value: map and record operators, plus Ite over maps/records. Select and Field serve scalar results too.</summary>
    private OCode OApp(AppTerm a, Scope sc)
    {
        var args = a.Args;
        switch (a.Op)
        {
            case Op.Ite:
                {
                    SCode c = S(args[0], sc);
                    OCode x = O(args[1], sc), y = O(args[2], sc);
                    return f => c(f) != 0 ? x(f) : y(f);
                }
            case Op.ConstMap:
                {
                    var sort = (MapSort)a.Sort;
                    var d = V(args[0], sc);
                    return f => MapValue.Const(sort, d(f));
                }
            case Op.Select when IsScalar(args[1].Sort):
                {
                    // The key stays unboxed: the map looks it up by its bits.
                    if (Slot(args[0], sc) is int mi && Slot(args[1], sc) is int ki) return f => ((MapValue)f.O[mi].V!).SelectBits(f.S[ki]);
                    OCode m = O(args[0], sc);
                    SCode k = S(args[1], sc);
                    return f => ((MapValue)m(f)).SelectBits(k(f));
                }
            case Op.Select:
                {
                    OCode m = O(args[0], sc), k = V(args[1], sc);
                    return f => ((MapValue)m(f)).Select(k(f));
                }
            case Op.Store when IsScalar(args[1].Sort):
                {
                    // The key is boxed only when the map has no entry at it yet.
                    OCode m = O(args[0], sc), v = V(args[2], sc);
                    SCode k = S(args[1], sc);
                    var box = Boxing.Boxer(args[1].Sort);
                    return f => ((MapValue)m(f)).StoreBits(k(f), box, v(f));
                }
            case Op.Store:
                {
                    OCode m = O(args[0], sc), k = V(args[1], sc), v = V(args[2], sc);
                    return f => ((MapValue)m(f)).StoreUnchecked(k(f), v(f));
                }
            case Op.MkRecord:
                {
                    var sort = (RecordSort)a.Sort;
                    var xs = args.Select(x => V(x, sc)).ToArray();
                    return f =>
                    {
                        var vs = new Value[xs.Length];
                        for (int i = 0; i < xs.Length; i++) vs[i] = xs[i](f);
                        // The array is fresh and never written again: the record takes it as it is (no copy).
                        return RecordValue.Unchecked(sort, System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(vs));
                    };
                }
            case Op.Field:
                {
                    var r = O(args[0], sc);
                    int i = a.P0;
                    return f => ((RecordValue)r(f)).Fields[i];
                }
            case Op.With:
                {
                    var r = O(args[0], sc);
                    var v = V(args[1], sc);
                    int i = a.P0;
                    return f =>
                    {
                        var rec = (RecordValue)r(f);
                        return RecordValue.Unchecked(rec.RecordSort, rec.Fields.SetItem(i, v(f)));
                    };
                }
            default:
                throw new InvalidOperationException($"internal: {a.Op} does not produce a map or record");
        }
    }

    private SCode SLet(LetTerm l, Scope sc)
    {
        var (bind, inner) = BindLet(l, sc);
        var body = S(l.Body, inner);
        return f =>
        {
            bind(f);
            return body(f);
        };
    }

    private (Action<Frame> Bind, Scope Inner) BindLet(LetTerm l, Scope sc)
    {
        var (inner, b) = sc.Bind(l.Var);
        int i = b.Slot;
        if (b.Scalar)
        {
            var v = S(l.Value, sc);
            return (f => f.S[i] = v(f), inner);
        }
        var o = O(l.Value, sc);
        return (f => f.O[i].V = o(f), inner);
    }

    /// <summary>Stores a boxed value into the slot of a bound variable.</summary>
    private static Action<Frame, Value> Setter(Binding b)
    {
        int i = b.Slot;
        return b.Scalar ? (f, v) => f.S[i] = Boxing.Unbox(v) : (f, v) => f.O[i].V = v;
    }
}
