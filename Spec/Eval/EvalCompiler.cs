using System.Runtime.CompilerServices;
using System.Collections.Immutable;

namespace Verified.Spec;

/// <summary>
/// Compiles a term once into a tree of closures over a <see cref="Frame"/> of slots, to be run many
/// times (run-time checking evaluates the same transition terms millions of times). Bool,
/// bit-vector and enum subterms run unboxed as ulong; maps and records as <see cref="Value"/>s.
/// <para>
/// The class is open for one purpose: a test may override <see cref="BinaryRule"/> or
/// <see cref="UnaryRule"/> to plant a wrong rule and check that the Eval-vs-Z3 agreement property
/// catches it. Production code uses <see cref="Default"/>; a mutant has to be passed explicitly, so
/// no global switch can change the semantics silently.
/// </para>
/// </summary>
public partial class EvalCompiler
{
    /// <summary>Unbounded quantifiers and key-dependent map updates are enumerated up to this many values.</summary>
    public const ulong EnumerationLimit = 1UL << 16;

    /// <summary>A range quantifier spanning more values than this is rejected rather than looped over.</summary>
    public const ulong RangeLimit = 1UL << 24;

    public static EvalCompiler Default { get; } = new();

    public CompiledTerm Compile(Term term)
    {
        ArgumentNullException.ThrowIfNull(term);
        var free = term.FreeVariables();
        var scope = Scope.Root();
        var slots = ImmutableArray.CreateBuilder<(VarTerm, Binding)>();
        foreach (var v in free)
        {
            (scope, var b) = scope.Bind(v);
            slots.Add((v, b));
        }
        OCode code;
        try
        {
            code = IsScalar(term.Sort) ? BoxCode(term.Sort, S(term, scope)) : O(term, scope);
        }
        catch (InsufficientExecutionStackException)
        {
            // Compilation recurses over the term; a term nested deeper than the thread's stack allows
            // is refused with a clear error instead of crashing the process with a stack overflow.
            throw new NotEvaluableException(
                "Eval: the term is nested too deeply to compile on this thread's stack; split it (e.g. with Let) or evaluate it on a thread with a larger stack",
                term);
        }

        return new CompiledTerm(term, slots.ToImmutable(), code, scope);
    }

    /// <summary>The rule for a binary bit-vector operator (arithmetic, bitwise, shift, comparison) on operands of <paramref name="width"/> bits.</summary>
    protected virtual Func<ulong, ulong, ulong> BinaryRule(Op op, int width) => BvRules.Binary(op, width);

    /// <summary>The rule for BvNot, BvNeg, Extract, ZeroExtend, SignExtend on an operand of <paramref name="width"/> bits.</summary>
    protected virtual Func<ulong, ulong> UnaryRule(Op op, int width, int p0, int p1) => BvRules.Unary(op, width, p0, p1);

    internal static bool IsScalar(Sort s) => s is BoolSort or BitVecSort or EnumSort;

    private static OCode BoxCode(Sort sort, SCode s)
    {
        var box = Boxing.Boxer(sort);
        return f => box(s(f));
    }

    /// <summary>Compiles a term of any sort to code producing a <see cref="Value"/>.</summary>
    private OCode V(Term t, Scope sc) => IsScalar(t.Sort) ? BoxCode(t.Sort, S(t, sc)) : O(t, sc);

    /// <summary>Compiles a Bool, bit-vector or enum term to unboxed code.</summary>
    private SCode S(Term t, Scope sc)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (t)
        {
            case VarTerm v:
                {
                    var b = Lookup(v, sc);
                    if (b.PoisonOwner is { } owner) return _ => throw new KeyDependenceException(owner);
                    int i = b.Slot;
                    return f => f.S[i];
                }
            case LitTerm l:
                {
                    ulong c = Boxing.Unbox(l.Value);
                    return _ => c;
                }
            case AppTerm a:
                return SApp(a, sc);
            case LetTerm l:
                return SLet(l, sc);
            case QuantTerm q:
                return Quant(q, sc);
            default:
                throw new InvalidOperationException($"internal: {t.GetType().Name} of sort {t.Sort} is not scalar");
        }
    }

    /// <summary>The slot of <paramref name="t"/> when it is a variable that may be read directly (not a poisoned key), else null.</summary>
    private static int? Slot(Term t, Scope sc) =>
        t is VarTerm v && Lookup(v, sc) is { PoisonOwner: null } b ? b.Slot : null;

    private static Binding Lookup(VarTerm v, Scope sc) =>
        sc.Vars.TryGetValue(v, out var b)
            ? b
            : throw new InvalidOperationException($"internal: variable '{v.Name}' of sort {v.Sort} has no slot");

    private SCode SApp(AppTerm a, Scope sc)
    {
        var args = a.Args;
        switch (a.Op)
        {
            case Op.Not:
                {
                    var x = S(args[0], sc);
                    return f => x(f) ^ 1;
                }
            case Op.And when args.Length == 2:
                {
                    SCode x = S(args[0], sc), y = S(args[1], sc);
                    return f => x(f) == 0 ? 0UL : y(f);
                }
            case Op.Or when args.Length == 2:
                {
                    SCode x = S(args[0], sc), y = S(args[1], sc);
                    return f => x(f) != 0 ? 1UL : y(f);
                }
            case Op.And:
                {
                    var xs = args.Select(x => S(x, sc)).ToArray();
                    return f =>
                    {
                        foreach (var x in xs) if (x(f) == 0) return 0;
                        return 1;
                    };
                }
            case Op.Or:
                {
                    var xs = args.Select(x => S(x, sc)).ToArray();
                    return f =>
                    {
                        foreach (var x in xs) if (x(f) != 0) return 1;
                        return 0;
                    };
                }
            case Op.Xor:
                {
                    SCode x = S(args[0], sc), y = S(args[1], sc);
                    return f => x(f) ^ y(f);
                }
            case Op.Iff:
                {
                    SCode x = S(args[0], sc), y = S(args[1], sc);
                    return f => x(f) == y(f) ? 1UL : 0UL;
                }
            case Op.Implies:
                {
                    SCode x = S(args[0], sc), y = S(args[1], sc);
                    return f => x(f) == 0 ? 1UL : y(f);
                }
            case Op.Ite:
                {
                    SCode c = S(args[0], sc), x = S(args[1], sc), y = S(args[2], sc);
                    return f => c(f) != 0 ? x(f) : y(f);
                }
            case Op.Eq:
                return Eq(args[0], args[1], sc);
            case Op.Distinct:
                return Distinct(args, sc);
            case Op.Concat:
                {
                    SCode x = S(args[0], sc), y = S(args[1], sc);
                    int lowWidth = ((BitVecSort)args[1].Sort).Width;
                    return f => (x(f) << lowWidth) | y(f);
                }
            case Op.BvNot or Op.BvNeg or Op.Extract or Op.ZeroExtend or Op.SignExtend:
                {
                    var x = S(args[0], sc);
                    var rule = UnaryRule(a.Op, ((BitVecSort)args[0].Sort).Width, a.P0, a.P1);
                    return f => rule(x(f));
                }
            case Op.Select when IsScalar(args[1].Sort):
                {
                    // A state map read at a bound or free variable (most selects of the kernel's
                    // terms) in one closure instead of three.
                    if (Slot(args[0], sc) is int mi)
                    {
                        if (Slot(args[1], sc) is int ki) return f => ((MapValue)f.O[mi].V!).SelectBitsToBits(f.S[ki]);
                        SCode key = S(args[1], sc);
                        return f => ((MapValue)f.O[mi].V!).SelectBitsToBits(key(f));
                    }
                    OCode m = O(args[0], sc);
                    SCode k = S(args[1], sc);
                    return f => ((MapValue)m(f)).SelectBitsToBits(k(f));
                }
            case Op.Select or Op.Field:
                {
                    var v = OApp(a, sc);
                    return f => Boxing.Unbox(v(f));
                }
            default:
                {
                    SCode x = S(args[0], sc), y = S(args[1], sc);
                    var rule = BinaryRule(a.Op, ((BitVecSort)args[0].Sort).Width);
                    return f => rule(x(f), y(f));
                }
        }
    }

    private SCode Eq(Term a, Term b, Scope sc)
    {
        if (IsScalar(a.Sort))
        {
            // Comparisons with a constant (a type, a state, zero) are the common case.
            if (b is LitTerm lb)
            {
                SCode x1 = S(a, sc);
                ulong c = Boxing.Unbox(lb.Value);
                return f => x1(f) == c ? 1UL : 0UL;
            }
            if (a is LitTerm la)
            {
                SCode y1 = S(b, sc);
                ulong c = Boxing.Unbox(la.Value);
                return f => y1(f) == c ? 1UL : 0UL;
            }
            SCode x = S(a, sc), y = S(b, sc);
            return f => x(f) == y(f) ? 1UL : 0UL;
        }
        OCode p = O(a, sc), q = O(b, sc);
        return f => p(f).Equals(q(f)) ? 1UL : 0UL;
    }

    private SCode Distinct(ImmutableArray<Term> args, Scope sc)
    {
        var xs = args.Select(x => V(x, sc)).ToArray();
        return f =>
        {
            var seen = new HashSet<Value>();
            foreach (var x in xs) if (!seen.Add(x(f))) return 0;
            return 1;
        };
    }
}
