using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Checking;
using Verified.Kernel.Checkpoints;
using Verified.Kernel.Objects;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;
using KernelImpl = Verified.Kernel.Kernel;

namespace Verified.Refinement.Tests;

/// <summary>
/// The touch log's soundness outside the syscalls: the run loop's faults (<c>Kernel.RaiseFault</c>,
/// which cancels the task's IPC and runs the deletions when it has no fault endpoint, and sends a
/// fault message when it has one) and the checkpoint restore of a task (<c>TryRestoreTask</c>)
/// write objects and slots the abstraction reads. Random sequences mix the workload's syscalls
/// with faults of ready tasks and restores; after every step each table index whose instance or
/// read fields changed must be in the log, and each slot whose capability, depth or next slot
/// changed (in an object that is the same instance) must be too. A log cut during the faults, or
/// during the restores, as a kernel whose writes there skip it, fails the comparison.
/// </summary>
public sealed class TouchLogFaultRestoreTests(ITestOutputHelper output)
{
    private const ulong Root = AbiConstants.SlotRootCNode;
    private const ulong NoCap = AbiConstants.NoCap;

    /// <summary>Where the kernel's log is cut (a planted kernel whose writes there skip it).</summary>
    public enum Cut
    {
        None,
        StoppingFaults, // faults of tasks with no fault endpoint: the IPC cancelled, the deletions run
        HandledFaults, // faults sent to the task's fault endpoint
        Restores,
    }

    [Fact]
    public void Every_write_of_faults_and_restores_is_in_the_touch_log()
    {
        var run = Run(Cut.None, sequences: 10);
        output.WriteLine($"{run.Steps} steps ({run.Faults} faults, {run.Handled} of them sent to a fault endpoint; {run.Restores} restores): {run.Changes} object and slot changes");
        run.Unlogged.ShouldBeEmpty();
        run.Faults.ShouldBeGreaterThan(40, "the sequences fault ready tasks");
        run.Handled.ShouldBeGreaterThan(10, "some faults go to a fault endpoint");
        (run.Faults - run.Handled).ShouldBeGreaterThan(10, "some faults stop the task");
        run.Restores.ShouldBeGreaterThan(10, "the sequences restore tasks");
        run.Changes.ShouldBeGreaterThan(300);
    }

    [Theory]
    [InlineData(Cut.StoppingFaults, "in a fault of task", "Inactive")]
    [InlineData(Cut.HandledFaults, "in a fault of task", "Blocked")]
    [InlineData(Cut.Restores, "in a restore", "slot")]
    public void A_path_whose_writes_skip_the_log_fails_the_comparison(Cut cut, string where, string what)
    {
        // The kernel's log cut around one path only (as a kernel whose writes there skip the log):
        // the comparison reports the objects and slots that path changed, and nothing else.
        var run = Run(cut, sequences: 4);
        output.WriteLine(string.Join(Environment.NewLine, run.Unlogged.Take(5)));
        run.Unlogged.ShouldNotBeEmpty();
        run.Unlogged.ShouldAllBe(u => u.StartsWith(where, StringComparison.Ordinal));
        run.Unlogged.ShouldContain(u => u.Contains(what, StringComparison.Ordinal));
        run.Unlogged.ShouldContain(u => u.Contains(": object ", StringComparison.Ordinal));
    }

    // Random sequences of workload actions, faults of ready tasks (some with a fault endpoint) and
    // restores of a task captured at the start; every step compared with the log.
    private sealed record Outcome(int Steps, int Faults, int Handled, int Restores, int Changes, List<string> Unlogged);

    private static Outcome Run(Cut cut, int sequences)
    {
        var r = new Random(23);
        int steps = 0, faults = 0, handled = 0, restores = 0, changes = 0;
        var unlogged = new List<string>();
        for (var i = 0; i < sequences; i++)
        {
            var w = new Workload(null, check: false, 0, null, timings: false, padding: i % 2 == 0 ? 0 : 10);
            var source = new RestoreSource(w);
            var log = new TouchLog("test");
            TouchLog.Join(w.Kernel, log);
            var kinds = Workload.AllKinds;
            for (var s = 0; s < 40; s++)
            {
                var before = Read(w.Kernel);
                log.Clear();
                var pick = r.Next(10);
                string what;
                var ready = w.Tasks.Concat(source.Restored).Where(t => t.IsLive && t.State == TaskState.Ready).ToList();
                if (pick < 4 && ready.Count > 0)
                {
                    // As the run loop does on a guest fault of the running task: a workload task
                    // mostly without a fault endpoint (its IPC cancelled, its deletions run), a
                    // restored one with the endpoint it was saved with (a fault message sent).
                    var victim = ready[r.Next(ready.Count)];
                    what = $"in a fault of task {victim.Id}";
                    if (r.Next(4) == 0) Configure(w, victim, faultEndpoint: true);
                    before = Read(w.Kernel);
                    log.Clear();
                    var toEndpoint = w.Kernel.Objects.Resolve(victim.FaultEndpoint) is EndpointObject;
                    if (toEndpoint) handled++;
                    Cutting(w.Kernel, log, cut == (toEndpoint ? Cut.HandledFaults : Cut.StoppingFaults), () =>
                        w.Kernel.RaiseFault(victim, r.Next(2) == 0 ? FaultKind.PageFault : FaultKind.GeneralProtection, (ulong)r.Next(1 << 20), (ulong)r.Next(8)));
                    faults++;
                }
                else if (pick < 5)
                {
                    what = "in a restore";
                    var ok = false;
                    Cutting(w.Kernel, log, cut == Cut.Restores, () => ok = source.Restore());
                    if (ok) restores++;
                }
                else
                {
                    var a = new WorkAction(kinds[r.Next(kinds.Length)], r.Next(3), r.Next(20), r.Next(20), r.Next(8), r.Next(4));
                    what = $"in {a}";
                    w.Step(a);
                }

                changes += Compare(before, Read(w.Kernel), log, what, unlogged);
                steps++;
            }
        }

        return new Outcome(steps, faults, handled, restores, changes, unlogged);
    }

    // The step with the kernel's log cut (a kernel whose writes there skip the log), or as it is.
    private static void Cutting(KernelImpl kernel, TouchLog log, bool cut, Action step)
    {
        if (!cut)
        {
            step();
            return;
        }

        TouchLog.Leave(kernel, log);
        try
        {
            step();
        }
        finally
        {
            TouchLog.Join(kernel, log);
        }
    }

    // A task given the first endpoint as its fault endpoint (the fault then sends a fault message), or none.
    private static void Configure(Workload w, TaskObject task, bool faultEndpoint)
    {
        var root = w.Booted.Root;
        if (root.State != TaskState.Ready || !ReferenceEquals(w.Kernel.Objects.Resolve(root.Ref), root) || RootSlotOf(w.Kernel, root, task) is not { } slot) return; // the root may have exited or be blocked
        var first = (ulong)w.Booted.FirstFreeSlot;
        w.Kernel.Syscall(root, (long)SyscallNumber.TaskConfigure, [slot, Root, faultEndpoint ? first + 3 : NoCap, 100, NoCap, 0]);
    }

    private static ulong? RootSlotOf(KernelImpl k, TaskObject root, KernelObject o)
    {
        var cnode = k.Objects.Resolve<CNodeObject>(root.CSpaceRoot)!;
        for (var i = 0; i < cnode.View.Length; i++)
            if (cnode.View[i].Cap.Object == o.Ref) return (ulong)i;
        return null;
    }

    // Per table index, what the abstraction reads of it, and per slot of each CNode and task (by
    // the object instance) what the derivation-list walk reads: the capability, depth and next slot.
    private sealed record State(List<string> Objects, Dictionary<(object Instance, int Index), (SlotAddress Address, string Contents)> Slots);

    private static State Read(KernelImpl k)
    {
        var t = k.Objects;
        var objects = new List<string>(t.Capacity);
        var slots = new Dictionary<(object, int), (SlotAddress, string)>(ReferencePairComparer.Instance);
        for (var id = 0; id < t.Capacity; id++)
        {
            var o = t[id];
            var text = $"{t.GenerationAt(id)} {(o is null ? "none" : RuntimeHelpers.GetHashCode(o).ToString(CultureInfo.InvariantCulture))}";
            if (o is not null) text += $" {o.IsLive} {o.Type} {o.Generation} {o.Paddr} {o.SizeBits} {o.ParentUntyped}";
            text += o switch
            {
                UntypedObject u => $" {u.Watermark}",
                TaskObject task => $" {task.State} {task.FaultEndpoint} {task.GrantTable}",
                GrantTableObject g => $" {g.Owner} {string.Join(",", g.View.ToArray())}",
                _ => "",
            };
            objects.Add(text);
            var count = o switch
            {
                CNodeObject c => c.View.Length,
                TaskObject => 1,
                _ => 0,
            };
            for (var i = 0; i < count; i++)
            {
                var a = new SlotAddress(id, i);
                var s = k.SlotAt(a);
                slots[(o!, i)] = (a, $"{s.Cap} {s.Depth} {s.Next}");
            }
        }

        return new State(objects, slots);
    }

    // Every changed index and slot must be in the log: those that are not go to unlogged; returns how many changed.
    private static int Compare(State before, State now, TouchLog log, string what, List<string> unlogged)
    {
        var changed = 0;
        for (var id = 0; id < Math.Max(now.Objects.Count, before.Objects.Count); id++)
        {
            if (id < now.Objects.Count && id < before.Objects.Count && now.Objects[id] == before.Objects[id]) continue;
            changed++;
            if (!log.Objects.Contains(id)) unlogged.Add($"{what}: object {id} changed ({(id < before.Objects.Count ? before.Objects[id] : "none")} -> {(id < now.Objects.Count ? now.Objects[id] : "none")}) without being logged");
        }

        foreach (var (key, (address, contents)) in now.Slots)
        {
            // A slot of another instance (a CNode or task made in the step) is covered by its index's log.
            if (!before.Slots.TryGetValue(key, out var was) || was.Contents == contents) continue;
            changed++;
            if (!log.Slots.Contains(address)) unlogged.Add($"{what}: slot {address} changed ({was.Contents} -> {contents}) without being logged");
        }

        return changed;
    }

    private sealed class ReferencePairComparer : IEqualityComparer<(object Instance, int Index)>
    {
        public static readonly ReferencePairComparer Instance = new();

        public bool Equals((object Instance, int Index) x, (object Instance, int Index) y) => ReferenceEquals(x.Instance, y.Instance) && x.Index == y.Index;

        public int GetHashCode((object Instance, int Index) obj) => HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Instance), obj.Index);
    }

    /// <summary>
    /// A small task (a CNode of four slots holding a copy of the workload's first endpoint, which is also its fault endpoint) made
    /// and captured at the start, restored into the same kernel on behalf of the root task: out of
    /// the workload's window, each restore into holder slots of its own CNode, the untyped the
    /// largest one, the endpoint bound to a copy kept out of the window too.
    /// </summary>
    private sealed class RestoreSource
    {
        private readonly Workload w;
        private readonly TaskCheckpoint checkpoint;
        private readonly RestoreRequest request;
        private readonly int holderSlots;
        private int next;

        /// <summary>The tasks restored so far (each started, with the first endpoint as its fault endpoint).</summary>
        public List<TaskObject> Restored { get; } = [];

        public RestoreSource(Workload w)
        {
            this.w = w;
            var k = w.Kernel;
            var root = w.Booted.Root;
            var cnode = k.Objects.Resolve<CNodeObject>(root.CSpaceRoot)!;
            var free = Enumerable.Range(w.Booted.FirstFreeSlot + Workload.Window, cnode.View.Length - w.Booted.FirstFreeSlot - Workload.Window)
                .Where(i => cnode.View[i].Cap.IsNull).Take(4).Select(i => (ulong)i).ToArray();
            free.Length.ShouldBe(4, "the root CNode has room beyond the workload's window");
            var (taskSlot, cspaceSlot, holderSlot, endpointCopy) = (free[0], free[1], free[2], free[3]);
            var untyped = (ulong)Enumerable.Range(0, cnode.View.Length)
                .Where(i => k.Objects.Resolve(cnode.View[i].Cap.Object) is UntypedObject)
                .MaxBy(i => k.Objects.Resolve(cnode.View[i].Cap.Object)!.SizeBits);
            var first = (ulong)w.Booted.FirstFreeSlot;
            Ok(SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Task, 0, Root, taskSlot, 1);
            Ok(SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.CNode, 2, Root, cspaceSlot, 1);
            Ok(SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.CNode, 6, Root, holderSlot, 1);
            Ok(SyscallNumber.CNodeCopy, Root, first + 3, Root, endpointCopy, (ulong)Rights.All);
            Ok(SyscallNumber.CNodeCopy, Root, first + 3, cspaceSlot, 1, (ulong)Rights.Write);
            Ok(SyscallNumber.TaskConfigure, taskSlot, cspaceSlot, endpointCopy, 50, NoCap);
            var task = k.Objects.Resolve<TaskObject>(cnode.View[(int)taskSlot].Cap.Object)!;
            TaskCapture.TryCapture(k, task, out var c, out var failure).ShouldBeTrue(failure?.ToString());
            checkpoint = c!;
            holderSlots = 4;
            request = new RestoreRequest(untyped, holderSlot, 0, checkpoint.References.ToImmutableSortedDictionary(x => x.Id, x => x.Type switch
            {
                ObjectType.Endpoint => endpointCopy,
                _ => throw new InvalidOperationException($"the restore source binds no {x.Type}"),
            }));
        }

        /// <summary>Restores the task once more (false: refused, as when the workload's actions revoked the untyped, or not tried: the root task is gone).</summary>
        public bool Restore()
        {
            var at = next;
            next += holderSlots;
            var root = w.Booted.Root;
            if (at + holderSlots > 64 || !root.IsLive || !ReferenceEquals(w.Kernel.Objects.Resolve(root.Ref), root)) return false; // the root may have exited
            if (!w.Kernel.TryRestoreTask(w.Booted.Root, checkpoint, request with { HolderFirstSlot = at }, out var restored, out _)) return false;
            Restored.Add(restored!.Task);
            return true;
        }

        private void Ok(SyscallNumber n, params ulong[] args) =>
            w.Kernel.Syscall(w.Booted.Root, (long)n, args).Status.ShouldBe(KernelError.Ok, $"{n}({string.Join(", ", args)})");
    }
}
