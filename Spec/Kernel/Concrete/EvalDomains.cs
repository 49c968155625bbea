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
    private static readonly Dictionary<string, int> FieldIndex = KernelState.Fields.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

    public static IReadOnlyDictionary<Role, ImmutableArray<Term>> For(KernelSorts k, ConcreteState state, IEnumerable<(Role Role, Value Value)> extra) =>
        RoleDomains.Of(k, state).With(extra).Terms();

    /// <summary>The ids present per role (without the fresh ones).</summary>
    public static Dictionary<Role, HashSet<ulong>> Present(KernelSorts k, ConcreteState state, IEnumerable<(Role Role, Value Value)> extra)
    {
        var sets = new Dictionary<Role, HashSet<ulong>>();
        foreach (var f in KernelState.Fields)
        {
            if (f.Key == Role.None) continue;
            AddMap(k, sets, state[f.Name], f.Key, f.InnerKey, f.Value);
        }
        AddAll(k, sets, extra);
        return sets;
    }

    /// <summary>
    /// Adds the ids of the entries of <paramref name="state"/> at the given keys (per field): their
    /// keys and values, as <see cref="Present"/> reads them — only those <paramref name="known"/> does
    /// not hold (null: all), so that a caller adding to sets it has finds the new ids without copying them.
    /// </summary>
    internal static void AddEntries(KernelSorts k, Dictionary<Role, HashSet<ulong>> sets, ConcreteState state, IReadOnlyDictionary<string, HashSet<Value>> keys,
        Func<Role, ulong, bool>? known = null)
    {
        // By the changed fields (a few), not by every field with a lookup of its name each.
        foreach (var (name, changed) in keys)
        {
            if (!FieldIndex.TryGetValue(name, out var index)) continue; // no field of the state: no entries
            var f = KernelState.Fields[index];
            if (f.Key == Role.None) continue;
            var m = state.Map(index);
            foreach (var kk in changed)
            {
                Add(k, sets, f.Key, kk, known);
                var vv = m.Select(kk);
                if (f.InnerKey != Role.None) AddMap(k, sets, vv, f.InnerKey, Role.None, f.Value, known); else Add(k, sets, f.Value, vv, known);
            }
        }
    }

    private static void AddMap(KernelSorts k, Dictionary<Role, HashSet<ulong>> sets, Value v, Role key, Role inner, Role value, Func<Role, ulong, bool>? known = null)
    {
        var m = (MapValue)v;
        foreach (var (kk, vv) in m.Entries)
        {
            Add(k, sets, key, kk, known);
            if (inner != Role.None) AddMap(k, sets, vv, inner, Role.None, value, known); else Add(k, sets, value, vv, known);
        }
        if (inner != Role.None) AddMap(k, sets, m.Default, inner, Role.None, value, known); else Add(k, sets, value, m.Default, known);
    }

    /// <summary>Adds the ids of <paramref name="extra"/> (with their parts) that <paramref name="known"/> does not hold (null: all).</summary>
    internal static void AddAll(KernelSorts k, Dictionary<Role, HashSet<ulong>> sets, IEnumerable<(Role Role, Value Value)> extra, Func<Role, ulong, bool>? known = null)
    {
        foreach (var (r, v) in extra) Add(k, sets, r, v, known);
    }

    private static void Add(KernelSorts k, Dictionary<Role, HashSet<ulong>> sets, Role r, Value v, Func<Role, ulong, bool>? known = null)
    {
        if (r == Role.None || v is not BitVecValue bv) return;
        Add(k, sets, r, bv.Bits, known);
    }

    // The id's bits (no value is built: this runs for every entry of every state checked).
    private static void Add(KernelSorts k, Dictionary<Role, HashSet<ulong>> sets, Role r, ulong bits, Func<Role, ulong, bool>? known)
    {
        if (known is null || !known(r, bits))
        {
            if (!sets.TryGetValue(r, out var set)) sets[r] = set = [];
            set.Add(bits);
        }

        // Composite keys: a slot is (cnode, index), a grant key is (owner, index).
        if (r == Role.Slot)
        {
            Add(k, sets, Role.Obj, bits >> k.Config.CNodeIndexBits, known);
            Add(k, sets, Role.CNodeIndex, bits & k.Index.Mask, known);
        }
        else if (r == Role.GrantKey)
        {
            Add(k, sets, Role.Obj, bits >> k.Config.GrantIndexBits, known);
        }
    }
}
