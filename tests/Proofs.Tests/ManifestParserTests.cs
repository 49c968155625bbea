using Verified.Tests.Shared;
using FsCheck;
using FsCheck.Fluent;
using Shouldly;
using Verified.Manifests;
using Xunit;

namespace Verified.Proofs.Tests;

public sealed class ManifestParserTests
{
    private static string CasePath(string name) => Path.Combine(AppContext.BaseDirectory, "ManifestCases", name);

    private static string ExamplePath(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    public static TheoryData<string> BadManifests()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "ManifestCases"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadManifests))]
    public void EachBadManifestIsRejectedWithLocatedDiagnostics(string name)
    {
        var result = ManifestParser.Parse(File.ReadAllText(CasePath(name + ".yaml")), name + ".yaml");

        var failed = result.ShouldBeOfType<ManifestParseResult.Failed>();
        failed.Diagnostics.ShouldNotBeEmpty();
        failed.ToString().ShouldMatchGolden("manifest-" + name);
    }

    [Fact]
    public void TheCaseListCoversEveryKindOfRejection()
    {
        // A guard that the theory above really runs over the case files (an empty glob would pass vacuously).
        ((IEnumerable<object[]>)BadManifests()).Count().ShouldBeGreaterThanOrEqualTo(26);
    }

    [Theory]
    [InlineData("minix3-rs.yaml", 13)]
    [InlineData("hurd-l4.yaml", 6)]
    [InlineData("hurd-l4-unbroken.yaml", 6)]
    public void TheExamplesParse(string file, int services)
    {
        var result = ManifestParser.ParseFile(ExamplePath(file));

        var parsed = result.ShouldBeOfType<ManifestParseResult.Parsed>($"{result}");
        parsed.Manifest.Services.Count.ShouldBe(services);
    }

    [Fact]
    public void TheHurdManifestMarksExactlyThePhysmemToTaskEdge()
    {
        var manifest = Parse(File.ReadAllText(ExamplePath("hurd-l4.yaml")));

        manifest.Edges.Where(e => e.BootstrapBroken).Select(e => e.ToString()).ShouldBe(["physmem->task"]);
        Parse(File.ReadAllText(ExamplePath("hurd-l4-unbroken.yaml"))).Edges.ShouldNotContain(e => e.BootstrapBroken);
    }

    [Fact]
    public void FieldsAreReadIntoTheModel()
    {
        var manifest = Parse("""
            manifest: 1
            name: small
            services:
              - name: vm
                module: vm
                flags: [core, sync]
              - name: tty
                binary: /service/tty
                depends_on: [vm]
                restart: { init: restart, backoff: { initial_ms: 250, max_ms: 4000 } }
              - name: init
                binary: /sbin/init
                flags: [no_restart]
                depends_on:
                  - service: tty
                    bootstrap: "the console is handed over by the kernel"
              - name: log
                binary: log
            """);

        manifest.Name.ShouldBe("small");
        var vm = manifest.Service("vm");
        vm.ImageKind.ShouldBe(ImageKind.Module);
        vm.Flags.ShouldBe(ServiceFlags.Core | ServiceFlags.Synchronous);
        vm.Restart.ShouldBeOfType<RestartPolicy.Never>();
        vm.Location.ShouldBe(new SourceLocation(4, 5));
        var tty = manifest.Service("tty");
        tty.Image.ShouldBe("/service/tty");
        tty.Restart.ShouldBe(new RestartPolicy.Restart(InitType.Restart, 250, 4000));
        tty.DependsOn.Select(d => d.Service).ShouldBe(["vm"]);
        var init = manifest.Service("init");
        init.Restart.ShouldBeOfType<RestartPolicy.Never>();
        init.DependsOn.Single().Bootstrap.ShouldBe("the console is handed over by the kernel");
        manifest.Service("log").Restart.ShouldBe(RestartPolicy.Default);
    }

    [Fact]
    public void ParsingTheSameTextTwiceGivesEqualManifests()
    {
        var text = File.ReadAllText(ExamplePath("minix3-rs.yaml"));

        Parse(text).ShouldBe(Parse(text));
        Parse(text).GetHashCode().ShouldBe(Parse(text).GetHashCode());
        Parse(text).ShouldNotBe(Parse(text.Replace("depends_on: [vm, sched]", "depends_on: [vm]", StringComparison.Ordinal)));
    }

    [Fact]
    public void AMissingFileIsADiagnosticNotAnException()
    {
        var result = ManifestParser.ParseFile(Path.Combine(AppContext.BaseDirectory, "no-such-manifest.yaml"));

        result.ShouldBeOfType<ManifestParseResult.Failed>().ToString().ShouldContain("does not exist");
    }

    [Fact]
    public void AMegabyteOfBracketsIsRejectedWithoutOverflowingTheStack()
    {
        var text = "manifest: 1\nname: deep\nservices: " + new string('[', 500_000) + new string(']', 500_000);

        ManifestParser.Parse(text, "deep.yaml").ShouldBeOfType<ManifestParseResult.Failed>().ToString().ShouldContain("nests lists and mappings more than 32 deep");
    }

    [Fact]
    public void NoMutationOfAnExampleMakesTheParserThrow()
    {
        // Untrusted input: truncations, deletions and insertions of arbitrary characters anywhere
        // in a real manifest give a result (parsed or diagnostics), never an exception.
        var text = File.ReadAllText(ExamplePath("hurd-l4.yaml"));
        var mutation =
            from position in Gen.Choose(0, text.Length)
            from length in Gen.Choose(0, 40)
            from insert in Gen.Elements("", ":", "- ", "[", "{", "}", "&a ", "*a", "\t", "\"", "'", "!!binary ", "\n  ", "\0", "? ", "%YAML 1.1\n")
            select text[..position] + insert + text[Math.Min(text.Length, position + length)..];

        Prop.ForAll(mutation.ToArbitrary(), mutated =>
        {
            var result = ManifestParser.Parse(mutated, "mutated.yaml");
            return result is ManifestParseResult.Parsed or ManifestParseResult.Failed { Diagnostics.Count: > 0 };
        }).QuickCheckThrowOnFailure();
    }

    private static BootManifest Parse(string text) =>
        ManifestParser.Parse(text, "test.yaml") switch
        {
            ManifestParseResult.Parsed p => p.Manifest,
            ManifestParseResult.Failed f => throw new ShouldAssertException($"expected the manifest to parse, got:\n{f}"),
            _ => throw new InvalidOperationException("unreachable: the result type is closed"),
        };
}
