namespace Verified.Machine.Tests.Infrastructure;

/// <summary>One native harness process for a whole test class (xunit class fixture); calls are serialised.</summary>
public sealed class SharedNativeHarness : IDisposable
{
    private readonly Lazy<NativeHarness> harness = new(() => NativeHarness.Start(GccBuilder.Shared));
    private readonly Lock gate = new();

    public IReadOnlyList<CaseOutcome> Run(IReadOnlyList<DifferentialCase> cases)
    {
        lock (gate)
        {
            return harness.Value.Run(cases);
        }
    }

    public CaseOutcome Run(DifferentialCase testCase) => Run([testCase])[0];

    public void Dispose()
    {
        if (harness.IsValueCreated)
        {
            harness.Value.Dispose();
        }
    }
}
