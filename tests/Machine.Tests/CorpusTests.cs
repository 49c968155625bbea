using Shouldly;
using Verified.Machine.Linux;
using Verified.Machine.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Machine.Tests;

/// <summary>
/// Every corpus program at -O0, -O2 and -O3 must print byte-identical output and exit with the
/// same status under the emulator as on the host.
/// </summary>
public sealed class CorpusTests(CorpusBuild corpus, ITestOutputHelper output) : IClassFixture<CorpusBuild>
{
    public static TheoryData<string, string> Runs()
    {
        var data = new TheoryData<string, string>();
        foreach (var program in Corpus.Programs)
        {
            foreach (var level in Corpus.Levels)
            {
                data.Add(program, level);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void A_program_behaves_under_the_emulator_as_on_the_host(string program, string level)
    {
        var executable = corpus.Executable(program, level);
        var native = Corpus.RunNative(executable, []);
        var emulated = EmulatedProgram.Run(executable, []);
        output.WriteLine($"{program} -{level}: {emulated.Instructions} instructions in {emulated.Elapsed.TotalMilliseconds:F0} ms");
        emulated.Outcome.ShouldBeOfType<BareOutcome.Exited>($"{program} -{level} did not exit: {emulated.Outcome}");
        emulated.Result.ExitCode.ShouldBe(native.ExitCode, $"{program} -{level}: exit status");
        emulated.Result.OutputText.ShouldBe(native.OutputText, $"{program} -{level}: standard output");
        emulated.Result.ShouldBe(native, $"{program} -{level}: output bytes");
    }

    [Fact]
    public void A_different_output_is_caught()
    {
        var executable = corpus.Executable("format", "O2");
        var native = Corpus.RunNative(executable, []);
        var changed = native.Output.ToArray();
        changed[^2] ^= 1;
        (native with { Output = changed }).ShouldNotBe(native);
        (native with { ExitCode = native.ExitCode + 1 }).ShouldNotBe(native);
    }

    [Fact]
    public void The_scale_argument_reaches_the_program_under_the_emulator()
    {
        var executable = corpus.Executable("sieve", "O2");
        var native = Corpus.RunNative(executable, ["3"]);
        var emulated = EmulatedProgram.Run(executable, ["3"]);
        emulated.Result.ShouldBe(native);
        native.OutputText.ShouldContain("limit 60000");
    }
}
