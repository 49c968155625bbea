using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Boot;
using Verified.Kernel.Checking;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;

namespace Verified.Kernel.Tests;

/// <summary>
/// A booted CPU-less kernel for unit tests: the root task is driven through the C# syscall API,
/// the refinement checker compares every syscall with the specification (<see cref="RefinementOn"/>),
/// and the consistency checker runs after every step.
/// </summary>
internal sealed class TestSystem
{
    public const ulong Root = AbiConstants.SlotRootCNode;
    public const ulong NoCap = AbiConstants.NoCap;

    public TestSystem(ulong memoryBytes = 4 << 20, int cnodeBits = 8)
    {
        Genesis.TryBoot(new ArrayPhysicalMemory(memoryBytes), BootImage.Empty, [], cnodeBits, out var result, out var error).ShouldBeTrue(error?.Reason);
        Boot = result!;
        Refinement = RefinementOn.Attach(Boot.Kernel, new Proofs.Refinement.BootParameters(memoryBytes, cnodeBits));
        Free = (ulong)Boot.FirstFreeSlot;
        Check();
    }

    public BootResult Boot { get; }

    public Kernel Kernel => Boot.Kernel;

    public TaskObject RootTask => Boot.Root;

    /// <summary>The refinement checker on this kernel (throws at the first violation).</summary>
    public Proofs.Refinement.RefinementChecker Refinement { get; }

    /// <summary>
    /// This test drives the kernel where the refinement checker reports (a planted fault or a pinned
    /// <see cref="Finding"/>): the checker keeps its first report instead of throwing, and the test
    /// asserts it with <see cref="ShouldHaveReported"/>.
    /// </summary>
    public void ExpectRefinementReport() => Refinement.ThrowOnViolation = false;

    public void ShouldHaveReported(Finding finding)
    {
        var v = Refinement.Violation.ShouldNotBeNull($"the refinement checker was expected to report {finding}");
        finding.Matches(v).ShouldBeTrue($"expected {finding}; the checker reported {v.Property} / {v.Clause}: {v.Message}");
    }

    /// <summary>The first root-CNode slot not used by boot.</summary>
    public ulong Free { get; private set; }

    /// <summary>The slot of the first (largest) untyped.</summary>
    public ulong Untyped => (ulong)Boot.UntypedFirstSlot + (ulong)LargestUntypedIndex();

    public void Check()
    {
        var violations = ConsistencyChecker.Check(Kernel);
        violations.ShouldBeEmpty(string.Join("\n", violations));
    }

    /// <summary>A syscall by a task, then the consistency check.</summary>
    public SyscallOutcome Call(TaskObject task, SyscallNumber n, params ulong[] args)
    {
        var outcome = Kernel.Syscall(task, n, args);
        Check();
        return outcome;
    }

    /// <summary>A syscall by the root task.</summary>
    public SyscallOutcome Call(SyscallNumber n, params ulong[] args) => Call(RootTask, n, args);

    /// <summary>A syscall by the root task that must succeed.</summary>
    public SyscallOutcome Ok(SyscallNumber n, params ulong[] args)
    {
        var o = Call(n, args);
        o.Status.ShouldBe(KernelError.Ok, $"{n}({string.Join(", ", args)})");
        return o;
    }

    /// <summary>Retypes one object into the next free root slot and returns the slot.</summary>
    public ulong Make(ObjectType type, ulong bits = 0)
    {
        var slot = Free++;
        Ok(SyscallNumber.UntypedRetype, Untyped, (ulong)type, bits, Root, slot, 1);
        return slot;
    }

    /// <summary>The object a root slot's capability names.</summary>
    public T Object<T>(ulong slot)
        where T : KernelObject => Kernel.Objects.Resolve<T>(Cap(slot).Object).ShouldNotBeNull();

    public Caps.Capability Cap(ulong slot) => Kernel.SlotAt(new SlotAddress(RootTask.CSpaceRoot.Id, (int)slot)).Cap;

    /// <summary>A new task sharing the root's CNode, ready, with the given priority (≤ 255).</summary>
    public (ulong Slot, TaskObject Task) MakeTask(int priority = 100, ulong cspace = Root)
    {
        var slot = Make(ObjectType.Task);
        Ok(SyscallNumber.TaskConfigure, slot, cspace, NoCap, (ulong)priority, NoCap);
        Ok(SyscallNumber.TaskResume, slot);
        return (slot, Object<TaskObject>(slot));
    }

    /// <summary>Takes the next free slot number without filling it.</summary>
    public ulong TakeSlot() => Free++;

    private int LargestUntypedIndex()
    {
        var best = 0;
        var bestBits = -1;
        for (var i = 0; i < Boot.UntypedCount; i++)
        {
            var u = Kernel.Objects.Resolve<UntypedObject>(Cap((ulong)(Boot.UntypedFirstSlot + i)).Object);
            if (u is not null && u.SizeBits > bestBits)
            {
                best = i;
                bestBits = u.SizeBits;
            }
        }

        return best;
    }
}
