using System.Collections.Immutable;

namespace Verified.Spec.Kernel;

/// <summary>
/// The Eval route for the spec's unbounded quantifiers: each role's domain is the ids present in
/// the concrete state (map keys, ids stored as values, the CNode / owner part of slot and grant
/// keys, the arguments) plus two fresh ids present nowhere. Every absent id reads only map
/// defaults, so it behaves like the fresh ones; two fresh ids cover "x = y" and "x ≠ y" for a
/// two-variable clause. This is exact when the quantified bodies compare a bound id with others
/// only by equality at keys holding the default — true of every clause of this spec, whose maps
/// default to "empty" (not live, not valid, absent).
/// </summary>
public static class EvalDomains
{
    public static IReadOnlyDictionary<Role, ImmutableArray<Term>> For(KernelSorts k, ConcreteState state, IEnumerable<(Role Role, Value Value)> extra)
    {
        var sets = new Dictionary<Role, HashSet<ulong>>();
        void Add(Role r, Value v)
        {
            if (r == Role.None || v is not BitVecValue bv) return;
            if (!sets.TryGetValue(r, out var set)) sets[r] = set = [];
            set.Add(bv.Bits);
            // Composite keys: a slot is (cnode, index), a grant key is (owner, index).
            if (r == Role.Slot)
            {
                Add(Role.Obj, new BitVecValue(k.Config.ObjBits, bv.Bits >> k.Config.CNodeIndexBits));
                Add(Role.CNodeIndex, new BitVecValue(k.Config.CNodeIndexBits, bv.Bits & k.Index.Mask));
            }
            else if (r == Role.GrantKey)
            {
                Add(Role.Obj, new BitVecValue(k.Config.ObjBits, bv.Bits >> k.Config.GrantIndexBits));
            }
        }
        void AddMap(Value v, Role key, Role inner, Role value)
        {
            var m = (MapValue)v;
            foreach (var (kk, vv) in m.Entries)
            {
                Add(key, kk);
                if (inner != Role.None) AddMap(vv, inner, Role.None, value); else Add(value, vv);
            }
            if (inner != Role.None) AddMap(m.Default, inner, Role.None, value); else Add(value, m.Default);
        }
        foreach (var f in KernelState.Fields)
        {
            if (f.Key == Role.None) continue;
            AddMap(state[f.Name], f.Key, f.InnerKey, f.Value);
        }
        foreach (var (r, v) in extra) Add(r, v);
        var result = new Dictionary<Role, ImmutableArray<Term>>();
        foreach (var role in Enum.GetValues<Role>())
        {
            if (role == Role.None) continue;
            var sort = k.SortOf(role);
            var set = sets.GetValueOrDefault(role) ?? [];
            var fresh = new List<ulong>();
            for (ulong x = 0; fresh.Count < 2 && x <= sort.Mask; x++)
                if (!set.Contains(x)) fresh.Add(x);
            result[role] = [.. set.Concat(fresh).Order().Select(x => (Term)T.Bv(sort, x))];
        }
        return result;
    }
}
