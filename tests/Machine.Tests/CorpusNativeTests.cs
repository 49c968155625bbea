using Shouldly;
using Verified.Machine.Tests.Infrastructure;
using Xunit;

namespace Verified.Machine.Tests;

/// <summary>
/// The corpus itself must be a fair judge: enough programs, each deterministic and free of
/// optimisation-dependent behaviour, so any difference under the emulator is the emulator's.
/// </summary>
public sealed class CorpusNativeTests
{
    public static TheoryData<string> Programs() => [.. Corpus.Programs];

    [Fact]
    public void The_corpus_has_at_least_twelve_programs() => Corpus.Programs.Count.ShouldBeGreaterThanOrEqualTo(12);

    [Theory]
    [MemberData(nameof(Programs))]
    public void A_program_behaves_the_same_at_every_optimisation_level(string program)
    {
        var results = Corpus.Levels.Select(level => Corpus.RunNative(Corpus.Build(GccBuilder.Shared, program, level), [])).ToList();
        results[0].Output.Length.ShouldBeGreaterThan(0);
        results[1].ShouldBe(results[0], $"{program} at -O2 differs from -O0");
        results[2].ShouldBe(results[0], $"{program} at -O3 differs from -O0");
    }
}
