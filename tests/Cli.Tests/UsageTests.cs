using Shouldly;
using Xunit;

namespace Verified.Cli.Tests;

public sealed class UsageTests
{
    [Fact]
    public void UnknownVerbIsBadUsageWithExitCodeTwo()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(["frobnicate"], stdout, stderr);
        code.ShouldBe(ExitCodes.UsageOrInput);
        stderr.ToString().ShouldContain("frobnicate");
    }

    [Fact]
    public void HelpListsTheProveVerb()
    {
        var stdout = new StringWriter();
        var code = Program.Run(["--help"], stdout, new StringWriter());
        code.ShouldBe(ExitCodes.Success);
        stdout.ToString().ShouldContain("prove");
    }
}
