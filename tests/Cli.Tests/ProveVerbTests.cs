using Verified.Tests.Shared;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Shouldly;
using Verified.Cli.Verbs;
using Verified.Proofs;
using Verified.Smt;
using Verified.Trace;
using Xunit;

namespace Verified.Cli.Tests;

public sealed partial class ProveVerbTests
{
    private static string Example(string file) => Path.Combine(AppContext.BaseDirectory, "examples", file);

    private static (int Code, string Out, string Err) Prove(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(["prove", .. args], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static (int Code, string Out, string Err) ProveWith(IReadOnlyList<ProofObligation> catalogue, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var request = new ProveVerb.ProveRequest([], 2, ArgValue(args, "--timeout-ms") ?? 10_000, null, null, null, []);
        var code = ProveVerb.Run(request, stdout, stderr, new ProveVerb.ProveEnvironment(() => catalogue, () => true));
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static int? ArgValue(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : null;

    [Fact]
    public void TheSelfChecksAreProvedWithExitCodeZero()
    {
        var (code, stdout, stderr) = Prove("--filter", "smt.selfcheck.*", "--jobs", "2");

        stderr.ShouldBeEmpty();
        code.ShouldBe(ExitCodes.Success);
        foreach (var obligation in SelfCheckObligations.All)
        {
            ResultLine(obligation.Name, "proved").IsMatch(stdout).ShouldBeTrue($"no table row for {obligation.Name}:\n{stdout}");
        }

        stdout.ShouldContain($"proved {SelfCheckObligations.All.Count} of {SelfCheckObligations.All.Count}; failed 0");
    }

    [Fact]
    public void RedirectedOutputIsPlainLinesWithoutEscapeCodes()
    {
        var (_, stdout, _) = Prove("--filter", "smt.selfcheck.bv-*");

        stdout.ShouldNotContain("\u001b");
        stdout.ShouldContain("[1/2] proved");
        stdout.ShouldContain("[2/2] proved");
    }

    [Fact]
    public void AManifestWithACycleFailsWithItsEdgesAndExitCodeOne()
    {
        var (code, stdout, _) = Prove("--manifest", Example("hurd-l4-unbroken.yaml"), "--filter", "manifest.*");

        code.ShouldBe(ExitCodes.Failure);
        ResultLine("manifest.hurd-l4-unbroken.boot-order", "counterexample").IsMatch(stdout).ShouldBeTrue(stdout);
        var details = stdout[stdout.IndexOf("FAILED ", StringComparison.Ordinal)..stdout.LastIndexOf("\nproved ", StringComparison.Ordinal)];
        details.Replace(Example("hurd-l4-unbroken.yaml"), "examples/hurd-l4-unbroken.yaml", StringComparison.Ordinal)
            .ShouldMatchGolden("prove-hurd-l4-unbroken-failure");
    }

    [Fact]
    public void MarkingTheBootstrapEdgeMakesTheHurdBootPass()
    {
        var (code, stdout, _) = Prove("--manifest", Example("hurd-l4.yaml"), "--manifest", Example("minix3-rs.yaml"), "--filter", "manifest.*");

        code.ShouldBe(ExitCodes.Success);
        stdout.ShouldContain("manifest.hurd-l4.boot-order: boot order: wortel, capserver, physmem, task, deva, ruth (bootstrap breaks physmem->task)");
        stdout.ShouldContain("manifest.minix3-rs.boot-order: boot order: ");
    }

    [Fact]
    public void ABadManifestIsBadInputWithExitCodeTwoAndLocatedMessages()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("verified-cli-").FullName, "bad.yaml");
        File.WriteAllText(file, "manifest: 1\nname: bad\nservices:\n  - name: pm\n    binary: pm\n    depends_on: [vmm]\n");

        var (code, stdout, stderr) = Prove("--manifest", file);

        code.ShouldBe(ExitCodes.UsageOrInput);
        stderr.ShouldContain($"{file}:6:18: error: service `pm` depends on `vmm`, which this manifest does not declare");
        stdout.ShouldBeEmpty();
    }

    [Fact]
    public void AMissingManifestFileIsBadInput()
    {
        var (code, _, stderr) = Prove("--manifest", "/nonexistent/boot.yaml");

        code.ShouldBe(ExitCodes.UsageOrInput);
        stderr.ShouldContain("/nonexistent/boot.yaml: error: the file does not exist");
    }

    [Theory]
    [InlineData(new[] { "--filter", "nothing.*" }, "no obligation matches --filter 'nothing.*'")]
    [InlineData(new[] { "--jobs", "0" }, "--jobs must be at least 1")]
    [InlineData(new[] { "--timeout-ms", "-5" }, "--timeout-ms must be at least 1")]
    [InlineData(new[] { "--timeout-ms", "soon" }, "soon")]
    [InlineData(new[] { "--frobnicate" }, "--frobnicate")]
    [InlineData(new[] { "--json", "/nonexistent-dir/report.json" }, "cannot write /nonexistent-dir/report.json")]
    public void BadUsageIsExitCodeTwoWithAMessage(string[] args, string message)
    {
        var (code, _, stderr) = Prove(args);

        code.ShouldBe(ExitCodes.UsageOrInput);
        stderr.ShouldContain(message);
    }

    [Fact]
    public void APlantedFalseObligationFailsWithItsCounterexampleText()
    {
        var (code, stdout, _) = ProveWith([new PlantedFalse()]);

        code.ShouldBe(ExitCodes.Failure);
        ResultLine("planted.bv-sub-commutes", "counterexample").IsMatch(stdout).ShouldBeTrue(stdout);
        stdout.ShouldContain("violated: planted.bv-sub-commutes");
        stdout.ShouldContain("x - y = y - x fails for x =");
    }

    [Fact]
    public void ATimeOutIsAFailureWithExitCodeOne()
    {
        var (code, stdout, _) = ProveWith([new PlantedHard()], "--timeout-ms", "1");

        code.ShouldBe(ExitCodes.Failure);
        ResultLine("planted.hard", "unknown").IsMatch(stdout).ShouldBeTrue(stdout);
        stdout.ShouldContain("unknown: timeout: no answer within 1 ms");
        stdout.ShouldContain("failed 1 (0 counterexample, 1 unknown, 0 error)");
    }

    [Fact]
    public void AMissingLibz3SaysWhatToInstallAndExitsThree()
    {
        var stderr = new StringWriter();
        var request = new ProveVerb.ProveRequest([], 1, 1000, null, null, null, []);

        var code = ProveVerb.Run(request, new StringWriter(), stderr, new ProveVerb.ProveEnvironment(() => [], () => false));

        code.ShouldBe(ExitCodes.MissingDependency);
        stderr.ToString().Trim().ShouldBe("verified prove: libz3.so.4 was not found: install the Debian package libz3-4 (sudo apt-get install libz3-4)");
    }

    [Fact]
    public void JsonJUnitAndSmt2OutputsAreWritten()
    {
        var directory = Directory.CreateTempSubdirectory("verified-cli-").FullName;
        var json = Path.Combine(directory, "prove.json");
        var junit = Path.Combine(directory, "prove.xml");
        var smt2 = Path.Combine(directory, "smt2");

        var (code, _, stderr) = Prove("--manifest", Example("hurd-l4-unbroken.yaml"), "--manifest", Example("hurd-l4.yaml"),
            "--filter", "manifest.*", "--filter", "smt.selfcheck.unsat-core", "--json", json, "--junit", junit, "--smt2-dir", smt2);

        stderr.ShouldBeEmpty();
        code.ShouldBe(ExitCodes.Failure);
        var root = JsonNode.Parse(File.ReadAllText(json))!;
        root["obligations"]!.AsArray().Select(o => (o!["name"]!.GetValue<string>(), o["status"]!.GetValue<string>())).ShouldBe(
        [
            ("smt.selfcheck.unsat-core", "proved"),
            ("manifest.hurd-l4-unbroken.boot-order", "counterexample"),
            ("manifest.hurd-l4.boot-order", "proved"),
        ]);
        TraceJson.TryRead(root["obligations"]![1]!["counterexample"]!.AsObject(), out var trace, out var error).ShouldBeTrue(error);
        trace!.Violation!.Clause.ShouldBe("dep:physmem->task, dep:task->physmem");
        root["summary"]!["proved"]!.GetValue<int>().ShouldBe(2);
        root["summary"]!["failed"]!.GetValue<int>().ShouldBe(1);
        var suite = XDocument.Load(junit).Root!.Element("testsuite")!;
        suite.Attribute("failures")!.Value.ShouldBe("1");
        suite.Elements("testcase").Count().ShouldBe(3);
        Directory.GetFiles(smt2).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(
            ["manifest.hurd-l4-unbroken.boot-order.smt2", "manifest.hurd-l4.boot-order.smt2", "smt.selfcheck.unsat-core.smt2"]);
    }

    private static Regex ResultLine(string name, string result) => new($@"^{Regex.Escape(name)}\s+{result}\s+\d+\s+(-|yes|no|not run)$", RegexOptions.Multiline);

    /// <summary>"x - y = y - x" over 8 bits: false; the counterexample names the values.</summary>
    private sealed class PlantedFalse : ProofObligation
    {
        public override string Name => "planted.bv-sub-commutes";

        public override ObligationKind Kind => ObligationKind.Lemma;

        public override string Description => "x - y = y - x (false)";

        public override void Encode(Context context, Solver solver)
        {
            var x = context.BitVecConst("x", 8);
            var y = context.BitVecConst("y", 8);
            solver.AssertAndTrack(context.Not(context.Eq(context.BvSub(x, y), context.BvSub(y, x))), "goal");
        }

        public override TraceDocument? DecodeCounterexample(Context context, Model model)
        {
            var x = model.EvalUInt64(context.BitVecConst("x", 8));
            var y = model.EvalUInt64(context.BitVecConst("y", 8));
            return new TraceDocument(TraceProducers.Prove, new TraceSource("obligation", Name), new JsonObject { ["x"] = x, ["y"] = y }, [],
                new TraceViolation(Name, "goal", $"x - y = y - x fails for x = {x}, y = {y}"));
        }
    }

    /// <summary>Factoring a 62-bit semiprime: far beyond a 1 ms limit.</summary>
    private sealed class PlantedHard : ProofObligation
    {
        public override string Name => "planted.hard";

        public override ObligationKind Kind => ObligationKind.Lemma;

        public override string Description => "no factors (false, and hard)";

        public override void Encode(Context context, Solver solver)
        {
            var x = context.BitVecConst("x", 64);
            var y = context.BitVecConst("y", 64);
            solver.Assert(context.BvULt(x, context.BitVec(1UL << 32, 64)));
            solver.Assert(context.BvULt(y, context.BitVec(1UL << 32, 64)));
            solver.Assert(context.BvUGt(x, context.BitVec(1, 64)));
            solver.Assert(context.BvUGt(y, context.BitVec(1, 64)));
            solver.AssertAndTrack(context.Eq(context.BvMul(x, y), context.BitVec(4611685975477714963UL, 64)), "goal");
        }

        public override TraceDocument? DecodeCounterexample(Context context, Model model) => null;
    }
}
