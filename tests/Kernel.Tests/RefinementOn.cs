using Verified.Proofs.Refinement;

namespace Verified.Kernel.Tests;

/// <summary>
/// The refinement checker on every kernel these tests create: each syscall is compared with the
/// specification and every invariant checked, and the first disagreement throws a
/// <see cref="RefinementException"/> with the counterexample (failing the test that made the call).
/// At the end of each test (<see cref="FinishRefinementAttribute"/>) every checker attached during
/// it and still on its kernel finishes: the final state, changes after the last syscall included,
/// must satisfy every invariant (and pass the cross-check).
/// Open findings (F4, F5, F7) and planted faults are expected explicitly by the tests that reach them (Findings.cs).
/// </summary>
internal static class RefinementOn
{
    /// <summary>Cross-check the checker's shortcuts against the full computation every this many steps.</summary>
    public const int CrossCheckEvery = 16;

    // The checkers attached during the running test (set up by FinishRefinementAttribute.Before;
    // an AsyncLocal, since xunit runs test classes in parallel).
    private static readonly AsyncLocal<List<(Kernel Kernel, RefinementChecker Checker)>?> OfTest = new();

    public static RefinementChecker Attach(Kernel kernel, BootParameters? boot = null)
    {
        var checker = RefinementChecker.Attach(kernel, new RefinementChecker
        {
            ThrowOnViolation = true,
            CrossCheckEvery = CrossCheckEvery,
            Boot = boot ?? BootParameters.Default,
        });
        OfTest.Value?.Add((kernel, checker));
        return checker;
    }

    /// <summary>The checker attached to <paramref name="kernel"/> (a test that asserts it is on).</summary>
    public static RefinementChecker Of(Kernel kernel) =>
        kernel.Observer as RefinementChecker ?? throw new InvalidOperationException("RefinementOn: no refinement checker is attached to this kernel");

    /// <summary>The checkers attached so far in the running test (empty outside a test).</summary>
    public static IReadOnlyList<RefinementChecker> AttachedInThisTest => OfTest.Value?.Select(x => x.Checker).ToList() ?? [];

    public static void BeginTest() => OfTest.Value = [];

    /// <summary>
    /// Finishes every checker attached in the running test that is still its kernel's observer
    /// (a test that attached another checker in its place judges that one itself), then forgets
    /// them. Throws <see cref="RefinementException"/> on a violation found now: a checker that
    /// throws does so itself; one a test set to report (<see cref="TestSystem.ExpectRefinementReport"/>)
    /// has its earlier report asserted by the test, but a new one found here is thrown.
    /// </summary>
    public static void FinishTest()
    {
        var attached = OfTest.Value;
        if (attached is null) return;
        var pending = attached.ToList();
        attached.Clear();
        foreach (var (kernel, checker) in pending)
        {
            if (!ReferenceEquals(kernel.Observer, checker)) continue;
            var earlier = checker.Violation;
            if (checker.Finish(kernel) is { } v && earlier is null) throw new RefinementException(v, Counterexample.Render(checker));
        }
    }
}

/// <summary>Runs <see cref="RefinementOn.FinishTest"/> after every test of the assembly; a violation fails the test.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
internal sealed class FinishRefinementAttribute : Xunit.Sdk.BeforeAfterTestAttribute
{
    public override void Before(System.Reflection.MethodInfo methodUnderTest) => RefinementOn.BeginTest();

    public override void After(System.Reflection.MethodInfo methodUnderTest) => RefinementOn.FinishTest();
}
