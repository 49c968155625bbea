using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Kernel.Boot;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;
using Verified.Kernel.Run;

namespace Verified.Bench;

/// <summary>Systems the kernel benchmarks start from.</summary>
internal static class KernelFixtures
{
    public static byte[] Program(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "userland", name + ".elf"));

    /// <summary>The eighttasks example booted and settled: 8 live tasks, the root waiting.</summary>
    public static KernelSystem EightTasks()
    {
        if (!KernelSystem.TryBoot(Program("eighttasks"), [], 32 << 20, out var system, out var error))
        {
            throw new InvalidOperationException(error);
        }

        system!.Run(100_000_000);
        if (system.Kernel.Tasks.Count() != 8)
        {
            throw new InvalidOperationException("eighttasks did not settle with 8 tasks");
        }

        return system;
    }

    /// <summary>A CPU-less kernel with a client and a server task sharing an endpoint (C# API round trips).</summary>
    public static (Kernel.Kernel Kernel, TaskObject Client, TaskObject Server, ulong Ep) ClientServer()
    {
        if (!Genesis.TryBoot(new ArrayPhysicalMemory(4 << 20), BootImage.Empty, [], 8, out var boot, out var error))
        {
            throw new InvalidOperationException(error!.Reason);
        }

        var k = boot!.Kernel;
        var root = boot.Root;
        var untyped = (ulong)boot.UntypedFirstSlot + (ulong)Enumerable.Range(0, boot.UntypedCount)
            .MaxBy(i => k.Objects.Resolve(k.SlotAt(new SlotAddress(root.CSpaceRoot.Id, boot.UntypedFirstSlot + i)).Cap.Object)!.SizeBits);
        var free = (ulong)boot.FirstFreeSlot;
        k.Syscall(root, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Endpoint, 0, AbiConstants.SlotRootCNode, free, 1);
        k.Syscall(root, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Task, 0, AbiConstants.SlotRootCNode, free + 1, 1);
        k.Syscall(root, SyscallNumber.TaskConfigure, free + 1, AbiConstants.SlotRootCNode, AbiConstants.NoCap, 200, AbiConstants.NoCap);
        k.Syscall(root, SyscallNumber.TaskResume, free + 1);
        var server = k.Objects.Resolve<TaskObject>(k.SlotAt(new SlotAddress(root.CSpaceRoot.Id, (int)free + 1)).Cap.Object)!;
        k.Syscall(server, SyscallNumber.Recv, free, AbiConstants.NoCap);
        return (k, root, server, free);
    }

    /// <summary>One call+reply round trip through the C# API (client Call, server ReplyRecv); returns the reply word.</summary>
    public static ulong RoundTrip(Kernel.Kernel k, TaskObject client, TaskObject server, ulong ep, ulong word)
    {
        k.Syscall(client, SyscallNumber.Call, ep, 0xFFFF_FFFF, word, 0, 0, 0);
        k.Syscall(server, SyscallNumber.ReplyRecv, ep, AbiConstants.NoCap, server.Registers[TaskObject.Rsi] + 1, 0, 0, 0);
        return client.Registers[TaskObject.Rsi];
    }
}
