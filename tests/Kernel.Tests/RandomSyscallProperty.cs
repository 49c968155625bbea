using FsCheck;
using FsCheck.Fluent;
using Verified.Kernel.Abi;
using Verified.Kernel.Checking;
using Verified.Kernel.Objects;

namespace Verified.Kernel.Tests;

/// <summary>
/// Random tasks issue random syscalls with random arguments (biased towards meaningful values:
/// small slot numbers, rights, object types, mapped addresses, task ids) on a kernel with a few
/// tasks, objects and mappings. Properties: no host exception, every status is a documented
/// error (or 0), the consistency checker finds nothing after every step.
/// </summary>
internal static class RandomSyscallProperty
{
    private static readonly long[] Documented = [.. Enum.GetValues<KernelError>().Select(e => (long)e)];
    private static readonly SyscallNumber[] Numbers = Enum.GetValues<SyscallNumber>();

    /// <summary>A run: 8 ints per step.</summary>
    public static Gen<int[]> Steps(int maxSteps) =>
        Gen.Choose(1, maxSteps).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, int.MaxValue), n * 8));

    /// <summary>Runs the steps; returns null when every property held, else what broke.</summary>
    public static string? Run(int[] raw, out int syscalls)
    {
        syscalls = 0;
        var s = new TestSystem(memoryBytes: 2 << 20, cnodeBits: 7);
        var tasks = new List<TaskObject> { s.RootTask };
        for (var i = 0; i < 3; i++)
        {
            tasks.Add(s.MakeTask(priority: 100 + i).Task);
        }

        s.Make(ObjectType.Endpoint);
        s.Make(ObjectType.Notification);
        var frame = s.Make(ObjectType.Frame);
        s.Ok(SyscallNumber.FrameMap, frame, AbiConstants.SlotRootTask, 0x4000_0000, 3, s.Untyped);
        s.Make(ObjectType.GrantTable, 1);
        s.Make(ObjectType.Untyped, 14);

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
                outcome = s.Kernel.Syscall(task, number, args);
                syscalls++;
            }
            catch (Exception e)
            {
                return $"step {step / 8}: syscall {number}({string.Join(", ", args)}) threw {e}";
            }

            if (!outcome.Blocked && !outcome.Restarted && task.IsLive && !Documented.Contains((long)outcome.Status))
            {
                return $"step {step / 8}: syscall {number} returned undocumented status {(long)outcome.Status}";
            }

            var violations = ConsistencyChecker.Check(s.Kernel);
            if (violations.Count > 0)
            {
                return $"step {step / 8}: syscall {number}({string.Join(", ", args)}) broke: {string.Join("; ", violations)}";
            }
        }

        return null;
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
        _ => 0xFFFF_FFFF | ((ulong)(v / 9 % 24) << 32),                  // a transfer argument with a reply slot
    };
}
