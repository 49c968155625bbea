using System.Collections.Immutable;
using System.Globalization;
using Verified.Spec;
using Verified.Spec.Kernel;
using Verified.Trace;
using Smt = Verified.Smt;

namespace Verified.Proofs.Kernel;

/// <summary>
/// A kernel query at narrow widths (<see cref="Narrow"/>): every id sort has a few bits and every
/// quantifier ranges over its whole, small domain, expanded — the query is quantifier-free, so Z3
/// answers it decisively where model finding on the unbounded query gives up. A model of it is
/// only a candidate: it is lifted to the full widths (<see cref="WidthLift"/>) and the SAME query
/// built from the full-width spec is evaluated on it with KernelEval. Only a candidate whose
/// premises all hold at full width (and, for a counterexample, some goal clause is false) is
/// reported. The bounded search never proves anything: UNSAT at narrow widths says nothing about
/// full widths.
/// </summary>
public sealed class BoundedSearch
{
    private readonly KernelSpec spec;
    private readonly Func<KernelSpec, KernelQuery> build;
    private readonly string obligation;
    private readonly Lazy<KernelQuery> narrowQuery;
    private readonly Lazy<KernelQuery> fullQuery;

    public BoundedSearch(KernelSpec spec, Func<KernelSpec, KernelQuery> build, string obligation)
    {
        this.spec = spec;
        this.build = build;
        this.obligation = obligation;
        NarrowConfig = Narrow(spec.Config);
        var narrowSpec = spec.WithConfig(NarrowConfig);
        var domains = WholeDomains(narrowSpec.Sorts);
        narrowQuery = new(() => build(narrowSpec.WithQuantify(() => Quantify.Over(domains))), LazyThreadSafetyMode.ExecutionAndPublication);
        fullQuery = new(() => build(spec), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The widths of the search: 3-bit objects and capability ids, 2-bit indices, services and grant generations.</summary>
    public KernelConfig NarrowConfig { get; }

    public static KernelConfig Narrow(KernelConfig full) => full with
    {
        ObjBits = Math.Min(3, full.ObjBits),
        CapIdBits = Math.Min(3, full.CapIdBits),
        CNodeIndexBits = Math.Min(2, full.CNodeIndexBits),
        GrantIndexBits = Math.Min(2, full.GrantIndexBits),
        ServiceBits = Math.Min(2, full.ServiceBits),
        GrantGenBits = Math.Min(2, full.GrantGenBits),
        // Not quantified over, but every bit is bit-blasted: narrow values keep the SAT problem small.
        ObjGenBits = Math.Min(4, full.ObjGenBits),
        AddrBits = Math.Min(8, full.AddrBits),
        BadgeBits = Math.Min(4, full.BadgeBits),
        DepthBits = Math.Min(4, full.DepthBits),
    };

    /// <summary>"ObjBits=3, CapIdBits=3, …" for messages.</summary>
    public string Widths => string.Create(CultureInfo.InvariantCulture,
        $"ObjBits={NarrowConfig.ObjBits}, CapIdBits={NarrowConfig.CapIdBits}, CNodeIndexBits={NarrowConfig.CNodeIndexBits}, GrantIndexBits={NarrowConfig.GrantIndexBits}, ServiceBits={NarrowConfig.ServiceBits}, GrantGenBits={NarrowConfig.GrantGenBits}, ObjGenBits={NarrowConfig.ObjGenBits}, AddrBits={NarrowConfig.AddrBits}, BadgeBits={NarrowConfig.BadgeBits}, DepthBits={NarrowConfig.DepthBits}");

    private static Dictionary<Role, ImmutableArray<Term>> WholeDomains(KernelSorts k) =>
        Enum.GetValues<Role>().Where(r => r != Role.None).ToDictionary(r => r, r =>
        {
            var sort = k.SortOf(r);
            return Enumerable.Range(0, 1 << sort.Width).Select(i => (Term)T.Bv(sort, (ulong)i)).ToImmutableArray();
        });

    /// <summary>Asserts the narrow query's premises (tracked by name), and unless <paramref name="premisesOnly"/>, that some goal clause is false.</summary>
    public void Encode(Smt.Context context, Smt.Solver solver, bool premisesOnly)
    {
        var tr = new Z3Translator(context);
        var q = narrowQuery.Value;
        foreach (var p in q.Premises) solver.AssertAndTrack(tr.ToZ3(p.Body), p.Name);
        if (premisesOnly) return;
        solver.AssertAndTrack(tr.ToZ3(T.Not(T.And(q.Goals.Select(g => g.Body)))), "goal");
    }

    /// <summary>Seeds of the narrow searches: a model that fails at full width is followed by a differently seeded search.</summary>
    private static readonly uint[] Seeds = [0, 1, 2];

    /// <summary>
    /// Searches for a counterexample at narrow widths and reports it only when it is confirmed at
    /// full width. A model that is not confirmed (e.g. it needs a generation at the narrow
    /// maximum) is followed by up to two more searches with other random seeds, which usually
    /// give other models; UNSAT or unknown ends the search.
    /// </summary>
    public SecondSearchResult Search(Smt.Context context, Func<Smt.Solver, Smt.SolverOutcome> check) =>
        Attempts(context, check, premisesOnly: false, confirmed => new SecondSearchResult.Found(confirmed.Trace!),
            $"bounded search ({Widths}): no counterexample at these widths");

    private SecondSearchResult Attempts(Smt.Context context, Func<Smt.Solver, Smt.SolverOutcome> check, bool premisesOnly,
        Func<Confirmation, SecondSearchResult> accept, string unsatReason)
    {
        var rejected = new List<string>();
        foreach (var seed in Seeds)
        {
            using var solver = context.Solver();
            solver.Set("random_seed", seed);
            Encode(context, solver, premisesOnly);
            switch (check(solver))
            {
                case Smt.SolverOutcome.Unsat unsat:
                    return new SecondSearchResult.Inconclusive($"{unsatReason} (unsat core: {string.Join(", ", unsat.Core)})");
                case Smt.SolverOutcome.Unknown u:
                    return new SecondSearchResult.Inconclusive($"bounded search ({Widths}): {u.Reason}");
                case Smt.SolverOutcome.Sat sat:
                    using (sat.Model)
                    {
                        var confirmed = Confirm(context, sat.Model, wantBrokenGoal: !premisesOnly);
                        if (confirmed.Failure is null) return accept(confirmed);
                        rejected.Add($"seed {seed}: {confirmed.Failure}");
                    }
                    break;
                default:
                    throw new InvalidOperationException("SolverOutcome gained a case; handle it here.");
            }
        }
        return new SecondSearchResult.Inconclusive($"bounded search ({Widths}) found models, none confirmed at full width: {string.Join("; ", rejected)}");
    }

    /// <summary>
    /// For a vacuity companion: a model of the premises at narrow widths, accepted only when every
    /// premise holds on its lift at full width (with the same retries as <see cref="Search"/>).
    /// </summary>
    public SecondSearchResult SearchPremises(Smt.Context context, Func<Smt.Solver, Smt.SolverOutcome> check) =>
        Attempts(context, check, premisesOnly: true,
            confirmed => new SecondSearchResult.Satisfied($"premises satisfiable: a bounded model lifted to full width, where KernelEval finds all {confirmed.Premises} premises true"),
            $"bounded search ({Widths}): no model of the premises at these widths, satisfiability not shown");

    private sealed record Confirmation(string? Failure, TraceDocument? Trace, int Premises);

    private Confirmation Confirm(Smt.Context context, Smt.Model model, bool wantBrokenGoal)
    {
        var narrow = narrowQuery.Value;
        var full = fullQuery.Value;
        var fullVars = FreeVariables(full).ToDictionary(v => v.Name, StringComparer.Ordinal);
        var lift = new WidthLift(NarrowConfig, spec.Config);
        var tr = new Z3Translator(context);
        var assignment = Assignment.Empty;
        foreach (var v in FreeVariables(narrow))
        {
            if (!fullVars.TryGetValue(v.Name, out var fv)) return new($"variable {v.Name} has no full-width counterpart", null, 0);
            Value narrowValue;
            using (var z = tr.ToZ3(v)) narrowValue = Z3Values.FromModel(tr, model, z, v.Sort);
            assignment = assignment.With(fv, lift.Lift(narrowValue, fv.Sort));
        }

        // The full-width query with quantifiers over the lifted state's ids plus fresh ones (the Eval route).
        var pre = ConcreteState.Evaluate(full.Scene.Pre, assignment);
        var extra = new List<(Role, Value)>();
        foreach (var value in assignment.Values.Values.OfType<BitVecValue>())
            foreach (var role in Enum.GetValues<Role>().Where(r => r != Role.None && spec.Sorts.SortOf(r).Width == value.Width))
                extra.Add((role, value));
        var domains = EvalDomains.For(spec.Sorts, pre, extra);
        var q = build(spec.WithQuantify(() => Quantify.Over(domains)));
        // An evaluation that fails is kept with its reason, so an evaluator error is not mistaken
        // for a clause that is simply false on this model.
        string? evalError = null;
        Value? Read(Term t)
        {
            try { return Eval.Evaluate(t, assignment); }
            catch (InvalidOperationException e)
            {
                evalError ??= e.Message;
                return null;
            }
        }

        foreach (var p in q.Premises)
            if (Read(p.Body) is not BoolValue { Value: true })
                return new(evalError is null ? $"premise {p.Name} does not hold at full width" : $"premise {p.Name}: evaluation failed at full width: {evalError}", null, 0);
        if (!wantBrokenGoal) return new(null, null, q.Premises.Length);
        if (!q.Goals.Any(g => Read(g.Body) is BoolValue { Value: false }))
            return new(evalError is null ? "every goal clause holds at full width" : $"no goal clause is false at full width (an evaluation failed: {evalError})", null, 0);
        var note = $"found by bounded search ({Widths}; every quantifier over its whole domain) and confirmed at full width by KernelEval";
        return new(null, CounterexampleDecoder.Decode(obligation, q, Read, note), q.Premises.Length);
    }

    /// <summary>Every free variable of the query: premises, goals, and the scene (a pre-state field no clause reads still needs a value).</summary>
    private static IEnumerable<VarTerm> FreeVariables(KernelQuery q)
    {
        IEnumerable<Term> terms = [.. q.Premises.Select(p => p.Body), .. q.Goals.Select(g => g.Body), .. q.Goals.SelectMany(g => g.Witnesses.Select(w => (Term)w.Var)),
            .. KernelState.Fields.Select(f => f.Get(q.Scene.Pre)), .. q.Scene.Args.Values];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in terms)
            foreach (var v in t.FreeVariables())
                if (seen.Add(v.Name)) yield return v;
    }
}
