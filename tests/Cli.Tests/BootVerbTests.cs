using Shouldly;
using Verified.Trace;
using Xunit;

namespace Verified.Cli.Tests;

public sealed class BootVerbTests
{
    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "userland", name + ".elf");

    private static (int Code, string Out, string Err) Boot(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(["boot", .. args], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void BootPrintsTheConsoleAndExitsWithTheRootTasksCode()
    {
        var (code, output, _) = Boot(Example("hello"));
        code.ShouldBe(7);
        output.ShouldStartWith("hello from the root task: ");
    }

    [Fact]
    public void AnInstructionLimitIsExitCodeFourWithAReason()
    {
        var (code, _, err) = Boot(Example("pingpong"), "--max-instructions", "1000");
        code.ShouldBe(ExitCodes.GuestStopped);
        err.ShouldContain("instruction limit");
    }

    [Fact]
    public void AMalformedImageIsExitCodeTwoWithOneLine()
    {
        var bad = Path.GetTempFileName();
        File.WriteAllBytes(bad, [1, 2, 3, 4]);
        var (code, _, err) = Boot(bad);
        File.Delete(bad);
        code.ShouldBe(ExitCodes.UsageOrInput);
        err.Trim().Split('\n').Length.ShouldBe(1);
        err.ShouldContain("root image");
    }

    [Fact]
    public void AMissingFileIsExitCodeTwo()
    {
        Boot("/nonexistent/root.elf").Code.ShouldBe(ExitCodes.UsageOrInput);
    }

    [Fact]
    public void TraceRecordsSyscallsAndFaultsInTheTraceFormat()
    {
        var path = Path.GetTempFileName();
        var (code, _, _) = Boot(Example("pager"), "--trace", path);
        code.ShouldBe(0);
        TraceJson.TryParse(File.ReadAllText(path), out var trace, out var error).ShouldBeTrue(error);
        File.Delete(path);
        trace.Producer.ShouldBe("kernel");
        trace.Violation.ShouldBeNull();
        trace.Steps.Count(s => s.Kind == StepKinds.Fault && s.Operation == "PageFault").ShouldBe(3);
        trace.Steps.ShouldContain(s => s.Kind == StepKinds.Syscall && s.Operation == "FrameMap" && s.Result == "Ok");
        trace.Steps[^1].Operation.ShouldBe("Exit");
        trace.Steps.First(s => s.Operation == "FrameMap").Arguments!["a2"]!.GetValue<string>().ShouldStartWith("0x");
    }
}
