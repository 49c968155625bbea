using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

/// <summary>
/// Finding F8: a task losing its grant table (its death, the table's death, or binding another
/// table) revokes the grants other tasks re-delegated from it. t0 grants t1, t1 re-delegates to t2.
/// </summary>
public sealed class GrantTableLossTests
{
    private const ulong Buffer = GrantTests.Buffer;

    private sealed record Chain(TestSystem S, TaskObject[] T, ulong[] TaskSlots, ulong H0, ulong H1);

    private static Chain Setup(PlantedFaults? faults = null)
    {
        var s = new TestSystem();
        if (faults is not null)
        {
            s.ExpectRefinementReport(); // the checker reports the planted fault
            s.Kernel.Faults = faults;
        }

        var tasks = new TaskObject[3];
        var slots = new ulong[3];
        for (var i = 0; i < 3; i++)
        {
            (slots[i], tasks[i]) = s.MakeTask();
            s.Ok(SyscallNumber.TaskConfigure, slots[i], Root, NoCap, 100, s.Make(ObjectType.GrantTable, 2));
            var frame = s.Make(ObjectType.Frame);
            s.Ok(SyscallNumber.FrameMap, frame, slots[i], Buffer, (ulong)(Rights.Read | Rights.Write), s.Untyped);
        }

        var h0 = s.Call(tasks[0], SyscallNumber.GrantCreate, tasks[1].Ref.Packed, Buffer, 64, (ulong)GrantAccess.Read).Result0;
        var h1 = s.Call(tasks[1], SyscallNumber.GrantCreateIndirect, tasks[2].Ref.Packed, tasks[0].Ref.Packed, h0, 0, 8, (ulong)GrantAccess.Read);
        h1.Status.ShouldBe(KernelError.Ok);
        s.Call(tasks[2], SyscallNumber.SafeCopyFrom, tasks[1].Ref.Packed, h1.Result0, 0, Buffer + 100, 8).Status.ShouldBe(KernelError.Ok, "the chain works");
        return new Chain(s, tasks, slots, h0, h1.Result0);
    }

    private static KernelError CopyThroughChain(Chain c) =>
        c.S.Call(c.T[2], SyscallNumber.SafeCopyFrom, c.T[1].Ref.Packed, c.H1, 0, Buffer + 100, 8).Status;

    [Fact]
    public void Destroying_the_source_task_revokes_the_re_delegation_and_safecopy_refuses()
    {
        var c = Setup();
        c.S.Ok(SyscallNumber.TaskDestroy, c.TaskSlots[0]);
        CopyThroughChain(c).ShouldBe(KernelError.GrantInvalid, "the source task is dead");
        c.S.Call(c.T[1], SyscallNumber.GrantRevoke, c.H1).Status.ShouldBe(KernelError.GrantInvalid, "already revoked by the kernel");
        var table = c.S.Kernel.Objects.Resolve<GrantTableObject>(c.T[1].GrantTable).ShouldNotBeNull();
        table.View[(int)(c.H1 & 0xFFFF_FFFF)].Generation.ShouldBe((uint)(c.H1 >> 32) + 1, "revoked: the generation moved on");
    }

    [Fact]
    public void Destroying_the_source_task_with_the_old_behaviour_leaves_a_current_grant_through_a_dead_source()
    {
        var c = Setup(new PlantedFaults { DetachKeepsDerivedGrants = true });
        c.S.Ok(SyscallNumber.TaskDestroy, c.TaskSlots[0]);
        CopyThroughChain(c).ShouldBe(KernelError.GrantInvalid, "safecopy still refuses through a dead task");
        c.S.ShouldHaveReported(Finding.PlantedDetachKeepsDerivedGrants);
    }

    [Fact]
    public void A_fresh_grant_table_does_not_revive_a_re_delegation_of_the_old_one()
    {
        // t0 binds a new table: its entries start at generation 0 again, so t0's next grant to t1 has
        // t0's old handle; t1's re-delegation of that handle must not verify through it.
        foreach (var planted in new[] { false, true })
        {
            var c = Setup(planted ? new PlantedFaults { DetachKeepsDerivedGrants = true } : null);
            c.S.Ok(SyscallNumber.TaskConfigure, c.TaskSlots[0], Root, NoCap, 100, c.S.Make(ObjectType.GrantTable, 2));
            var again = c.S.Call(c.T[0], SyscallNumber.GrantCreate, c.T[1].Ref.Packed, Buffer, 64, (ulong)GrantAccess.Read).Result0;
            again.ShouldBe(c.H0, "the same (index, generation) in the fresh table");
            if (planted)
            {
                CopyThroughChain(c).ShouldBe(KernelError.Ok, "the old behaviour: the revoked chain verifies again");
                c.S.ShouldHaveReported(Finding.PlantedDetachKeepsDerivedGrants);
            }
            else
            {
                CopyThroughChain(c).ShouldBe(KernelError.GrantInvalid);
            }
        }
    }

    [Fact]
    public void Deleting_the_source_grant_table_revokes_the_re_delegation()
    {
        var c = Setup();
        var slot = c.S.Kernel.MdbOrder().First(a => c.S.Kernel.SlotAt(a).Cap.Object == c.T[0].GrantTable);
        c.S.Ok(SyscallNumber.CNodeDelete, Root, (ulong)slot.Index);
        c.T[0].IsLive.ShouldBeTrue();
        CopyThroughChain(c).ShouldBe(KernelError.GrantInvalid);
        c.S.Call(c.T[1], SyscallNumber.GrantRevoke, c.H1).Status.ShouldBe(KernelError.GrantInvalid, "already revoked by the kernel");
    }
}
