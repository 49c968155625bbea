using BenchmarkDotNet.Running;

namespace Verified.Bench;

/// <summary>
/// Benchmarks and soaks. `dotnet run -c Release --project bench/Verified.Bench -- --filter '*'`
/// runs the BenchmarkDotNet suites; named soaks take their own first argument (see bench/README.md).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "prove")
        {
            return ProveBench.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "mips")
        {
            return MipsMode.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "refinement")
        {
            return RefinementMode.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "kernel")
        {
            return KernelMode.Run();
        }

        if (args.Length > 0 && args[0] == "soak-kernel")
        {
            return KernelSoak.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "corpus-mips")
        {
            return CorpusMipsMode.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "soak-differential")
        {
            return SoakDifferentialMode.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "snapshot-cost")
        {
            return SnapshotCostMode.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
