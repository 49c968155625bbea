using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Shouldly;
using Verified.Manifests;
using Verified.Proofs.Manifests;
using Xunit;

namespace Verified.Proofs.Tests;

public sealed class BootOrderTests
{
    private static BootManifest Example(string file) => Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", file)), file);

    private static BootManifest Parse(string text, string source = "test.yaml") =>
        ManifestParser.Parse(text, source) is ManifestParseResult.Parsed p ? p.Manifest : throw new ShouldAssertException($"manifest did not parse: {ManifestParser.Parse(text, source)}");

    private static ObligationResult Prove(BootManifest manifest) =>
        new ObligationRunner(new RunnerOptions { Jobs = 1 }).Run(ManifestObligations.For(manifest)).Results.Single();

    /// <summary>The order as the report prints it, read back; checked against the manifest without Z3.</summary>
    private static List<string> OrderOf(ObligationResult result)
    {
        var witness = result.ShouldBeOfType<ObligationResult.Proved>().Witness.ShouldNotBeNull();
        witness.ShouldStartWith("boot order: ");
        var list = witness["boot order: ".Length..];
        var end = list.IndexOf(" (", StringComparison.Ordinal);
        return (end < 0 ? list : list[..end]).Split(", ").ToList();
    }

    private static void ShouldRespectEveryEdge(BootManifest manifest, List<string> order)
    {
        order.Order(StringComparer.Ordinal).ShouldBe(manifest.Services.Select(s => s.Name).Order(StringComparer.Ordinal));
        foreach (var edge in manifest.Edges.Where(e => !e.BootstrapBroken))
        {
            order.IndexOf(edge.DependsOn).ShouldBeLessThan(order.IndexOf(edge.Service), $"edge {edge} in order {string.Join(", ", order)}");
        }
    }

    [Fact]
    public void TheMinixBootHasAnOrderRespectingEveryDependency()
    {
        var manifest = Example("minix3-rs.yaml");
        var result = Prove(manifest);

        ShouldRespectEveryEdge(manifest, OrderOf(result));
        result.Name.ShouldBe("manifest.minix3-rs.boot-order");
        result.Kind.ShouldBe(ObligationKind.Manifest);
    }

    [Fact]
    public void TheHurdBootWithItsBootstrapMarkHasAnOrder()
    {
        var manifest = Example("hurd-l4.yaml");
        var result = Prove(manifest);

        ShouldRespectEveryEdge(manifest, OrderOf(result));
        result.Describe().ShouldEndWith("(bootstrap breaks physmem->task)");
    }

    [Fact]
    public void TheUnbrokenHurdBootReportsExactlyItsCycle()
    {
        var result = Prove(Example("hurd-l4-unbroken.yaml"));

        var counterexample = result.ShouldBeOfType<ObligationResult.Counterexample>();
        counterexample.Trace.Violation!.Property.ShouldBe(BootOrderObligation.Property);
        counterexample.Trace.Violation.Clause!.Split(", ").Order(StringComparer.Ordinal).ShouldBe(["dep:physmem->task", "dep:task->physmem"]);
        counterexample.Trace.Source.Kind.ShouldBe("manifest");
        counterexample.Text.ShouldContain("physmem -> task -> physmem");
    }

    [Fact]
    public void TheCycleIsFoundAmongManyOtherEdges()
    {
        // A 4-cycle b -> c -> d -> e -> b hidden among edges that are fine; the core must be
        // minimised down to exactly the cycle.
        var manifest = Parse(Manifest(
            ("a", []), ("b", ["a", "c"]), ("c", ["a", "d"]), ("d", ["e", "a"]), ("e", ["b", "a"]), ("f", ["a", "b", "c", "d", "e"])));

        var counterexample = Prove(manifest).ShouldBeOfType<ObligationResult.Counterexample>();

        counterexample.Trace.Violation!.Clause!.Split(", ").Order(StringComparer.Ordinal)
            .ShouldBe(["dep:b->c", "dep:c->d", "dep:d->e", "dep:e->b"]);
        counterexample.Text.ShouldContain("b -> c -> d -> e -> b");
    }

    [Fact]
    public void ACoreServiceDependingOnAServiceLeftDeadIsReported()
    {
        var manifest = Parse("""
            manifest: 1
            name: fragile
            services:
              - name: helper
                binary: helper
                flags: [no_restart]
              - name: vfs
                binary: vfs
                flags: [core]
                depends_on: [helper]
            """);

        var counterexample = Prove(manifest).ShouldBeOfType<ObligationResult.Counterexample>();

        counterexample.Trace.Violation!.Clause.ShouldBe("core:vfs->helper");
        counterexample.Text.ShouldContain("core service `vfs` depends on `helper`");
    }

    [Fact]
    public void ACoreServiceMayDependOnARestartableOne()
    {
        var manifest = Parse("""
            manifest: 1
            name: sturdy
            services:
              - name: helper
                binary: helper
              - name: vfs
                binary: vfs
                flags: [core]
                depends_on: [helper]
            """);

        OrderOf(Prove(manifest)).ShouldBe(["helper", "vfs"]);
    }

    [Fact]
    public void RandomAcyclicManifestsAlwaysGetAValidOrder()
    {
        Prop.ForAll(Dag().ToArbitrary(), edges =>
        {
            var manifest = Parse(Manifest(edges));
            ShouldRespectEveryEdge(manifest, OrderOf(Prove(manifest)));
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(25));
    }

    [Fact]
    public void RandomCyclicManifestsReportOneCycleOfTheirEdges()
    {
        Prop.ForAll(Dag().Where(d => d.Length >= 2).ToArbitrary(), dag =>
        {
            // Close a cycle: the first service also depends on the last one, which reaches it
            // through a chain we add (last -> ... -> first); then check the report is a cycle.
            var names = dag.Select(d => d.Name).ToArray();
            var edges = dag.Select((d, i) => (d.Name, Deps: i == 0 ? d.Deps.Append(names[^1]).ToArray() : i == names.Length - 1 ? d.Deps.Append(names[0]).Distinct().ToArray() : d.Deps)).ToArray();
            var manifest = Parse(Manifest(edges));
            var counterexample = Prove(manifest).ShouldBeOfType<ObligationResult.Counterexample>();
            var cycle = counterexample.Trace.Violation!.Clause!.Split(", ").Select(c => c["dep:".Length..].Split("->")).ToList();
            var all = manifest.Edges.Select(e => (e.Service, e.DependsOn)).ToHashSet();
            cycle.ShouldAllBe(e => all.Contains(ValueTuple.Create(e[0], e[1])));
            // Every service of the cycle is left once and entered once: a simple cycle.
            cycle.Select(e => e[0]).Order().ShouldBe(cycle.Select(e => e[1]).Order());
            cycle.Select(e => e[0]).Distinct().Count().ShouldBe(cycle.Count);
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(25));
    }

    /// <summary>Random DAGs over s0..sN: each service depends on some earlier ones.</summary>
    private static Gen<(string Name, string[] Deps)[]> Dag() =>
        from size in Gen.Choose(1, 9)
        from picks in Gen.ArrayOf(Gen.Choose(0, 1000), size * size)
        select Enumerable.Range(0, size)
            .Select(i => ($"s{i}", Enumerable.Range(0, i).Where(j => picks[(i * size) + j] % 3 == 0).Select(j => $"s{j}").ToArray()))
            .ToArray();

    private static string Manifest(params (string Name, string[] Deps)[] services)
    {
        var text = new StringBuilder("manifest: 1\nname: generated\nservices:\n");
        foreach (var (name, deps) in services)
        {
            text.Append($"  - name: {name}\n    binary: {name}\n    depends_on: [{string.Join(", ", deps)}]\n");
        }

        return text.ToString();
    }
}
