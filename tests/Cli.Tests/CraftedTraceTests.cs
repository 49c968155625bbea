using System.Text.Json.Nodes;
using Shouldly;
using Verified.Kernel;
using Verified.Proofs.Refinement;
using Verified.Trace;
using Xunit;

namespace Verified.Cli.Tests;

/// <summary>
/// A trace file is untrusted input: each crafted one here once crashed `verified replay` with a host
/// exception, which System.CommandLine turns into exit 1 — the code for "the violation reproduced".
/// Each must be exit 2 with a message naming what is wrong.
/// </summary>
public sealed class CraftedTraceTests
{
    private static string Userland(string name) => Path.Combine(AppContext.BaseDirectory, "userland", name);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static (int Code, string Out, string Err) Replay(JsonNode json) => ReplayRun.Text(json.ToJsonString());

    private static JsonObject MachineTrace()
    {
        var recipe = MachineRecipe.Program("grants.elf", File.ReadAllBytes(Userland("grants.elf")), [nameof(PlantedFaults.GrantRevokeKeepsGeneration)]);
        CheckedMachineRun.TryStart(recipe, out var run, out var error).ShouldBeTrue(error);
        run!.Run(maxSteps: 20_000, maxInstructions: 200_000_000).ShouldNotBeNull();
        return TraceJson.ToJson(Counterexample.ToMachineTrace(run, recipe.Origin!));
    }

    // A C#-driven (version 1) counterexample: mint keeps the rights of its source.
    private static JsonObject SyscallTrace()
    {
        var w = new Workload(new PlantedFaults { MintKeepsRights = true }, check: true);
        w.Run([new(ActionKind.Mint, 0, 3, 10, 1, 0)]).ShouldNotBeNull();
        return TraceJson.ToJson(Counterexample.ToTrace(w.Checker!, "mint keeps rights"));
    }

    private static JsonObject Image(string name, byte[] bytes) =>
        new() { ["name"] = name, ["sha256"] = TraceImage.Hash(bytes), ["base64"] = Convert.ToBase64String(bytes) };

    [Theory]
    [InlineData("memoryBytes", "1052673", "machine memory must be a whole number of 4096-byte pages, not 1052673 bytes")]
    [InlineData("step", "2147483648", "field 'machine.step' must be in [0, 2147483647]")]
    [InlineData("step", "100000", "field 'machine.step' is 100000, beyond the")]
    [InlineData("instructions", "9223372036854775807", "field 'machine.instructions' must be in [0, 100000000000]")]
    public void ABadMachineSettingIsExitTwoNamingIt(string field, string value, string expected)
    {
        var json = MachineTrace();
        json["machine"]![field] = JsonNode.Parse(value);
        var (code, _, stderr) = Replay(json);
        code.ShouldBe(ExitCodes.UsageOrInput, stderr);
        stderr.ShouldContain(expected);
    }

    [Fact]
    public void ARecordedStepWithinTheRecordingIsAccepted()
    {
        // The bound of the check above: the last recorded step is the step a real recording names.
        var json = MachineTrace();
        var (code, _, stderr) = Replay(json);
        code.ShouldBe(ExitCodes.Failure, stderr);
    }

    [Fact]
    public void ManyModulesAreABootErrorNotAWritePastTheBootInformationPage()
    {
        var json = MachineTrace();
        var images = (JsonArray)json["machine"]!["images"]!;
        for (var i = 0; i < 170; i++) images.Add(Image($"m{i}", [(byte)i]));
        var (code, _, stderr) = Replay(json);
        code.ShouldBe(ExitCodes.UsageOrInput, stderr);
        stderr.ShouldContain("the boot information needs");
        stderr.ShouldContain("170 modules), more than one page");
    }

    [Fact]
    public void BootWithManyModulesIsExitTwoNamingTheBootInformation()
    {
        var dir = Directory.CreateTempSubdirectory("verified-modules-");
        try
        {
            var modules = Enumerable.Range(0, 170).Select(i =>
            {
                var path = Path.Combine(dir.FullName, $"m{i}");
                File.WriteAllBytes(path, [(byte)i]);
                return path;
            });
            var (code, _, stderr) = Run(["boot", Userland("hello.elf"), .. modules]);
            code.ShouldBe(ExitCodes.UsageOrInput, stderr);
            stderr.ShouldContain("the boot information needs");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void ARootImageOfManyPagesIsExitTwoNamingTheBootInformation()
    {
        // 500 data pages: each image page's address takes a word of the one boot-information page.
        var elf = Verified.Machine.Tests.Support.TinyElf.Build([0xEB, 0xFE], new byte[500 * 4096]);
        var path = Path.Combine(Path.GetTempPath(), $"verified-big-{Guid.NewGuid():N}.elf");
        File.WriteAllBytes(path, elf);
        try
        {
            var (code, _, stderr) = Run("boot", path);
            code.ShouldBe(ExitCodes.UsageOrInput, stderr);
            stderr.ShouldContain("the boot information needs");
            stderr.ShouldContain(" image pages, 0 modules), more than one page");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("plantedFaults", "[1]", "initial state field 'plantedFaults[0]' must be a string")]
    [InlineData("plantedFaults", "\"MintKeepsRights\"", "initial state field 'plantedFaults' must be an array of names")]
    [InlineData("cnodeBits", "3", "cnodeBits must be 6 to 16, not 3")]
    [InlineData("cnodeBits", "17", "cnodeBits must be 6 to 16, not 17")]
    [InlineData("memoryBytes", "4194305", "memoryBytes must be a whole number of 4096-byte pages up to 1073741824 bytes, not 4194305")]
    [InlineData("memoryBytes", "4294967296", "memoryBytes must be a whole number of 4096-byte pages up to 1073741824 bytes, not 4294967296")]
    [InlineData("memoryBytes", "65536", "the kernel does not boot with memoryBytes 65536 and cnodeBits 8: physical memory of 65536 bytes is too small")]
    public void ABadVersionOneInitialStateIsExitTwoNamingIt(string field, string value, string expected)
    {
        var json = SyscallTrace();
        json["initialState"]![field] = JsonNode.Parse(value);
        var (code, _, stderr) = Replay(json);
        code.ShouldBe(ExitCodes.UsageOrInput, stderr);
        stderr.ShouldContain(expected);
    }

    [Fact]
    public void TheVersionOneTraceUnalteredReproduces()
    {
        // The baseline of the theory above: only the altered field makes it exit 2.
        var (code, _, stderr) = Replay(SyscallTrace());
        code.ShouldBe(ExitCodes.Failure, stderr);
    }

    [Fact]
    public void ErrorsQuotingTheFilePrintWithoutControlCharacters()
    {
        var json = SyscallTrace();
        json["initialState"]!["plantedFaults"] = new JsonArray("No\u001b[2JFault");
        var (code, _, stderr) = Replay(json);
        code.ShouldBe(ExitCodes.UsageOrInput);
        stderr.ShouldContain("unknown planted fault 'No?[2JFault'");
        stderr.ShouldNotContain("\u001b");

        json = MachineTrace();
        json["machine"]!["bo\u001b[2Jgus"] = 1;
        (code, _, stderr) = Replay(json);
        code.ShouldBe(ExitCodes.UsageOrInput);
        stderr.ShouldContain("unknown field 'machine.bo?[2Jgus'");
        stderr.ShouldNotContain("\u001b");
    }

    [Fact]
    public void AViolationIsReportedWhenItsTraceCannotBeWritten()
    {
        var unwritable = Path.Combine(Path.GetTempPath(), $"verified-missing-{Guid.NewGuid():N}", "trace.json");
        var (code, _, stderr) = Run("boot", Userland("grants.elf"), "--refinement", "--plant", nameof(PlantedFaults.GrantRevokeKeepsGeneration), "--trace", unwritable);
        code.ShouldBe(ExitCodes.Failure, stderr);
        stderr.ShouldContain("refinement violation at step");
        stderr.ShouldContain("refinement / grant.revoke.state");
        stderr.ShouldContain("verified boot: cannot write the trace:");
    }
}
