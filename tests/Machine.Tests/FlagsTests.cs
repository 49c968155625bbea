using Shouldly;
using Verified.Machine.Tests.Infrastructure;
using Xunit;

namespace Verified.Machine.Tests;

/// <summary>
/// Flag edge cases (FlagCatalog): the hand-derived results are first confirmed on the host CPU,
/// so a wrong derivation cannot pass, and the emulator must then agree with both.
/// </summary>
public sealed class FlagsTests(SharedNativeHarness native) : IClassFixture<SharedNativeHarness>
{
    public static TheoryData<string> Cases() => [.. FlagCatalog.All.Select(c => c.Name)];

    private static FlagCase Find(string name) => FlagCatalog.All.Single(c => c.Name == name);

    [Fact]
    public void Case_names_are_unique() =>
        FlagCatalog.All.Select(c => c.Name).Distinct().Count().ShouldBe(FlagCatalog.All.Count);

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_hand_derived_result_is_the_host_CPUs(string name)
    {
        var flagCase = Find(name);
        var testCase = flagCase.ToDifferentialCase();
        var outcome = native.Run(testCase);
        Check(flagCase, outcome, "host");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_emulator_gives_the_architectural_result(string name)
    {
        var flagCase = Find(name);
        var testCase = flagCase.ToDifferentialCase();
        var emulated = new EmulatorHarness().Run(testCase);
        Check(flagCase, emulated, "emulator");
        var difference = OutcomeDiff.Compare(testCase, native.Run(testCase), emulated);
        difference.ShouldBeNull($"{name}: the emulator differs from the host\n{OutcomeDiff.Describe(testCase)}");
    }

    /// <summary>The planted-bug check for the comparison itself: a wrong expectation is caught.</summary>
    [Fact]
    public void A_wrong_expectation_is_caught()
    {
        var flagCase = new FlagCase("wrong", a => a.add(Iced.Intel.AssemblerRegisters.al, 1))
            .In(FlagCase.Rax, 0xFF).Out(FlagCase.Rax, 0).FlagsAfter(Flags.ZF | Flags.AF | Flags.PF); // CF missing on purpose
        var outcome = native.Run(flagCase.ToDifferentialCase());
        Should.Throw<ShouldAssertException>(() => Check(flagCase, outcome, "host"));
    }

    internal static void Check(FlagCase flagCase, CaseOutcome outcome, string side)
    {
        outcome.Stop.ShouldBe(flagCase.Stop, $"{side}: how {flagCase.Name} stopped");
        if (flagCase.Stop != StopKind.End)
        {
            var expectedRip = flagCase.Stop == StopKind.Breakpoint ? flagCase.LastInstructionAddress + 1 : flagCase.LastInstructionAddress;
            outcome.FaultRip.ShouldBe(expectedRip, $"{side}: RIP of the fault in {flagCase.Name}");
        }
        if (flagCase.ExpectedFaultAddress is { } address)
        {
            outcome.FaultAddress.ShouldBe(address, $"{side}: CR2 of the page fault in {flagCase.Name}");
        }
        foreach (var (register, value) in flagCase.Expected)
        {
            outcome.Registers[register].ShouldBe(value, $"{side}: {OutcomeDiff.RegisterName(register)} after {flagCase.Name}");
        }
        if (flagCase.ExpectedFlags is { } flags)
        {
            Flags.Describe(outcome.Rflags & flagCase.DefinedFlags)
                .ShouldBe(Flags.Describe(flags & flagCase.DefinedFlags), $"{side}: flags ({Flags.Describe(flagCase.DefinedFlags)} compared) after {flagCase.Name}");
        }
    }
}
