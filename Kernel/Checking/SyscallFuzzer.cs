using Verified.Kernel.Abi;
using Verified.Kernel.Boot;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;

namespace Verified.Kernel.Checking;

/// <summary>
/// Random tasks issue random syscalls with random arguments (biased towards meaningful values:
/// small slot numbers, rights, object types, mapped addresses, task ids) on a CPU-less kernel with
/// a few tasks, objects and a mapping. After each call: no host exception, a documented status,
/// no consistency violation. Used by the property test (tests/Kernel.Tests) and the soak (bench).
/// </summary>
public static class SyscallFuzzer
{
    private static readonly long[] Documented = [.. Enum.GetValues<KernelError>().Select(e => (long)e)];
    private static readonly SyscallNumber[] Numbers = Enum.GetValues<SyscallNumber>();

    /// <summary>Runs 8 ints per step; returns null when every property held, else what broke.</summary>
    public static string? Run(ReadOnlySpan<int> raw, out int syscalls)
    {
        syscalls = 0;
        var k = Setup(out var tasks);
        for (var step = 0; step + 8 <= raw.Length; step += 8)
        {
            var ready = tasks.Where(t => t.IsLive && t.State == TaskState.Ready).ToList();
            if (ready.Count == 0)
            {
                break;
            }

            var task = ready[raw[step] % ready.Count];
            var pick = raw[step + 1];
            var number = pick % 50 == 0 ? (long)(pick % 1000) : (long)Numbers[pick % Numbers.Length];
            var args = new ulong[6];
            for (var i = 0; i < 6; i++)
            {
                args[i] = Argument(raw[step + 2 + i], tasks);
            }

            SyscallOutcome outcome;
            try
            {
                outcome = k.Syscall(task, number, args);
                syscalls++;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return $"step {step / 8}: syscall {number}({string.Join(", ", args)}) threw {e}";
            }

            if (!outcome.Blocked && !outcome.Restarted && task.IsLive && !Documented.Contains((long)outcome.Status))
            {
                return $"step {step / 8}: syscall {number} returned undocumented status {(long)outcome.Status}";
            }

            var violations = ConsistencyChecker.Check(k);
            if (violations.Count > 0)
            {
                return $"step {step / 8}: syscall {number}({string.Join(", ", args)}) broke: {string.Join("; ", violations)}";
            }
        }

        return null;
    }

    private static Kernel Setup(out List<TaskObject> tasks)
    {
        if (!Genesis.TryBoot(new ArrayPhysicalMemory(2 << 20), BootImage.Empty, [], 7, out var boot, out var error))
        {
            throw new InvalidOperationException($"fuzzer boot failed: {error!.Reason}");
        }

        var k = boot!.Kernel;
        var root = boot.Root;
        const ulong cnode = AbiConstants.SlotRootCNode;
        var untyped = (ulong)boot.UntypedFirstSlot + (ulong)Enumerable.Range(0, boot.UntypedCount)
            .MaxBy(i => k.Objects.Resolve(k.SlotAt(new SlotAddress(root.CSpaceRoot.Id, boot.UntypedFirstSlot + i)).Cap.Object)!.SizeBits);
        var free = (ulong)boot.FirstFreeSlot;
        tasks = [root];
        void Must(SyscallNumber n, params ulong[] a)
        {
            var o = k.Syscall(root, n, a);
            if (o.Status != KernelError.Ok)
            {
                throw new InvalidOperationException($"fuzzer setup {n} failed: {o.Status}");
            }
        }

        ulong Make(ObjectType type, ulong bits = 0)
        {
            Must(SyscallNumber.UntypedRetype, untyped, (ulong)type, bits, cnode, free, 1);
            return free++;
        }

        for (var i = 0; i < 3; i++)
        {
            var t = Make(ObjectType.Task);
            Must(SyscallNumber.TaskConfigure, t, cnode, AbiConstants.NoCap, (ulong)(100 + i), AbiConstants.NoCap);
            Must(SyscallNumber.TaskResume, t);
            tasks.Add(k.Objects.Resolve<TaskObject>(k.SlotAt(new SlotAddress(root.CSpaceRoot.Id, (int)t)).Cap.Object)!);
        }

        Make(ObjectType.Endpoint);
        Make(ObjectType.Notification);
        var frame = Make(ObjectType.Frame);
        Must(SyscallNumber.FrameMap, frame, AbiConstants.SlotRootTask, 0x4000_0000, 3, untyped);
        Make(ObjectType.GrantTable, 1);
        Make(ObjectType.Untyped, 14);
        return k;
    }

    private static ulong Argument(int v, List<TaskObject> tasks) => (v % 9) switch
    {
        0 or 1 => (ulong)(v / 9 % 40),                                   // a slot: boot ones, made ones, free ones
        2 => AbiConstants.NoCap,
        3 => (ulong)(v / 9 % 9),                                         // rights, object types, small sizes
        4 => 0x4000_0000UL + ((ulong)(v / 9 % 3) * 4096) + (ulong)(v / 27 % 64), // near the mapped page
        5 => tasks[v / 9 % tasks.Count].Ref.Packed,
        6 => unchecked((ulong)v * 0x9E37_79B9_7F4A_7C15),                // anything
        7 => (ulong)(v / 9 % 300),
        _ => 0xFFFF_FFFF | ((ulong)(v / 9 % 40) << 32),                  // a transfer argument with a reply slot
    };
}
