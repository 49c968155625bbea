using System.Globalization;
using System.Text;
using Verified.Smt;

namespace Verified.Proofs;

/// <summary>
/// `--smt2-dir`: each query as an SMT-LIB2 script the z3 binary reruns (`z3 FILE.smt2`), with the
/// options that make its answer comparable: unsat cores on (the clauses are tracked), models on,
/// and after the check the core or nothing, depending on what this run saw.
/// </summary>
internal static class Smt2Files
{
    /// <summary>One file name per obligation, decided before the parallel run (so names never race).</summary>
    public static string[] Plan(string directory, IReadOnlyList<ProofObligation> obligations)
    {
        Directory.CreateDirectory(directory);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var files = new string[obligations.Count];
        for (var i = 0; i < obligations.Count; i++)
        {
            var stem = FileStem(obligations[i].Name);
            var candidate = stem;
            for (var n = 2; !used.Add(candidate); n++)
            {
                candidate = $"{stem}-{n}";
            }

            files[i] = Path.Combine(directory, candidate + ".smt2");
        }

        return files;
    }

    /// <summary>Obligation names have dots and slashes; file names keep letters, digits, `.`, `-` and `_`.</summary>
    public static string FileStem(string name)
    {
        var stem = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            stem.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        return stem.ToString().Trim('.');
    }

    public static void Write(string file, ProofObligation obligation, Solver solver, SolverOutcome outcome, TimeSpan timeout)
    {
        var expected = obligation.ExpectSat ? "sat" : "unsat";
        var observed = outcome switch
        {
            SolverOutcome.Sat => "sat",
            SolverOutcome.Unsat => "unsat",
            SolverOutcome.Unknown u => $"unknown ({u.Reason})",
            _ => outcome.ToString(),
        };
        var script = new StringBuilder();
        script.Append(CultureInfo.InvariantCulture, $"; obligation: {obligation.Name} ({obligation.Kind})\n");
        script.Append(CultureInfo.InvariantCulture, $"; {obligation.Description.ReplaceLineEndings(" ")}\n");
        script.Append(CultureInfo.InvariantCulture, $"; proved when z3 answers {expected}; this run's answer: {observed}\n");
        script.Append("(set-option :produce-unsat-cores true)\n");
        script.Append("(set-option :produce-models true)\n");
        script.Append(CultureInfo.InvariantCulture, $"(set-option :timeout {(long)timeout.TotalMilliseconds})\n");
        script.Append(solver.ToSmtLib2Script());
        if (outcome is SolverOutcome.Unsat && solver.TrackedNames.Count > 0)
        {
            script.Append("(get-unsat-core)\n");
        }

        File.WriteAllText(file, script.ToString());
    }
}
