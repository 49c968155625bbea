using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Verified.Kernel.Abi;
using Verified.Kernel.Boot;
using Verified.Kernel.Checkpoints;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;

namespace Verified.Bench;

/// <summary>
/// `checkpoint [--pages N] [--caps M] [--rounds R]`: the cost of migrating one task with N mapped
/// pages and M capabilities (badged endpoint capabilities in its own CNode): capture, JSON
/// serialisation (and its size), parsing, and restore into a second kernel (CPU-less kernels).
/// </summary>
internal static class CheckpointMode
{
    private const ulong Root = AbiConstants.SlotRootCNode;

    public static int Run(string[] args)
    {
        var pages = 256;
        var caps = 256;
        var rounds = 5;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--pages": pages = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--caps": caps = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        if (pages is < 1 or > 8000 || caps is < 1 or > 4000 || rounds < 1)
        {
            Console.Error.WriteLine("--pages in [1, 8000], --caps in [1, 4000], --rounds ≥ 1");
            return 2;
        }

        var memory = ((ulong)pages * 4096 * 2) + (32UL << 20);
        var (source, task) = Source(memory, pages, caps);
        double capture = 0, serialise = 0, parse = 0, restore = 0;
        var size = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var cpuAtWarm = cpuBefore;
        for (var r = 0; r <= rounds; r++)
        {
            var (target, ep, untyped, holder) = Target(memory);
            var sw = Stopwatch.StartNew();
            if (!TaskCapture.TryCapture(source.Kernel, task, out var c, out var failure))
            {
                Console.Error.WriteLine(failure);
                return 1;
            }

            var t1 = sw.Elapsed.TotalMilliseconds;
            var json = CheckpointJson.Serialize(c!);
            var t2 = sw.Elapsed.TotalMilliseconds;
            if (!CheckpointJson.TryParse(json, out var read, out failure))
            {
                Console.Error.WriteLine(failure);
                return 1;
            }

            var t3 = sw.Elapsed.TotalMilliseconds;
            var request = new RestoreRequest(untyped, Root, holder, read!.References.ToImmutableSortedDictionary(x => x.Id, _ => ep));
            if (!target.Kernel.TryRestoreTask(target.Root, read, request, out _, out failure))
            {
                Console.Error.WriteLine(failure);
                return 1;
            }

            var t4 = sw.Elapsed.TotalMilliseconds;
            if (r == 0)
            {
                cpuAtWarm = Process.GetCurrentProcess().TotalProcessorTime;
                continue; // warm-up (JIT)
            }

            capture += t1;
            serialise += t2 - t1;
            parse += t3 - t2;
            restore += t4 - t3;
            size = Encoding.UTF8.GetByteCount(json);
        }

        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtWarm).TotalMilliseconds / rounds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"checkpoint of a task with {pages} mapped pages and {caps} capabilities (mean of {rounds}, wall): capture {capture / rounds:F2} ms, "
            + $"JSON write {serialise / rounds:F2} ms, {size} bytes ({size / 1024.0 / pages:F2} KiB per page), JSON read {parse / rounds:F2} ms, restore {restore / rounds:F2} ms; "
            + $"process CPU per round (setting up the target kernel included) {cpu:F1} ms"));
        return 0;
    }

    private static (BootResult Boot, TaskObject Task) Source(ulong memory, int pages, int caps)
    {
        var boot = Boot(memory);
        var k = boot.Kernel;
        var untyped = LargestUntyped(boot);
        var free = (ulong)boot.FirstFreeSlot;
        var radix = Math.Max(1, (int)Math.Ceiling(Math.Log2(caps + 1)));
        Ok(boot, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Endpoint, 0, Root, free, 1);
        Ok(boot, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.CNode, (ulong)radix, Root, free + 1, 1);
        Ok(boot, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Task, 0, Root, free + 2, 1);
        for (var i = 1; i <= caps; i++)
        {
            Ok(boot, SyscallNumber.CNodeMint, Root, free, free + 1, (ulong)i, (ulong)Rights.Write, (ulong)i);
        }

        var first = free + 3;
        Ok(boot, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Frame, 0, Root, first, (ulong)Math.Min(pages, AbiConstants.MaxRetypeCount));
        for (var done = AbiConstants.MaxRetypeCount; done < pages; done += AbiConstants.MaxRetypeCount)
        {
            Ok(boot, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Frame, 0, Root, first + (ulong)done, (ulong)Math.Min(pages - done, AbiConstants.MaxRetypeCount));
        }

        var random = new Random(1);
        var bytes = new byte[4096];
        for (var i = 0; i < pages; i++)
        {
            Ok(boot, SyscallNumber.FrameMap, first + (ulong)i, free + 2, 0x40_0000 + ((ulong)i * 4096), (ulong)(Rights.Read | Rights.Write), untyped);
            random.NextBytes(bytes.AsSpan(0, 512)); // partly random, partly zero, as real pages are
            var frame = k.Objects.Resolve<FrameObject>(k.SlotAt(new SlotAddress(boot.Root.CSpaceRoot.Id, (int)first + i)).Cap.Object)!;
            k.Memory.Write(frame.Paddr, bytes);
        }

        Ok(boot, SyscallNumber.TaskConfigure, free + 2, free + 1, AbiConstants.NoCap, 100, AbiConstants.NoCap);
        Ok(boot, SyscallNumber.TaskResume, free + 2);
        return (boot, k.Objects.Resolve<TaskObject>(k.SlotAt(new SlotAddress(boot.Root.CSpaceRoot.Id, (int)free + 2)).Cap.Object)!);
    }

    private static (BootResult Boot, ulong Ep, ulong Untyped, int Holder) Target(ulong memory)
    {
        var boot = Boot(memory);
        var free = (ulong)boot.FirstFreeSlot;
        var untyped = LargestUntyped(boot);
        Ok(boot, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Notification, 0, Root, free, 1);
        Ok(boot, SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Endpoint, 0, Root, free + 1, 1);
        return (boot, free + 1, untyped, (int)free + 2);
    }

    private static BootResult Boot(ulong memory)
    {
        if (!Genesis.TryBoot(new ArrayPhysicalMemory(memory), BootImage.Empty, [], 14, out var boot, out var error))
        {
            throw new InvalidOperationException(error!.Reason);
        }

        return boot!;
    }

    private static ulong LargestUntyped(BootResult boot) =>
        (ulong)boot.UntypedFirstSlot + (ulong)Enumerable.Range(0, boot.UntypedCount)
            .MaxBy(i => boot.Kernel.Objects.Resolve(boot.Kernel.SlotAt(new SlotAddress(boot.Root.CSpaceRoot.Id, boot.UntypedFirstSlot + i)).Cap.Object)!.SizeBits);

    private static void Ok(BootResult boot, SyscallNumber n, params ulong[] args)
    {
        var outcome = boot.Kernel.Syscall(boot.Root, n, args);
        if (outcome.Status != KernelError.Ok)
        {
            throw new InvalidOperationException($"{n}({string.Join(", ", args)}) failed: {outcome.Status}");
        }
    }
}
