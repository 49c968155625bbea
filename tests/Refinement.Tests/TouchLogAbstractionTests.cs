using Shouldly;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// The abstraction read by the kernel's touch log (CapMirror): after the first read each read
/// re-reads only the slots the kernel logged, it agrees with the abstraction rebuilt from scratch
/// (on padded kernels, where most of the list is untouched, and across a restore), and a log that
/// misses the kernel's slot writes is reported by the cross-check.
/// </summary>
public sealed class TouchLogAbstractionTests(ITestOutputHelper output)
{

    private static WorkAction[] RandomActions(Random r, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => new WorkAction(
            Workload.AllKinds[r.Next(Workload.AllKinds.Length)], r.Next(3),
            r.Next(2) == 0 ? new[] { 3, 4, 10, 11, 12 }[r.Next(5)] : r.Next(20),
            r.Next(2) == 0 ? new[] { 3, 4, 10, 11, 12 }[r.Next(5)] : r.Next(20),
            r.Next(8), r.Next(4)))];

    [Fact]
    public void After_the_first_read_every_read_follows_the_touch_log()
    {
        var w = new Workload(null, check: true);
        w.Run(RandomActions(new Random(7), 40)).ShouldBeNull();
        w.Checker!.Finish(w.Kernel).ShouldBeNull();
        var (logged, full) = w.Checker.AbstractionReads;
        output.WriteLine($"{w.Executed} syscalls: {logged} logged reads ({w.Checker.QuietAbstractionReads} found nothing changed), {full} full");
        full.ShouldBe(1, "only the first read, on a kernel the log did not watch yet, is a full one");
        logged.ShouldBeGreaterThan(2 * (int)w.Executed - 2, "each syscall's pre- and post-state, and the end");
    }

    [Fact]
    public void Logged_reads_agree_with_the_full_abstraction_on_padded_kernels()
    {
        // Most of a padded kernel's list is never touched by the actions: the runs the mirror
        // keeps are long, and every step's state is compared with the one rebuilt from scratch.
        var r = new Random(11);
        long syscalls = 0;
        for (var i = 0; i < 12; i++)
        {
            var w = new Workload(null, check: true, crossCheckEvery: 1, shortcuts: null, timings: false, padding: 20);
            var v = w.Run(RandomActions(r, 20)) ?? w.Checker!.Finish(w.Kernel);
            v.ShouldBeNull(v?.Message);
            syscalls += w.Executed;
            w.Checker!.AbstractionReads.Full.ShouldBe(1);
        }

        output.WriteLine($"{syscalls} syscalls cross-checked at every step");
    }

    [Fact]
    public void A_restore_makes_the_next_read_a_full_one()
    {
        var w = new Workload(null, check: true, crossCheckEvery: 1, shortcuts: null);
        w.Run(RandomActions(new Random(3), 10)).ShouldBeNull();
        var snapshot = w.Kernel.Snapshot();
        var objectsThen = w.Kernel.Objects.Capacity;
        w.Run([.. Enumerable.Range(0, 20).Select(y => new WorkAction(ActionKind.RetypeEndpoint, 0, 0, y, 0, 0)), .. RandomActions(new Random(4), 10)]).ShouldBeNull();
        w.Kernel.Objects.Capacity.ShouldBeGreaterThan(objectsThen, "objects made after the snapshot: the restored table is smaller than the one last read");
        var fullBefore = w.Checker!.AbstractionReads.Full;
        // Out of the checker's sight, as a test or the run loop might: the structures go back.
        w.Kernel.Restore(snapshot);
        w.Checker.Finish(w.Kernel).ShouldBeNull("the state read after the restore is the one rebuilt from scratch");
        w.Checker.AbstractionReads.Full.ShouldBe(fullBefore + 1, "a restore replaces every structure: the log says everything changed");
    }

    // A step the spec does not model (a fault) in which the kernel copies a capability, so only the
    // cross-check judges whether the post-state has the copy.
    private static RefinementViolation? CopyInAFault(ShortcutFaults? planted, int crossCheckEvery)
    {
        var w = new Workload(null, check: true, crossCheckEvery, null);
        w.Checker!.Shortcuts = planted; // after the workload's setup, which would otherwise be judged wrong at once
        var root = w.Tasks[0];
        var first = (ulong)w.Booted.FirstFreeSlot;
        WrongKernel.Unjudged(w, root, k =>
            k.Syscall(root, (long)SyscallNumber.CNodeCopy, [AbiConstants.SlotRootCNode, first + 3, AbiConstants.SlotRootCNode, first + 12, (ulong)Rights.All, 0])
                .Status.ShouldBe(KernelError.Ok));
        return w.Checker!.Finish(w.Kernel);
    }

    [Fact]
    public void Cross_check_reports_an_abstraction_whose_touch_log_missed_the_object_writes()
    {
        // Suspending task t1 in a fault step writes only its table entry (TaskState): a reading
        // that ignores the logged objects keeps it Runnable; only the cross-check sees it.
        static RefinementViolation? SuspendInAFault(ShortcutFaults? planted, int crossCheckEvery)
        {
            var w = new Workload(null, check: true, crossCheckEvery, null);
            w.Checker!.Shortcuts = planted;
            WrongKernel.Unjudged(w, w.Tasks[0], k =>
                k.Syscall(w.Tasks[0], (long)SyscallNumber.TaskSuspend, [(ulong)w.Booted.FirstFreeSlot, 0, 0, 0, 0, 0]).Status.ShouldBe(KernelError.Ok));
            return w.Checker!.Finish(w.Kernel);
        }

        var lost = new ShortcutFaults { ObjectLogLost = true };
        SuspendInAFault(null, 1).ShouldBeNull();
        SuspendInAFault(lost, 0).ShouldBeNull("the planted lost log hides the suspension");
        var v = SuspendInAFault(lost, 1).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("abstraction.incremental");
        v.Message.ShouldContain("TaskState");
    }

    [Fact]
    public void An_object_memo_missing_an_input_is_reported()
    {
        // Retypes in fault steps move the untyped's watermark (its UtFree): a memo of what the
        // untyped's entries were built from that leaves the watermark out keeps the old UtFree
        // (from the second step on: the first compares with inputs recorded with the watermark),
        // so the new children lie beyond the untyped's free point, which the invariants report
        // (before the cross-check, which runs only on a step with no other violation).
        static RefinementViolation? RetypeInAFault(ShortcutFaults? planted, int crossCheckEvery)
        {
            var w = new Workload(null, check: true, crossCheckEvery, null);
            w.Checker!.Shortcuts = planted;
            var untyped = w.Kernel.Objects.All.OfType<Verified.Kernel.Objects.UntypedObject>().MaxBy(u => u.SizeBits)!;
            foreach (var slots in new[] { Enumerable.Range(0, 10), Enumerable.Range(10, 10) })
            {
                var before = untyped.Watermark;
                WrongKernel.Unjudged(w, w.Tasks[0], _ =>
                {
                    foreach (var y in slots) w.Step(new WorkAction(ActionKind.RetypeEndpoint, 0, 0, y, 0, 0));
                });
                untyped.Watermark.ShouldNotBe(before, "some retype into an empty slot of the window");
            }

            return w.Checker!.Finish(w.Kernel);
        }

        RetypeInAFault(null, 1).ShouldBeNull("the correct memo, cross-checked at every step");
        var v = RetypeInAFault(new ShortcutFaults { ObjectInputsMissWatermark = true }, 0).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("invariant");
        v.Clause.ShouldBe("inv.untyped.child_contained");
    }

    [Fact]
    public void Every_object_write_the_abstraction_can_see_is_in_the_touch_log()
    {
        // The object log's soundness rests on the kernel logging every write to the fields the
        // abstraction reads (KernelObject's logged setters, GrantTableObject.SetEntry, the table's
        // Add, Kill and Remove): after every syscall of random sequences, each table index whose
        // instance or read fields differ from before the syscall must be in the log.
        var r = new Random(5);
        var checkedSteps = 0;
        var changed = 0;
        for (var i = 0; i < 16; i++)
        {
            var w = new Workload(null, check: false, 0, null, timings: false, padding: i % 2 == 0 ? 0 : 10);
            var log = new Verified.Kernel.Checking.TouchLog("test");
            Verified.Kernel.Checking.TouchLog.Join(w.Kernel, log);
            var before = ObjectFields(w.Kernel);
            w.Kernel.Events += _ =>
            {
                var now = ObjectFields(w.Kernel);
                for (var id = 0; id < Math.Max(now.Count, before.Count); id++)
                {
                    if (id < now.Count && id < before.Count && now[id] == before[id]) continue;
                    changed++;
                    log.Objects.ShouldContain(id, $"object {id} changed ({(id < before.Count ? before[id] : "none")} -> {(id < now.Count ? now[id] : "none")}) without being logged");
                }

                log.Clear();
                before = now;
                checkedSteps++;
            };
            w.Run(RandomActions(r, 30));
        }

        output.WriteLine($"{checkedSteps} syscalls, {changed} object changes, each logged");
        changed.ShouldBeGreaterThan(100, "the sequences change objects");
    }

    [Fact]
    public void Equal_object_inputs_give_equal_object_entries()
    {
        // The object memo rebuilds an index's entries only when Abstraction.ObjectInputs differ, so
        // equal inputs must give equal entries: a field ObjectEntries reads that ObjectInputs leaves
        // out shows up as one input with two entries once a syscall changes that field alone. The
        // planted memo without the watermark (a retype moves only the untyped's watermark) must fail.
        var (pairs, clashes) = InputsAgainstEntries(plantMissWatermark: false);
        output.WriteLine($"{pairs} (index, syscall) pairs, {clashes.Count} inputs with two entries");
        pairs.ShouldBeGreaterThan(1000);
        clashes.ShouldBeEmpty();

        var (_, planted) = InputsAgainstEntries(plantMissWatermark: true);
        output.WriteLine(planted.FirstOrDefault() ?? "none");
        planted.ShouldNotBeEmpty("the memo without the watermark gives one input two UtFree entries");
        planted.ShouldContain(c => c.Contains("Untyped", StringComparison.Ordinal));
    }

    private static (int Pairs, List<string> Clashes) InputsAgainstEntries(bool plantMissWatermark)
    {
        var r = new Random(11);
        var seen = new Dictionary<string, string>();
        var clashes = new List<string>();
        var pairs = 0;
        var inputs = new ulong[Abstraction.ObjectInputWidth];
        var entries = new Verified.Spec.Value?[Abstraction.ObjectFields.Length];
        for (var i = 0; i < 12; i++)
        {
            var w = new Workload(null, check: false, 0, null, timings: false, padding: i % 2 == 0 ? 0 : 10);
            w.Kernel.Events += _ =>
            {
                for (var id = 0; id < w.Kernel.Objects.Capacity; id++)
                {
                    Abstraction.ObjectInputs(w.Kernel, id, inputs, plantMissWatermark);
                    Abstraction.ObjectEntries(w.Kernel, id, entries);
                    var key = string.Join(",", inputs);
                    var value = string.Join(",", entries.Select(e => e?.ToString() ?? "-"));
                    pairs++;
                    if (!seen.TryAdd(key, value) && seen[key] != value)
                        clashes.Add($"object {id} ({w.Kernel.Objects[id]?.Type.ToString() ?? "none"}): inputs {key} gave {seen[key]} and {value}");
                }
            };
            w.Run(RandomActions(r, 30));
        }

        return (pairs, clashes);
    }

    // Per table index, what the abstraction reads of it (the instance by reference, as a replaced
    // CNode or task also replaces its slots), rendered as a string for an exact comparison.
    private static List<string> ObjectFields(Verified.Kernel.Kernel k)
    {
        var t = k.Objects;
        var fields = new List<string>(t.Capacity);
        for (var id = 0; id < t.Capacity; id++)
        {
            var o = t[id];
            var text = $"{t.GenerationAt(id)} {(o is null ? "none" : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(o).ToString(System.Globalization.CultureInfo.InvariantCulture))}";
            if (o is not null) text += $" {o.IsLive} {o.Type} {o.Generation} {o.Paddr} {o.SizeBits} {o.ParentUntyped}";
            text += o switch
            {
                Verified.Kernel.Objects.UntypedObject u => $" {u.Watermark}",
                Verified.Kernel.Objects.TaskObject task => $" {task.State} {task.FaultEndpoint} {task.GrantTable}",
                Verified.Kernel.Objects.GrantTableObject g => $" {g.Owner} {string.Join(",", g.View.ToArray())}",
                _ => "",
            };
            fields.Add(text);
        }

        return fields;
    }

    [Fact]
    public void Cross_check_reports_an_abstraction_whose_touch_log_missed_the_slot_writes()
    {
        var lost = new ShortcutFaults { SlotLogLost = true };
        CopyInAFault(null, 1).ShouldBeNull();
        CopyInAFault(lost, 0).ShouldBeNull("the planted lost log hides the copy");
        var v = CopyInAFault(lost, 1).ShouldNotBeNull();
        output.WriteLine(v.Message);
        v.Property.ShouldBe("cross-check");
        v.Clause.ShouldBe("abstraction.incremental");
        v.Message.ShouldContain("SlotFull");
    }
}
