using BenchmarkDotNet.Attributes;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Kernel.Run;

namespace Verified.Bench;

/// <summary>BenchmarkDotNet suite of the kernel: C# API round trip, null syscall, 8-task snapshot+restore.</summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private Kernel.Kernel kernel = null!;
    private TaskObject client = null!;
    private TaskObject server = null!;
    private ulong ep;
    private KernelSystem eight = null!;

    [GlobalSetup]
    public void Setup()
    {
        (kernel, client, server, ep) = KernelFixtures.ClientServer();
        eight = KernelFixtures.EightTasks();
    }

    [Benchmark]
    public ulong CallReplyRoundTrip() => KernelFixtures.RoundTrip(kernel, client, server, ep, 1);

    [Benchmark]
    public SyscallOutcome NullSyscall() => kernel.Syscall(client, SyscallNumber.Null);

    [Benchmark]
    public void SnapshotRestoreEightTasks() => eight.Restore(eight.Snapshot());
}
