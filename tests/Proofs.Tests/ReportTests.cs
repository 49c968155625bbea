using System.Text.Json.Nodes;
using System.Xml.Linq;
using Shouldly;
using Verified.Proofs.Reports;
using Verified.Smt;
using Verified.Trace;
using Xunit;

namespace Verified.Proofs.Tests;

/// <summary>The JSON, JUnit and SMT-LIB2 outputs, read back by independent parsers.</summary>
public sealed class ReportTests
{
    private static readonly ProofObligation[] Mixed =
    [
        new Fixtures.Valid(),
        new Fixtures.Refutable(),
        new Fixtures.Hard(),
        new Fixtures.Broken(),
        new Fixtures.VacuousPremises(),
        new Fixtures.SatisfiablePremises(),
    ];

    private static ProveReport RunMixed(string? smt2Directory = null) =>
        new ObligationRunner(new RunnerOptions { Jobs = 2, Timeout = TimeSpan.FromMilliseconds(300), Smt2Directory = smt2Directory }).Run(Mixed);

    [Fact]
    public void JsonHasExactlyTheDocumentedShape()
    {
        var report = RunMixed();
        var root = JsonNode.Parse(JsonReport.Serialize(report))!.AsObject();

        root.Select(p => p.Key).ShouldBe(["obligations", "summary"]);
        var obligations = root["obligations"]!.AsArray();
        obligations.Count.ShouldBe(Mixed.Length);
        foreach (var (entry, obligation) in obligations.Zip(Mixed))
        {
            var o = entry!.AsObject();
            o["name"]!.GetValue<string>().ShouldBe(obligation.Name);
            o["status"]!.GetValue<string>().ShouldBeOneOf("proved", "counterexample", "unknown", "error");
            o["ms"]!.GetValue<long>().ShouldBeGreaterThanOrEqualTo(0);
            var keys = o.Select(p => p.Key).ToList();
            keys.ShouldBe(o["status"]!.GetValue<string>() == "counterexample" ? ["name", "status", "ms", "counterexample"] : ["name", "status", "ms"]);
        }

        obligations.Select(o => o!["status"]!.GetValue<string>()).ShouldBe(["proved", "counterexample", "unknown", "error", "counterexample", "proved"]);
        var summary = root["summary"]!.AsObject();
        summary.Select(p => p.Key).ShouldBe(["proved", "failed", "ms"]);
        summary["proved"]!.GetValue<int>().ShouldBe(2);
        summary["failed"]!.GetValue<int>().ShouldBe(4);
    }

    [Fact]
    public void EachObligationShowsItsVacuityCompanionsResult()
    {
        const ObligationKind P = ObligationKind.Preservation, V = ObligationKind.Vacuity;
        var report = new ProveReport(
        [
            new ObligationResult.Proved("a", P, 1) { VacuityCompanion = "a/vacuity" },
            new ObligationResult.Proved("a/vacuity", V, 1, "premises satisfiable"),
            new ObligationResult.Proved("b", P, 1) { VacuityCompanion = "b/vacuity" },
            new ObligationResult.Unknown("b/vacuity", V, 1, "timeout"),
            new ObligationResult.Proved("c", P, 1) { VacuityCompanion = "c/vacuity" },
        ], 5);

        report.Results.Select(report.PremisesShown).ShouldBe(["yes", "-", "no", "-", "not run"]);
        var obligations = JsonNode.Parse(JsonReport.Serialize(report))!["obligations"]!.AsArray();
        string? Vacuity(int i, string key) => obligations[i]!["vacuity"]?[key]?.GetValue<string>();
        (Vacuity(0, "companion"), Vacuity(0, "status")).ShouldBe(("a/vacuity", "proved"));
        obligations[1]!.AsObject().ContainsKey("vacuity").ShouldBeFalse();
        (Vacuity(2, "companion"), Vacuity(2, "status")).ShouldBe(("b/vacuity", "unknown"));
        (Vacuity(4, "companion"), Vacuity(4, "status")).ShouldBe(("c/vacuity", "not run"));
    }

    [Fact]
    public void JsonCounterexamplesAreTracesThatParseBack()
    {
        var root = JsonNode.Parse(JsonReport.Serialize(RunMixed()))!;

        var counterexample = root["obligations"]![1]!["counterexample"]!.ToJsonString();
        TraceJson.TryParse(counterexample, out var trace, out var error).ShouldBeTrue(error);
        trace!.Violation!.Clause.ShouldBe("inv.increment_grows");
        trace.InitialState!["x"]!.GetValue<ulong>().ShouldBe(255UL);
    }

    [Fact]
    public void JUnitParsesAndCountsFailuresAndErrors()
    {
        var report = RunMixed();
        var xml = XDocument.Parse(JUnitReport.Serialize(report));

        var suite = xml.Root!.Element("testsuite")!;
        suite.Attribute("tests")!.Value.ShouldBe("6");
        suite.Attribute("failures")!.Value.ShouldBe("3");
        suite.Attribute("errors")!.Value.ShouldBe("1");
        var cases = suite.Elements("testcase").ToList();
        cases.Select(c => c.Attribute("name")!.Value).ShouldBe(Mixed.Select(o => o.Name));
        cases.Count(c => c.Element("failure") is not null).ShouldBe(3);
        cases[1].Element("failure")!.Value.ShouldContain("x = 255: x + 1 wraps to 0");
        cases[2].Element("failure")!.Attribute("type")!.Value.ShouldBe("unknown");
        cases[3].Element("error")!.Value.ShouldContain("incompatible");
        cases[0].Elements().ShouldBeEmpty();
    }

    [Fact]
    public void JUnitSurvivesControlCharactersInMessages()
    {
        var report = new ProveReport([new ObligationResult.Error("bad", ObligationKind.Lemma, 1, "nul\0 and bell\a")], 1);

        XDocument.Parse(JUnitReport.Serialize(report)).Root!.Descendants("error").Single().Value.ShouldBe("nul? and bell?");
    }

    [Fact]
    public void Smt2FilesReadBackIntoAFreshZ3SolverGiveTheSameAnswer()
    {
        // Read back through Z3's own SMT-LIB2 parser (Z3_solver_from_string) in a new context,
        // checked under the script's own check-sat-assuming list: the same answer, and for the
        // vacuous premises the same core by name. (The z3 binary reruns the files as they are,
        // `z3 FILE.smt2`; the API parsers refuse :produce-unsat-cores on an existing context.)
        var directory = Directory.CreateTempSubdirectory("verified-smt2-").FullName;
        try
        {
            var report = RunMixed(directory);

            var expected = new Dictionary<string, string>
            {
                ["fixture.valid"] = "unsat",
                ["fixture.refutable"] = "sat",
                ["fixture.vacuous"] = "unsat",
                ["fixture.satisfiable"] = "sat",
            };
            foreach (var (name, answer) in expected)
            {
                var script = File.ReadAllText(Path.Combine(directory, name + ".smt2"));
                script.ShouldContain("(set-option :produce-unsat-cores true)");
                var outcome = Rerun(script, out _);
                (outcome switch { SolverOutcome.Sat => "sat", SolverOutcome.Unsat => "unsat", _ => outcome.ToString() }).ShouldBe(answer, name);
            }

            var vacuous = File.ReadAllText(Path.Combine(directory, "fixture.vacuous.smt2"));
            vacuous.ShouldEndWith("(get-unsat-core)\n");
            Rerun(vacuous, out var assumptions).ShouldBeOfType<SolverOutcome.Unsat>().Core.Select(n => n.Trim('|')).Order(StringComparer.Ordinal).ShouldBe(["pre:a<3", "pre:a>5"]);
            assumptions.ShouldBe(["pre:a<3", "pre:b<3", "pre:a>5"]);

            // The time-out leaves a file too; the broken encoding none, as nothing was checked.
            File.Exists(Path.Combine(directory, "fixture.hard.smt2")).ShouldBeTrue();
            File.Exists(Path.Combine(directory, "fixture.broken.smt2")).ShouldBeFalse();
            report.Results.Count.ShouldBe(Mixed.Length);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static SolverOutcome Rerun(string script, out List<string> assumptions)
    {
        // The API parser refuses set-option on a context that exists already and get-unsat-core
        // without it: those lines are for the z3 binary, so they are left out here.
        var body = string.Join('\n', script.Split('\n').Where(l => !l.StartsWith("(set-option", StringComparison.Ordinal) && !l.StartsWith("(get-unsat-core", StringComparison.Ordinal)));
        using var context = new Context();
        using var solver = context.Solver();
        solver.AssertSmtLib2(body);
        assumptions = CheckSatAssuming(script);
        return solver.CheckAssuming(assumptions.Select(context.BoolConst).ToList());
    }

    /// <summary>The symbols of the script's `(check-sat-assuming (...))`, |quoted| or bare.</summary>
    private static List<string> CheckSatAssuming(string script)
    {
        const string command = "(check-sat-assuming (";
        var start = script.IndexOf(command, StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        var body = script[(start + command.Length)..script.IndexOf("))", start, StringComparison.Ordinal)];
        return System.Text.RegularExpressions.Regex.Matches(body, @"\|([^|]*)\||[^\s|]+").Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value).ToList();
    }

    [Fact]
    public void Smt2FileNamesAreSafeAndUnique()
    {
        var directory = Directory.CreateTempSubdirectory("verified-smt2-").FullName;
        try
        {
            new ObligationRunner(new RunnerOptions { Jobs = 1, Smt2Directory = directory })
                .Run([new Fixtures.Valid("cap.mint/preserves/inv.x"), new Fixtures.Valid("cap.mint?preserves?inv.x")]);

            Directory.GetFiles(directory).Select(Path.GetFileName).Order().ShouldBe(["cap.mint_preserves_inv.x-2.smt2", "cap.mint_preserves_inv.x.smt2"]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("cap.*", new[] { "cap.mint", "cap.copy/preserves/x" })]
    [InlineData("*preserves*", new[] { "cap.copy/preserves/x", "grant.revoke/preserves/y" })]
    [InlineData("cap.mint", new[] { "cap.mint" })]
    [InlineData("cap.?int", new[] { "cap.mint" })]
    [InlineData("nothing.*", new string[0])]
    public void FilterGlobsSelectByName(string glob, string[] expected)
    {
        string[] names = ["cap.mint", "cap.copy/preserves/x", "grant.revoke/preserves/y", "manifest.a.boot-order"];

        new ObligationFilter([glob]).Apply(names, n => n).ShouldBe(expected);
    }

    [Fact]
    public void NoFilterSelectsEverythingAndSeveralSelectTheUnion()
    {
        string[] names = ["cap.mint", "grant.revoke", "manifest.a.boot-order"];

        ObligationFilter.All.Apply(names, n => n).ShouldBe(names);
        new ObligationFilter(["cap.*", "manifest.*"]).Apply(names, n => n).ShouldBe(["cap.mint", "manifest.a.boot-order"]);
    }
}
