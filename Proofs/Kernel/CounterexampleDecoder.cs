using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Verified.Spec;
using Verified.Spec.Kernel;
using Verified.Trace;
using Smt = Verified.Smt;

namespace Verified.Proofs.Kernel;

/// <summary>
/// Turns a Z3 model of a failed kernel obligation into a trace: the goal clause that is false,
/// its witnesses, and the pre- and post-state restricted to the ids that matter — the operation's
/// arguments, the witnesses, and what those name (a capability's object, parent and slot, a slot's
/// capability, an object's untyped, a grant's source, a service's endpoint), two links deep.
/// </summary>
public static class CounterexampleDecoder
{
    public static TraceDocument Decode(KernelObligation obligation, Smt.Context context, Smt.Model model)
    {
        var tr = new Z3Translator(context);
        Value? TryRead(Term t)
        {
            try { return Z3Values.FromZ3(model.Eval(tr.ToZ3(t), completion: true), t.Sort); }
            catch (InvalidOperationException) { return null; }
        }
        return Decode(obligation.Name, obligation.Query, TryRead, null);
    }

    /// <summary>
    /// The trace of a counterexample to <paramref name="q"/> read through <paramref name="tryRead"/>
    /// (a Z3 model, or Eval of a concrete assignment); <paramref name="note"/> is appended to the
    /// violation's message (how the counterexample was found).
    /// </summary>
    public static TraceDocument Decode(string obligation, KernelQuery q, Func<Term, Value?> tryRead, string? note)
    {
        var k = SortsOf(q.Scene.Pre);
        Value? TryRead(Term t) => tryRead(t);

        var broken = q.Goals.FirstOrDefault(g => TryRead(g.Body) is BoolValue { Value: false });
        var ids = new Dictionary<Role, HashSet<Value>>();
        void Add(Role r, Value v)
        {
            if (r == Role.None || r == Role.CNodeIndex) return;
            if (!ids.TryGetValue(r, out var set)) ids[r] = set = [];
            if (!set.Add(v) || v is not BitVecValue bv) return;
            if (r == Role.Slot) Add(Role.Obj, new BitVecValue(k.ObjBits, bv.Bits >> k.CNodeIndexBits));
            if (r == Role.GrantKey) Add(Role.Obj, new BitVecValue(k.ObjBits, bv.Bits >> k.GrantIndexBits));
        }

        var args = new JsonObject();
        if (q.Scene.Operation is { } op)
            foreach (var a in op.Args)
            {
                var v = TryRead(q.Scene.Args[a.Name]);
                if (v is null) continue;
                Add(a.Role, v);
                args[a.Name] = Render(a.Role, v, k);
            }
        var witnessText = new List<string>();
        foreach (var g in broken is null ? q.Goals : [broken])
            foreach (var w in g.Witnesses)
                if (TryRead(w.Var) is { } v)
                {
                    Add(w.Role, v);
                    if (g == broken) witnessText.Add($"{w.Name} = {Render(w.Role, v, k)}");
                }
        // Follow what the relevant ids name, in the pre-state, two links deep.
        for (int round = 0; round < 2; round++)
            foreach (var f in KernelState.Fields.Where(f => f.Value != Role.None && f.InnerKey == Role.None))
                foreach (var key in ids.GetValueOrDefault(f.Key)?.ToArray() ?? [])
                    if (TryRead(T.Select(f.Get(q.Scene.Pre), T.Lit(key))) is { } v) Add(f.Value, v);

        var pre = Snapshot(q.Scene.Pre, ids, TryRead, k);
        var steps = ImmutableArray<TraceStep>.Empty;
        if (q.Scene.Operation is { } o && q.Scene.Post is { } post)
        {
            // The error term may hold quantifiers the model evaluator cannot reduce; the query's
            // "<op>.succeeds" premise holds in every model of it, so the result is then Ok.
            var error = (q.Scene.Error is { } e ? TryRead(e) as EnumValue : null)?.Member
                ?? (q.Premises.Any(p => p.Name == $"{o.Name}.succeeds") ? "Ok" : null);
            steps = [new TraceStep(StepKinds.Operation, null, o.Name, args, error,
                Snapshot(post, ids, TryRead, k))];
        }
        var clause = broken?.Name;
        var property = clause is null ? obligation : PropertyOf(clause);
        var message = broken is null
            ? "Z3 found a model but no goal clause evaluates to false in it (model incomplete)"
            : $"{broken.Name} broke: {broken.Description}" + (witnessText.Count > 0 ? $" (at {string.Join(", ", witnessText)})" : "");
        if (note is not null) message += $"; {note}";
        return new TraceDocument(TraceProducers.Prove, new TraceSource("obligation", obligation), pre, steps,
            new TraceViolation(property, clause, message));
    }

    /// <summary>"inv.untyped.children_disjoint" → "inv.untyped"; lemma clauses keep the lemma name.</summary>
    public static string PropertyOf(string clause) => clause[..clause.LastIndexOf('.')];

    private static KernelConfig SortsOf(KernelState s)
    {
        // The widths are recoverable from the state's sorts; rebuild a config so keys print as (cnode:index).
        var slot = ((BitVecSort)((MapSort)s.SlotFull.Sort).Key).Width;
        var obj = ((BitVecSort)((MapSort)s.ObjAlive.Sort).Key).Width;
        var gk = ((BitVecSort)((MapSort)s.GrValid.Sort).Key).Width;
        return new KernelConfig { ObjBits = obj, CNodeIndexBits = slot - obj, GrantIndexBits = gk - obj };
    }

    private static JsonObject Snapshot(KernelState s, Dictionary<Role, HashSet<Value>> ids, Func<Term, Value?> read, KernelConfig k)
    {
        var json = new JsonObject();
        foreach (var f in KernelState.Fields)
        {
            var term = f.Get(s);
            if (f.Key == Role.None)
            {
                if (read(term) is { } v) json[f.Name] = Render(f.Value, v, k);
                continue;
            }
            var keys = ids.GetValueOrDefault(f.Key);
            if (keys is null || keys.Count == 0) continue;
            var entries = new JsonObject();
            foreach (var key in keys.OrderBy(x => x.ToString(), StringComparer.Ordinal))
            {
                var at = T.Select(term, T.Lit(key));
                if (f.InnerKey == Role.None)
                {
                    if (read(at) is { } v) entries[Key(f.Key, key, k)] = Render(f.Value, v, k);
                    continue;
                }
                var inner = new JsonObject();
                foreach (var ik in (ids.GetValueOrDefault(f.InnerKey) ?? []).OrderBy(x => x.ToString(), StringComparer.Ordinal))
                    if (read(T.Select(at, T.Lit(ik))) is BoolValue { Value: true }) inner[Key(f.InnerKey, ik, k)] = true;
                entries[Key(f.Key, key, k)] = inner;
            }
            json[f.Name] = entries;
        }
        return json;
    }

    private static string Key(Role role, Value v, KernelConfig k) => v is BitVecValue bv ? role switch
    {
        Role.Slot => $"{bv.Bits >> k.CNodeIndexBits}:{bv.Bits & ((1UL << k.CNodeIndexBits) - 1)}",
        Role.GrantKey => $"{bv.Bits >> k.GrantIndexBits}:{bv.Bits & ((1UL << k.GrantIndexBits) - 1)}",
        _ => bv.Bits.ToString(System.Globalization.CultureInfo.InvariantCulture),
    } : v.ToString();

    private static JsonNode Render(Role role, Value v, KernelConfig k) => v switch
    {
        BoolValue b => JsonValue.Create(b.Value),
        EnumValue e => JsonValue.Create(e.Member),
        BitVecValue bv when role is Role.Slot or Role.GrantKey => JsonValue.Create(Key(role, bv, k)),
        BitVecValue bv when bv.Width <= 52 => JsonValue.Create(bv.Bits),
        _ => JsonValue.Create(v.ToString()),
    };
}
