using BenchmarkDotNet.Running;

namespace Verified.Bench;

/// <summary>
/// Benchmarks and soaks (bench/README.md). A first argument naming a mode runs that mode with
/// the remaining arguments; anything else goes to BenchmarkDotNet
/// (`dotnet run -c Release --project bench/Verified.Bench -- --filter '*'`).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rest = args.Length > 0 ? args[1..] : [];
        switch (args.Length > 0 ? args[0] : "")
        {
            case "prove": return ProveBench.Run(rest);
            case "mips": return MipsMode.Run(rest);
            case "corpus-mips": return CorpusMipsMode.Run(rest);
            case "soak-differential": return SoakDifferentialMode.Run(rest);
            case "snapshot-cost": return SnapshotCostMode.Run(rest);
            case "kernel": return KernelMode.Run();
            case "soak-kernel": return KernelSoak.Run(rest);
            case "soak-x86": return MachineFuzzSoak.Run(rest);
            case "refinement": return RefinementMode.Run(rest);
            case "refinement-x86": return RefinementX86Mode.Run(rest);
            case "checkpoint": return CheckpointMode.Run(rest);
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
