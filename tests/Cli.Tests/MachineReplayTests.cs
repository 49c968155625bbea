using System.Text.Json.Nodes;
using Shouldly;
using Verified.Proofs.Refinement;
using Verified.Tests.Shared;
using Verified.Trace;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Cli.Tests;

/// <summary>
/// Counterexamples found while guest programs run on the emulated CPU (an example program, the
/// random x86 tasks of the machine fuzz) replay through `verified replay`: the trace embeds the
/// images and the machine settings, and the replay runs the same machine with the checker on.
/// </summary>
public sealed class MachineReplayTests(ITestOutputHelper output)
{
    private static byte[] Elf(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "userland", name + ".elf"));

    private static (int Code, string Out, string Err) Replay(string json) => ReplayRun.Text(json);

    /// <summary>Runs a recipe with the checker on until it reports (bounded), and returns the counterexample.</summary>
    private static TraceDocument Find(MachineRecipe recipe, string expectedClause)
    {
        CheckedMachineRun.TryStart(recipe, out var run, out var error).ShouldBeTrue(error);
        var v = run!.Run(maxSteps: 20_000, maxInstructions: 200_000_000).ShouldNotBeNull("the planted fault is caught on the CPU");
        v.Clause.ShouldBe(expectedClause, v.Message);
        return Counterexample.ToMachineTrace(run, recipe.Origin!);
    }

    private static TraceDocument GrantsWithPlantedFault() =>
        Find(MachineRecipe.Program("grants.elf", Elf("grants"), [nameof(Kernel.PlantedFaults.GrantRevokeKeepsGeneration)]), "grant.revoke.state");

    private static JsonObject Json(TraceDocument trace) => TraceJson.ToJson(trace);

    [Fact]
    public void AnExampleProgramsViolationReplaysWithTheClauseNamed()
    {
        var trace = GrantsWithPlantedFault();
        trace.Machine.ShouldNotBeNull().Step.ShouldBe(trace.Steps.Length);
        var (code, stdout, stderr) = Replay(TraceJson.Serialize(trace));
        code.ShouldBe(ExitCodes.Failure, stderr);
        stdout.ShouldContain($"reproduced at step {trace.Steps.Length}: refinement / grant.revoke.state");
        stdout.ShouldContain($"the same {trace.Steps.Length} syscalls as recorded");
        stdout.ShouldMatchGolden("replay-grants-planted-fault");
    }

    /// <summary>
    /// The recipe of a fuzz seed is the run the machine fuzz harness makes (tests/Kernel.Tests
    /// MachineFuzzTests): the checker attached through MachineFuzz.Run and the one of the recipe's
    /// run see the same syscalls with the same results, and end alike (the same violation, or none),
    /// so a seed that fails there replays from MachineRecipe.Fuzz(seed).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AFuzzRecipeIsTheRunTheMachineFuzzHarnessMakes(bool planted)
    {
        string[] faults = planted ? [nameof(Kernel.PlantedFaults.MintKeepsRights)] : [];
        RefinementChecker? harness = null;
        Kernel.Run.MachineFuzz.Run(Elf("fuzz"), 0xC0FFEE, 600, Kernel.Checking.CheckMode.Incremental, configure: k =>
        {
            k.Faults = PlantedFaultNames.FromNames(faults, out _);
            harness = RefinementChecker.Attach(k, new RefinementChecker { CrossCheckEvery = 16 });
        });
        CheckedMachineRun.TryStart(MachineRecipe.Fuzz(Elf("fuzz"), 0xC0FFEE, faults), out var run, out var error).ShouldBeTrue(error);
        run!.Run(harness!.SyscallStepCount, long.MaxValue); // the bound counts syscalls; the harness's steps include the run loop's faults
        output.WriteLine($"{harness.SyscallStepCount} syscalls and {harness.CpuFaultCount} faults, violation: {harness.Violation?.Clause ?? "none"}");
        Counterexample.ToTrace(run.Checker, "recipe").Steps.ShouldBe(Counterexample.ToTrace(harness, "harness").Steps);
        run.Checker.Violation?.Message.ShouldBe(harness.Violation?.Message);
        (run.Checker.Violation is null).ShouldBe(harness.Violation is null);
    }

    [Fact]
    public void ACheckedRunIsRunOnce()
    {
        CheckedMachineRun.TryStart(MachineRecipe.Program("hello.elf", Elf("hello")), out var run, out var error).ShouldBeTrue(error);
        run!.Run(100, 1_000_000);
        Should.Throw<InvalidOperationException>(() => run.Run(100, 1_000_000)).Message.ShouldContain("a run is run once");
    }

    /// <summary>
    /// The verdict is the clause, not the step: a run that reaches the same violation on another
    /// path (here the random tasks get another seed) still reproduces it, and the output says where
    /// it broke against the recording.
    /// </summary>
    [Fact]
    public void TheSameClauseOnAnotherPathReproducesAndSaysWhereItDiffers()
    {
        var trace = Find(MachineRecipe.Fuzz(Elf("fuzz"), 0xC0FFEE, [nameof(Kernel.PlantedFaults.MintKeepsRights)]), "cap.mint.state");
        var json = Json(trace);
        var seed = Kernel.Run.MachineFuzz.SeedModule(0xBEEF);
        json["machine"]!["images"]![1] = new JsonObject { ["name"] = "seed", ["sha256"] = TraceImage.Hash(seed), ["base64"] = Convert.ToBase64String(seed) };
        var (code, stdout, stderr) = Replay(json.ToJsonString());
        output.WriteLine(stdout);
        code.ShouldBe(ExitCodes.Failure, stderr);
        stdout.ShouldContain("refinement / cap.mint.state");
        stdout.ShouldContain($"recorded at step {trace.Steps.Length}; the syscalls differ from the recording from step");
    }

    [Fact]
    public void WithThePlantedFaultOffTheProgramRunsCleanAndReplayExitsZero()
    {
        var json = Json(GrantsWithPlantedFault());
        json["machine"]!["plantedFaults"] = new JsonArray();
        var (code, stdout, stderr) = Replay(json.ToJsonString());
        code.ShouldBe(ExitCodes.Success, stderr);
        stdout.ShouldContain("not reproduced: the machine ran to its end (Exited { Code = 0 })");
    }

    [Fact]
    public void AFuzzSeedsViolationReplaysAndNoLongerReproducesWithoutTheFault()
    {
        var trace = Find(MachineRecipe.Fuzz(Elf("fuzz"), 0xC0FFEE, [nameof(Kernel.PlantedFaults.MintKeepsRights)]), "cap.mint.state");
        trace.Machine.ShouldNotBeNull().Origin.ShouldNotBeNull().ShouldContain("seed 0xc0ffee");
        var (code, stdout, stderr) = Replay(TraceJson.Serialize(trace));
        output.WriteLine(stdout);
        code.ShouldBe(ExitCodes.Failure, stderr);
        stdout.ShouldContain($"reproduced at step {trace.Steps.Length}: refinement / cap.mint.state");

        var json = Json(trace);
        json["machine"]!["plantedFaults"] = new JsonArray();
        (code, stdout, stderr) = Replay(json.ToJsonString());
        output.WriteLine(stdout);
        code.ShouldBe(ExitCodes.Success, stderr);
        stdout.ShouldContain("not reproduced:");
        stdout.ShouldNotContain("cap.mint.state");
    }

    [Fact]
    public void AReplayThatNoLongerFailsStopsAtTheStepBound()
    {
        // A clean program that issues tens of thousands of syscalls, recorded as if it broke at step 10.
        var json = Json(GrantsWithPlantedFault());
        var bench = Elf("ipcbench");
        json["machine"]!["images"] = new JsonArray(new JsonObject { ["name"] = "ipcbench.elf", ["sha256"] = TraceImage.Hash(bench), ["base64"] = Convert.ToBase64String(bench) });
        json["machine"]!["plantedFaults"] = new JsonArray();
        json["machine"]!["step"] = 10;
        // A recording names a step it reached: the recording is cut to its first 10 syscalls.
        var steps = (JsonArray)json["steps"]!;
        steps.Count.ShouldBeGreaterThanOrEqualTo(10);
        while (steps.Count > 10) steps.RemoveAt(steps.Count - 1);
        var (code, stdout, stderr) = Replay(json.ToJsonString());
        output.WriteLine(stdout);
        code.ShouldBe(ExitCodes.Success, stderr);
        stdout.ShouldContain($"not reproduced: no violation within the bound");
        var replayed = int.Parse(stdout.Split("the bound: ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        replayed.ShouldBe(10 + (int)MachineReplayer.StepMargin, "the machine is interrupted at the bound");
    }

    [Fact]
    public void AReplayWhoseGuestStopsMakingSyscallsStopsAtTheInstructionBound()
    {
        // A root task that spins (jmp $) never makes a syscall: only the instruction bound ends it.
        var spin = Verified.Machine.Tests.Support.TinyElf.Build([0xEB, 0xFE], null);
        var json = Json(GrantsWithPlantedFault());
        json["machine"]!["images"] = new JsonArray(new JsonObject { ["name"] = "spin.elf", ["sha256"] = TraceImage.Hash(spin), ["base64"] = Convert.ToBase64String(spin) });
        json["machine"]!["instructions"] = 1_000;
        var (code, stdout, stderr) = Replay(json.ToJsonString());
        output.WriteLine(stdout);
        code.ShouldBe(ExitCodes.Success, stderr);
        stdout.ShouldContain("not reproduced: no violation within the bound: 0 syscalls");
        var slice = json["machine"]!["sliceInstructions"]!.GetValue<long>();
        var ran = long.Parse(stdout.Split("margin 1000), ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        ran.ShouldBeInRange(1_000 + (MachineReplayer.MinimumSlices * slice), 1_000 + ((MachineReplayer.MinimumSlices + 1) * slice), "the recorded instructions plus the minimum margin, overshooting by less than one slice");
    }

    [Fact]
    public void ATamperedImageIsExitTwoNamingTheHashMismatch()
    {
        var json = Json(GrantsWithPlantedFault());
        var image = json["machine"]!["images"]![0]!;
        var bytes = Convert.FromBase64String(image["base64"]!.GetValue<string>());
        bytes[^1] ^= 0xFF;
        image["base64"] = Convert.ToBase64String(bytes);
        var (code, _, stderr) = Replay(json.ToJsonString());
        code.ShouldBe(ExitCodes.UsageOrInput);
        stderr.ShouldContain("image 'grants.elf'");
        stderr.ShouldContain("does not match its hash");
    }

    [Fact]
    public void NamesFromTheFilePrintWithoutControlCharacters()
    {
        var json = Json(GrantsWithPlantedFault());
        json["machine"]!["origin"] = "line\nreproduced at step 1: forged\u001b[2J";
        var (_, stdout, _) = Replay(json.ToJsonString());
        stdout.ShouldContain("  line?reproduced at step 1: forged?[2J");
        stdout.ShouldNotContain("\u001b");
    }

    [Fact]
    public void ATruncatedTraceIsExitTwo()
    {
        var text = TraceJson.Serialize(GrantsWithPlantedFault());
        var (code, stdout, stderr) = Replay(text[..(text.Length / 2)]);
        code.ShouldBe(ExitCodes.UsageOrInput);
        stderr.ShouldContain("not a valid trace: not valid JSON");
        stdout.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("bogus", "1", "unknown field 'machine.bogus'")]
    [InlineData("timeSlice", "\"fast\"", "field 'machine.timeSlice' must be an integer")]
    [InlineData("memoryBytes", "4096", "machine memory must be 1 MiB to 1 GiB")]
    [InlineData("plantedFaults", "[\"NoSuchFault\"]", "unknown planted fault 'NoSuchFault'")]
    [InlineData("images", "[]", "must name at least the root task's image")]
    public void ABadMachineFieldIsExitTwoNamingIt(string field, string value, string expected)
    {
        var json = Json(GrantsWithPlantedFault());
        json["machine"]![field] = JsonNode.Parse(value);
        var (code, _, stderr) = Replay(json.ToJsonString());
        code.ShouldBe(ExitCodes.UsageOrInput);
        stderr.ShouldContain(expected);
    }

    [Fact]
    public void AMachineSectionInAVersionOneTraceOrAnUnknownVersionIsExitTwo()
    {
        var json = Json(GrantsWithPlantedFault());
        json["version"] = 1;
        var (code, _, stderr) = Replay(json.ToJsonString());
        code.ShouldBe(ExitCodes.UsageOrInput);
        stderr.ShouldContain("field 'machine' exists from trace format version 2 on");
        json["version"] = 3;
        (code, _, stderr) = Replay(json.ToJsonString());
        code.ShouldBe(ExitCodes.UsageOrInput);
        stderr.ShouldContain("unsupported trace: trace format version 3 is not supported");
    }

    [Fact]
    public void BootWithTheRefinementCheckerWritesACounterexampleThatReplays()
    {
        var seed = Path.GetTempFileName();
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(seed, Kernel.Run.MachineFuzz.SeedModule(0xC0FFEE));
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            string[] boot = ["boot", Path.Combine(AppContext.BaseDirectory, "userland", "fuzz.elf"), seed, "--refinement", "--max-instructions", "100000000"];
            var code = Program.Run([.. boot, "--plant", nameof(Kernel.PlantedFaults.MintKeepsRights), "--trace", path], stdout, stderr);
            output.WriteLine(stderr.ToString());
            code.ShouldBe(ExitCodes.Failure, stderr.ToString());
            stderr.ToString().ShouldContain("refinement violation at step");
            stderr.ToString().ShouldContain("refinement / cap.mint.state");
            TraceJson.TryLoad(File.ReadAllText(path), out var trace, out var failure).ShouldBeTrue(failure?.Detail);
            trace.Violation!.Clause.ShouldBe("cap.mint.state");
            trace.Machine!.Images.Select(i => i.Name).ShouldBe(["fuzz.elf", Path.GetFileName(seed)], "the root image and the seed module");
            trace.Machine.PlantedFaults.ShouldBe([nameof(Kernel.PlantedFaults.MintKeepsRights)]);

            stdout = new StringWriter();
            stderr = new StringWriter();
            Program.Run(["replay", path], stdout, stderr).ShouldBe(ExitCodes.Failure, stderr.ToString());
            stdout.ToString().ShouldContain($"reproduced at step {trace.Steps.Length}: refinement / cap.mint.state");
        }
        finally
        {
            File.Delete(seed);
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--plant", "NoSuchFault", "--refinement", "unknown planted fault 'NoSuchFault'")]
    [InlineData("--plant", "MintKeepsRights", "--max-instructions", "--plant needs --refinement")]
    public void BootRefusesAPlantedFaultItCannotUse(string option, string value, string other, string message)
    {
        var stderr = new StringWriter();
        string[] args = other == "--refinement" ? [option, value, other] : [option, value, other, "1000"];
        Program.Run(["boot", Path.Combine(AppContext.BaseDirectory, "userland", "hello.elf"), .. args], new StringWriter(), stderr).ShouldBe(ExitCodes.UsageOrInput);
        stderr.ToString().ShouldContain(message);
    }

    [Fact]
    public void BootWithTheRefinementCheckerOfACleanProgramExitsWithItsCode()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Program.Run(["boot", Path.Combine(AppContext.BaseDirectory, "userland", "pingpong.elf"), "--refinement"], stdout, stderr).ShouldBe(0, stderr.ToString());
        stdout.ToString().ShouldStartWith("ping-pong: 10/10 replies correct");
    }
}
