using System.Diagnostics;
using Shouldly;
using Verified.Machine.Tests.Infrastructure;
using Verified.Machine.Tests.Infrastructure.Generation;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Machine.Tests;

/// <summary>
/// Random instruction sequences run on the host CPU and on the emulator must end in the same
/// registers, defined flags and memory — and, for sequences that end in a faulting instruction,
/// stop the same way at the same RIP with nothing of the faulting instruction done.
/// </summary>
public sealed class DifferentialTests(SharedNativeHarness native, ITestOutputHelper output) : IClassFixture<SharedNativeHarness>
{
    /// <summary>Sequences per test run; the soak (bench: soak-differential) runs many more.</summary>
    public const int Sequences = 12_000;
    public const int FaultingSequences = 2_000;

    [Fact]
    public void Random_sequences_match_the_host() => RunAndCompare(seed: 20261121, Sequences, faulting: false);

    [Fact]
    public void Random_sequences_that_fault_stop_precisely_like_the_host() => RunAndCompare(seed: 777, FaultingSequences, faulting: true);

    private void RunAndCompare(int seed, int count, bool faulting)
    {
        var clock = Stopwatch.StartNew();
        var report = DifferentialRun.Execute(native.Run, new EmulatorHarness(), seed, count, faulting, out var instructions);
        output.WriteLine($"{count} sequences, {instructions} emulated instructions, {clock.Elapsed.TotalSeconds:F1} s");
        report.ShouldBeNull();
    }

    [Fact]
    public void The_comparison_catches_a_wrong_register_a_wrong_flag_and_a_wrong_store()
    {
        var testCase = new SequenceGenerator(5).Next(10);
        var outcome = native.Run(testCase);
        OutcomeDiff.Compare(testCase, outcome, outcome).ShouldBeNull();

        var registers = outcome.Registers.SetItem(3, outcome.Registers[3] ^ 1);
        OutcomeDiff.Compare(testCase, outcome, outcome with { Registers = registers }).ShouldNotBeNull().ShouldContain("rbx");

        var definedFlag = Flags.Arithmetic & testCase.ComparedFlags & (0UL - (Flags.Arithmetic & testCase.ComparedFlags));
        OutcomeDiff.Compare(testCase, outcome, outcome with { Rflags = outcome.Rflags ^ definedFlag }).ShouldNotBeNull().ShouldContain("flags");
        OutcomeDiff.Compare(testCase, outcome, outcome with { Rflags = outcome.Rflags ^ Flags.DF }).ShouldNotBeNull();

        OutcomeDiff.Compare(testCase, outcome, outcome with { ChangedWords = outcome.ChangedWords.SetItem(4096, 42) }).ShouldNotBeNull().ShouldContain("memory");
        OutcomeDiff.Compare(testCase, outcome, outcome with { Stop = StopKind.DivideError, FaultRip = 1 }).ShouldNotBeNull().ShouldContain("stop");
        var pageFault = outcome with { Stop = StopKind.PageFault, FaultRip = 5, FaultAddress = 0x1000 };
        OutcomeDiff.Compare(testCase, pageFault, pageFault with { FaultAddress = 0x1008 }).ShouldNotBeNull().ShouldContain("CR2");
        OutcomeDiff.Compare(testCase, pageFault, pageFault with { FaultRip = 6 }).ShouldNotBeNull().ShouldContain("fault rip");
    }

    [Fact]
    public void A_flag_the_architecture_leaves_undefined_is_not_compared()
    {
        var generator = new SequenceGenerator(11);
        var testCase = Enumerable.Range(0, 1000).Select(_ => generator.Next(12)).First(c => (c.ComparedFlags & Flags.Arithmetic) != Flags.Arithmetic);
        var outcome = native.Run(testCase);
        var undefined = Flags.Arithmetic & ~testCase.ComparedFlags;
        OutcomeDiff.Compare(testCase, outcome, outcome with { Rflags = outcome.Rflags ^ undefined }).ShouldBeNull();
    }
}
