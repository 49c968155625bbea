using System.Globalization;
using System.Text;
using Verified.Smt.Native;

namespace Verified.Smt;

/// <summary>
/// A Z3 solver: assertions (plain or tracked by name), scopes, checks with a time limit, and the
/// SMT-LIB2 script of the query. Check results are <see cref="SolverOutcome"/> values.
/// </summary>
public sealed class Solver : Z3Object
{
    // Tracked assertions in assertion order, and how many existed at each open scope, so that
    // Pop forgets the names Z3 forgets (Z3 drops the tracking literals of popped scopes too).
    private readonly List<(string Name, Term Tracker)> tracked = [];
    private readonly Stack<int> trackedAtScope = new();
    private TimeSpan? timeout;
    private ParamDescriptions? descriptions;

    internal Solver(Context context, nint handle)
        : base(context, handle, NativeRefKind.Solver)
    {
    }

    /// <summary>The names of the tracked assertions currently asserted.</summary>
    public IReadOnlyList<string> TrackedNames => tracked.ConvertAll(t => t.Name);

    /// <summary>The number of open scopes (<see cref="Push"/> minus <see cref="Pop"/>).</summary>
    public uint Scopes
    {
        get
        {
            var n = Z3Native.Z3_solver_get_num_scopes(Context.Native, Handle);
            Context.ThrowIfError();
            return n;
        }
    }

    /// <summary>
    /// The time limit of each check (Z3's solver parameter "timeout", in milliseconds); null for
    /// none. A check that runs out of time returns <see cref="SolverOutcome.Unknown"/>.
    /// </summary>
    public TimeSpan? Timeout
    {
        get => timeout;
        set
        {
            uint ms;
            if (value is null)
            {
                ms = uint.MaxValue; // Z3's default: no limit
            }
            else
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(value.Value, TimeSpan.FromMilliseconds(1), nameof(value));
                ms = (uint)Math.Min(uint.MaxValue - 1, Math.Ceiling(value.Value.TotalMilliseconds));
            }

            Set("timeout", ms);
            timeout = value;
        }
    }

    /// <summary>Asserts <paramref name="formula"/> (Z3 rejects non-Boolean terms).</summary>
    public void Assert(Term formula)
    {
        Z3Native.Z3_solver_assert(Context.Native, Handle, Context.Own(formula, nameof(formula)));
        Context.ThrowIfError();
    }

    /// <summary>Asserts each formula.</summary>
    public void Assert(params IReadOnlyList<Term> formulas)
    {
        ArgumentNullException.ThrowIfNull(formulas);
        foreach (var formula in formulas)
        {
            Assert(formula);
        }
    }

    /// <summary>
    /// Asserts <paramref name="formula"/> under the name <paramref name="name"/> (a fresh Boolean
    /// tracking constant of that name): when a check is unsat, <see cref="SolverOutcome.Unsat.Core"/>
    /// lists the names of the tracked assertions used. Names must be unique among those asserted,
    /// and should not be the name of a Boolean constant of the query (the tracker would be it).
    /// </summary>
    public void AssertAndTrack(Term formula, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var f = Context.Own(formula, nameof(formula));
        if (tracked.Exists(t => t.Name == name))
        {
            throw new ArgumentException($"An assertion named '{name}' is already tracked by this solver; give each tracked assertion its own name.", nameof(name));
        }

        var tracker = Context.BoolConst(name);
        try
        {
            Z3Native.Z3_solver_assert_and_track(Context.Native, Handle, f, tracker.Handle);
            Context.ThrowIfError();
        }
        catch (Z3Exception)
        {
            tracker.Dispose(); // Z3 rejected the assertion (e.g. not Boolean): nothing is tracked
            throw;
        }

        tracked.Add((name, tracker));
    }

    /// <summary>Opens a scope; <see cref="Pop"/> removes what was asserted since.</summary>
    public void Push()
    {
        Z3Native.Z3_solver_push(Context.Native, Handle);
        Context.ThrowIfError();
        trackedAtScope.Push(tracked.Count);
    }

    /// <summary>Closes <paramref name="count"/> scopes.</summary>
    public void Pop(uint count = 1)
    {
        if (count > trackedAtScope.Count)
        {
            throw new InvalidOperationException($"Pop({count}) but only {trackedAtScope.Count} scopes are open.");
        }

        Z3Native.Z3_solver_pop(Context.Native, Handle, count);
        Context.ThrowIfError();
        var keep = tracked.Count;
        for (var i = 0; i < count; i++)
        {
            keep = trackedAtScope.Pop();
        }

        foreach (var (_, tracker) in tracked.Skip(keep))
        {
            tracker.Dispose();
        }

        tracked.RemoveRange(keep, tracked.Count - keep);
    }

    /// <summary>Removes every assertion and scope.</summary>
    public void Reset()
    {
        Z3Native.Z3_solver_reset(Context.Native, Handle);
        Context.ThrowIfError();
        foreach (var (_, tracker) in tracked)
        {
            tracker.Dispose();
        }

        tracked.Clear();
        trackedAtScope.Clear();
    }

    /// <summary>Sets solver parameters (merged with those set before). Unknown names or ill-typed values throw.</summary>
    public void SetParameters(Params parameters)
    {
        var p = Context.Own(parameters, nameof(parameters));

        // Z3 validates parameters only once the solver has started; validate now, so a typo
        // fails here rather than being ignored.
        descriptions ??= new ParamDescriptions(Context, Context.Checked(Z3Native.Z3_solver_get_param_descrs(Context.Native, Handle)));
        Z3Native.Z3_params_validate(Context.Native, p, descriptions.Handle);
        Context.ThrowIfError();
        Z3Native.Z3_solver_set_params(Context.Native, Handle, p);
        Context.ThrowIfError();
    }

    public void Set(string name, bool value)
    {
        using var p = Context.Params().Set(name, value);
        SetParameters(p);
    }

    public void Set(string name, uint value)
    {
        using var p = Context.Params().Set(name, value);
        SetParameters(p);
    }

    public void Set(string name, double value)
    {
        using var p = Context.Params().Set(name, value);
        SetParameters(p);
    }

    public void Set(string name, string value)
    {
        using var p = Context.Params().Set(name, value);
        SetParameters(p);
    }

    /// <summary>Checks the assertions (tracked ones included).</summary>
    public SolverOutcome Check() => CheckAssuming([]);

    /// <summary>Checks with the time limit <paramref name="limit"/> for this check only.</summary>
    public SolverOutcome Check(TimeSpan limit)
    {
        var previous = Timeout;
        Timeout = limit;
        try
        {
            return Check();
        }
        finally
        {
            Timeout = previous;
        }
    }

    /// <summary>Checks the assertions together with the Boolean <paramref name="assumptions"/> (they may appear in the core).</summary>
    public SolverOutcome CheckAssuming(IReadOnlyList<Term> assumptions)
    {
        var handles = Context.Own(assumptions, nameof(assumptions));
        var result = (Z3LBool)Z3Native.Z3_solver_check_assumptions(Context.Native, Handle, (uint)handles.Length, handles);
        Context.ThrowIfError();
        return result switch
        {
            Z3LBool.True => new SolverOutcome.Sat(new Model(Context, Context.Checked(Z3Native.Z3_solver_get_model(Context.Native, Handle)))),
            Z3LBool.False => new SolverOutcome.Unsat(UnsatCoreNames()),
            _ => new SolverOutcome.Unknown(ReasonUnknown),
        };
    }

    /// <summary>Z3's reason for the last Unknown ("timeout", "canceled", "incomplete quantifiers", ...).</summary>
    public string ReasonUnknown => Context.ReadString(Z3Native.Z3_solver_get_reason_unknown(Context.Native, Handle));

    /// <summary>Z3's statistics of the last check (name → value).</summary>
    public IReadOnlyDictionary<string, double> Statistics
    {
        get
        {
            using var stats = new NativeStats(Context, Context.Checked(Z3Native.Z3_solver_get_statistics(Context.Native, Handle)));
            return stats.ToDictionary();
        }
    }

    /// <summary>The asserted formulas (a tracked one appears as "name implies formula").</summary>
    public IReadOnlyList<Term> Assertions
    {
        get
        {
            using var vector = new NativeVector(Context, Context.Checked(Z3Native.Z3_solver_get_assertions(Context.Native, Handle)));
            return vector.ToTerms();
        }
    }

    /// <summary>Adds the assertions of an SMT-LIB2 text (declarations and asserts; check commands are ignored).</summary>
    public void AssertSmtLib2(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Z3Native.Z3_solver_from_string(Context.Native, Handle, text);
        Context.ThrowIfError();
    }

    /// <summary>
    /// The query as a complete SMT-LIB2 script that the z3 binary reruns (<c>z3 query.smt2</c>):
    /// declarations, assertions, and a check-sat (assuming the tracked names, as this solver does).
    /// </summary>
    public string ToSmtLib2Script()
    {
        var script = new StringBuilder();
        script.Append(CultureInfo.InvariantCulture, $"; Verified.Smt query for Z3 {Z3Library.Version}; rerun with: z3 query.smt2\n");
        if (timeout is { } limit)
        {
            script.Append(CultureInfo.InvariantCulture, $"; (checked here with a time limit of {limit.TotalMilliseconds} ms)\n");
        }

        if (tracked.Count > 0)
        {
            // Not emitted as a command: Z3's API interpreter (RunSmtLib2) rejects this option once
            // its context exists, while the z3 binary accepts it.
            script.Append("; for the unsat core with the z3 binary, add (set-option :produce-unsat-cores true) first and (get-unsat-core) last\n");
        }

        script.Append(ToString());
        if (tracked.Count == 0)
        {
            script.Append("(check-sat)\n");
        }
        else
        {
            script.Append("(check-sat-assuming (");
            script.AppendJoin(' ', tracked.Select(t => t.Tracker.ToString()));
            script.Append("))\n");
        }

        return script.ToString();
    }

    /// <summary>Z3's own rendering of the solver (declarations and assertions).</summary>
    public override string ToString() => IsDisposed ? "<disposed solver>" : Context.ReadString(Z3Native.Z3_solver_to_string(Context.Native, Handle));

    private string[] UnsatCoreNames()
    {
        using var vector = new NativeVector(Context, Context.Checked(Z3Native.Z3_solver_get_unsat_core(Context.Native, Handle)));
        var core = vector.ToTerms();
        var names = new string[core.Length];
        for (var i = 0; i < core.Length; i++)
        {
            var known = tracked.FindIndex(t => t.Tracker.Equals(core[i]));
            names[i] = known >= 0 ? tracked[known].Name : core[i].ToString();
            core[i].Dispose();
        }

        return names;
    }

    private protected override void DisposeParts()
    {
        foreach (var (_, tracker) in tracked)
        {
            tracker.Dispose();
        }

        tracked.Clear();
        descriptions?.Dispose();
    }
}
