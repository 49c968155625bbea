using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Checking;
using Verified.Kernel.Run;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Kernel.Tests;

/// <summary>Random x86 tasks (Userland/examples/fuzz.c) issue random syscalls on the machine; the kernel is checked after each one.</summary>
public sealed class MachineFuzzTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0xC0FFEEUL)]
    
    public void RandomTasksKeepTheKernelConsistent(ulong seed)
    {
        KernelSystem.TryBoot(EndToEndTests.Program("fuzz"), [BitConverter.GetBytes(seed)], 16 << 20, out var system, out var error).ShouldBeTrue(error);
        RefinementOn.Attach(system!.Kernel);
        var documented = Enum.GetValues<KernelError>().ToHashSet();
        var syscalls = 0;
        var faults = 0;
        var problems = new List<string>();
        system!.TimeSlice = 500;
        system.Kernel.Events += e =>
        {
            if (e is KernelEvent.Syscall s)
            {
                syscalls++;
                if (!documented.Contains(s.Status))
                {
                    problems.Add($"syscall {s.Number} returned {(long)s.Status}");
                }
            }
            else
            {
                faults++;
            }

            if (problems.Count < 5)
            {
                problems.AddRange(ConsistencyChecker.Check(system.Kernel).Select(v => $"after {e}: {v}"));
            }
        };
        var outcome = system.Run(120_000);
        output.WriteLine($"seed {seed}: {outcome}, {syscalls} syscalls, {faults} faults");
        problems.ShouldBeEmpty();
        syscalls.ShouldBeGreaterThan(500);
    }
}
