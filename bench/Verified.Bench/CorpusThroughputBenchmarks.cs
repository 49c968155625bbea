using BenchmarkDotNet.Attributes;
using Verified.Machine.Tests.Infrastructure;

namespace Verified.Bench;

/// <summary>
/// BenchmarkDotNet view of the emulator on three corpus programs at -O2 (a loop-heavy one, a
/// call-heavy one, an interpreter): `dotnet run -c Release --project bench/Verified.Bench --
/// --filter '*CorpusThroughput*'`. corpus-mips gives the full-corpus MIPS and qemu figures.
/// </summary>
[MemoryDiagnoser]
public class CorpusThroughputBenchmarks
{
    private string executable = "";

    [Params("sort", "recursion", "interp")]
    public string Program { get; set; } = "sort";

    [GlobalSetup]
    public void Build() => executable = Corpus.Build(GccBuilder.Shared, Program, "O2");

    [Benchmark]
    public long Emulate() => EmulatedProgram.Run(executable, ["4"]).Instructions;
}
