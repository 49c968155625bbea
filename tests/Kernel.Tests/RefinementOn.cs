using Verified.Proofs.Refinement;

namespace Verified.Kernel.Tests;

/// <summary>
/// The refinement checker on every kernel these tests create: each syscall is compared with the
/// specification and every invariant checked, and the first disagreement throws a
/// <see cref="RefinementException"/> with the counterexample (failing the test that made the call).
/// Open findings (F4, F5, F7) and planted faults are expected explicitly by the tests that reach them (Findings.cs).
/// </summary>
internal static class RefinementOn
{
    /// <summary>Cross-check the checker's shortcuts against the full computation every this many steps.</summary>
    public const int CrossCheckEvery = 16;

    public static RefinementChecker Attach(Kernel kernel, BootParameters? boot = null) =>
        RefinementChecker.Attach(kernel, new RefinementChecker
        {
            ThrowOnViolation = true,
            CrossCheckEvery = CrossCheckEvery,
            Boot = boot ?? BootParameters.Default,
        });

    /// <summary>The checker attached to <paramref name="kernel"/> (a test that asserts it is on).</summary>
    public static RefinementChecker Of(Kernel kernel) =>
        kernel.Observer as RefinementChecker ?? throw new InvalidOperationException("RefinementOn: no refinement checker is attached to this kernel");
}
