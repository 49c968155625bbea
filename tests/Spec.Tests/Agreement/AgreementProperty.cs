using System.Collections.Concurrent;
using FsCheck;
using FsCheck.Fluent;
using Verified.Spec;

namespace Verified.Spec.Tests.Agreement;

/// <summary>
/// The property "Eval agrees with Z3" over random cases, run with an explicit FsCheck config.
/// Records every disagreement it sees: FsCheck shrinks by retrying smaller cases, so the last
/// disagreement recorded is the shrunk counterexample.
/// </summary>
internal sealed class AgreementProperty(EvalCompiler compiler, Z3Oracle oracle)
{
    public const int MaxDepth = 4;

    public (AgreementCase Case, string Detail)? LastFailure { get; private set; }

    public int Cases { get; private set; }

    /// <summary>How often each operator / node kind occurred in the generated terms.</summary>
    public ConcurrentDictionary<string, int> Coverage { get; } = new();

    public static Arbitrary<AgreementCase> Arbitrary()
    {
        var gen =
            from sort in Gen.Elements(Universe.All.ToArray())
            from depth in Gen.Choose(1, MaxDepth)
            from term in TermGen.TermOf(sort, depth, [])
            from assignment in TermGen.AssignmentGen()
            select new AgreementCase(term, assignment);
        return Arb.From(gen, Shrinker.Shrink);
    }

    public bool Holds(AgreementCase c)
    {
        Cases++;
        Count(c.Term);
        Value value;
        try
        {
            value = compiler.Compile(c.Term).Evaluate(c.Assignment);
        }
        catch (NotEvaluableException e)
        {
            LastFailure = (c, $"Eval refused a generated term: {e.Message}");
            return false;
        }
        switch (oracle.Check(c.Term, c.Assignment, value))
        {
            case Verdict.Agree:
                return true;
            case Verdict.Disagree d:
                LastFailure = (c, $"Eval = {value}, Z3 = {d.Z3Value}");
                return false;
            case Verdict.Undecided u:
                LastFailure = (c, $"Z3 could not decide (unknown is a failure): {u.Reason}");
                return false;
            default:
                throw new InvalidOperationException("unknown verdict");
        }
    }

    /// <summary>
    /// Runs the property; on failure throws with the shrunk counterexample. A <paramref name="seed"/>
    /// makes the run reproducible (the planted-bug tests, which must catch and shrink every run).
    /// </summary>
    public void Check(int cases, ulong? seed = null)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true).WithEndSize(MaxDepth);
        if (seed is { } s) config = config.WithReplay(new Replay(new Rnd(s, 0x9E3779B97F4A7C15UL), null));
        try
        {
            FsCheck.Check.One(config, Prop.ForAll(Arbitrary(), Holds));
        }
        catch (Exception e) when (LastFailure is { } f)
        {
            throw new AgreementException($"Eval and Z3 disagree on the shrunk case\n  {f.Case}\n  {f.Detail}", f.Case, e);
        }
    }

    private void Count(Term t)
    {
        var stack = new Stack<Term>();
        stack.Push(t);
        while (stack.Count > 0)
        {
            var x = stack.Pop();
            string key = x switch
            {
                AppTerm a => a.Op.ToString(),
                QuantTerm q => $"{q.Kind}{q.Domain}",
                _ => x.GetType().Name,
            };
            Coverage.AddOrUpdate(key, 1, (_, n) => n + 1);
            foreach (var c in x.Children) stack.Push(c);
        }
    }
}

internal sealed class AgreementException(string message, AgreementCase shrunk, Exception inner) : Exception(message, inner)
{
    public AgreementCase Shrunk { get; } = shrunk;
}
