using FsCheck;
using FsCheck.Fluent;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Kernel.Tests;

public sealed class PropertyTests(ITestOutputHelper output)
{
    [Fact]
    public void RandomSyscallsKeepTheKernelConsistent()
    {
        var total = 0;
        var property = Prop.ForAll(RandomSyscallProperty.Steps(120).ToArbitrary(), raw =>
        {
            var failure = RandomSyscallProperty.Run(raw, out var n);
            total += n;
            return failure is null ? true.ToProperty() : false.ToProperty().Label(failure);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
        output.WriteLine($"{total} random syscalls");
        total.ShouldBeGreaterThan(10000);
    }
}
