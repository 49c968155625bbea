using Shouldly;
using Verified.Spec;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Spec.Tests.Agreement;

public sealed class AgreementTests(ITestOutputHelper output)
{
    private const int Cases = 10_000;

    [Fact]
    public void Eval_agrees_with_Z3_on_random_terms()
    {
        using var oracle = new Z3Oracle();
        var property = new AgreementProperty(EvalCompiler.Default, oracle);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        property.Check(Cases);
        output.WriteLine($"{property.Cases} cases, {oracle.SolverCalls} needed the solver, {watch.Elapsed.TotalSeconds:F1} s");
        property.Cases.ShouldBeGreaterThanOrEqualTo(Cases);

        // The generator must reach every operator and binder, or agreement on them means nothing.
        var expected = Enum.GetNames<Op>()
            .Concat(["VarTerm", "LitTerm", "LetTerm", "MapUpdateTerm", "ForAllValues", "ExistsValues", "ForAllRange", "ExistsRange", "ForAllSort", "ExistsSort"]);
        var missing = expected.Where(k => !property.Coverage.ContainsKey(k)).ToList();
        missing.ShouldBeEmpty($"never generated: {string.Join(", ", missing)}");
        output.WriteLine(string.Join(", ", property.Coverage.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")));
    }
}
