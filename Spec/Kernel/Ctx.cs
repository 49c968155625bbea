namespace Verified.Spec.Kernel;

/// <summary>
/// The vocabulary the operations and invariants are written in: sorts, the quantifier mode, and
/// the derived predicates (slot addressing, usable capability, descendants, finality) that both
/// the transitions and the invariants use, so they cannot drift apart.
/// </summary>
public sealed class Ctx(KernelSorts sorts, Quantify quantify)
{
    public KernelSorts K { get; } = sorts;

    public KernelConfig Config => K.Config;

    public Quantify Q { get; } = quantify;

    public static Term Sel(Term map, Term key) => T.Select(map, key);

    public static Term Sel(Term map, Term k1, Term k2) => T.Select(T.Select(map, k1), k2);

    public static Term Bv(BitVecSort sort, ulong v) => T.Bv(sort, v);

    public static Term Max(BitVecSort sort) => T.Bv(sort, sort.Mask);

    /// <summary>a ⊆ b for bit sets.</summary>
    public static Term Subset(Term a, Term b) => T.Eq(T.BvAnd(a, T.BvNot(b)), T.Bv((BitVecSort)a.Sort, 0));

    public static Term Is(Term enumTerm, string member) => T.Eq(enumTerm, T.Enum((EnumSort)enumTerm.Sort, member));

    public static Term IsAny(Term enumTerm, params string[] members) => T.Or(members.Select(m => Is(enumTerm, m)));

    /// <summary>x + 1 (callers guard against wrap with <see cref="Max"/>).</summary>
    public static Term Inc(Term x) => T.BvAdd(x, T.Bv((BitVecSort)x.Sort, 1));

    /// <summary>[base, base+len) does not wrap around the address space.</summary>
    public static Term NoWrap(Term @base, Term len) => T.BvUle(@base, T.BvAdd(@base, len));

    /// <summary>[a, a+alen) ⊆ [b, b+blen), both assumed not to wrap.</summary>
    public static Term Within(Term a, Term alen, Term b, Term blen) =>
        T.And(NoWrap(a, alen), T.BvUle(b, a), T.BvUle(T.BvAdd(a, alen), T.BvAdd(b, blen)));

    public Term ForAll(Role role, string name, Func<Term, Term> body, Func<Term, Term[]>? trigger = null) => Q.ForAll(role, K.SortOf(role), name, body, trigger);

    public Term Exists(Role role, string name, Func<Term, Term> body) => Q.Exists(role, K.SortOf(role), name, body);

    // --- slots: a slot key is (cnode object id, index) concatenated ---

    public Term SlotKey(Term cnode, Term index) => T.Concat(cnode, index);

    public Term CNodeOf(Term slot) => T.Extract(Config.ObjBits + Config.CNodeIndexBits - 1, Config.CNodeIndexBits, slot);

    /// <summary>A slot is addressable when its CNode is a live CNode object.</summary>
    public static Term SlotValid(Ctx c, KernelState s, Term slot)
    {
        var cn = c.CNodeOf(slot);
        return T.And(Sel(s.ObjAlive, cn), Is(Sel(s.ObjType, cn), "CNode"));
    }

    public static Term CapAt(KernelState s, Term slot) => Sel(s.SlotCap, slot);

    /// <summary>Live, names a live object, and of that object's current generation: the only capabilities an operation accepts.</summary>
    public static Term Usable(KernelState s, Term cap)
    {
        var o = Sel(s.CapObj, cap);
        return T.And(Sel(s.CapLive, cap), Sel(s.ObjAlive, o), T.Eq(Sel(s.CapGen, cap), Sel(s.ObjGen, o)));
    }

    /// <summary>d is a proper descendant of a (ghost ancestry).</summary>
    public static Term Descendant(KernelState s, Term d, Term a) => Sel(s.CapAnc, d, a);

    /// <summary>No capability has <paramref name="cap"/> as an ancestor.</summary>
    public Term NoDescendants(KernelState s, Term cap) => ForAll(Role.CapId, "x", x => T.Not(Descendant(s, x, cap)), x => [Descendant(s, x, cap)]);

    /// <summary>No other live capability names the same object (seL4's isFinalCapability).</summary>
    public Term IsFinal(KernelState s, Term cap) => ForAll(Role.CapId, "x", x =>
        T.Implies(T.And(Sel(s.CapLive, x), T.Neq(x, cap)), T.Neq(Sel(s.CapObj, x), Sel(s.CapObj, cap))), x => [Sel(s.CapLive, x)]);

    public Term GrantKey(Term owner, Term index) => T.Concat(owner, index);

    public Term GrantOwner(Term key) => T.Extract(Config.ObjBits + Config.GrantIndexBits - 1, Config.GrantIndexBits, key);

    public static Term ServiceActive(Term status) => IsAny(status, "Starting", "Initialising", "Running", "Restarting");

    /// <summary>A dependency state that lets a dependent stay up: running, or crashed/restarting under the supervisor's protocol.</summary>
    public static Term DependencyOk(Term status) => IsAny(status, "Running", "Crashed", "Restarting");
}
