using FsCheck;
using FsCheck.Fluent;
using Shouldly;
using Verified.Kernel.Checking;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Kernel.Tests;

public sealed class PropertyTests(ITestOutputHelper output)
{
    /// <summary>A run: 8 ints per step, up to 120 steps.</summary>
    private static Gen<int[]> Steps(int maxSteps) =>
        Gen.Choose(1, maxSteps).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, int.MaxValue), n * 8));

    [Fact]
    public void RandomSyscallsKeepTheKernelConsistent()
    {
        var total = 0;
        var property = Prop.ForAll(Steps(120).ToArbitrary(), raw =>
        {
            var failure = SyscallFuzzer.Run(raw, out var n);
            total += n;
            return failure is null ? true.ToProperty() : false.ToProperty().Label(failure);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
        output.WriteLine($"{total} random syscalls");
        total.ShouldBeGreaterThan(10000);
    }
}
