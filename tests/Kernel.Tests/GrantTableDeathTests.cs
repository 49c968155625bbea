using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Proofs.Refinement;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

/// <summary>
/// D5 after a grant table's death excuses the vanished grants of that table's owner only — the
/// owner recorded before the step, not every task the kernel left without a table (found by
/// review: a kernel that also detached another task's table passed as D5).
/// </summary>
public sealed class GrantTableDeathTests
{
    private const ulong Buffer = GrantTests.Buffer;

    private static (TestSystem S, ulong FirstTable) Setup()
    {
        var s = new TestSystem();
        var tables = new ulong[2];
        for (var i = 0; i < 2; i++)
        {
            var (slot, task) = s.MakeTask();
            tables[i] = s.Make(ObjectType.GrantTable, 2);
            s.Ok(SyscallNumber.TaskConfigure, slot, Root, NoCap, 100, tables[i]);
            s.Ok(SyscallNumber.FrameMap, s.Make(ObjectType.Frame), slot, Buffer, (ulong)(Rights.Read | Rights.Write), s.Untyped);
            s.Call(task, SyscallNumber.GrantCreate, s.RootTask.Ref.Packed, Buffer, 64, (ulong)GrantAccess.Read).Status.ShouldBe(KernelError.Ok);
        }

        return (s, tables[0]);
    }

    [Fact]
    public void Deleting_a_bound_grant_table_is_D5_for_its_owner()
    {
        var (s, table) = Setup();
        s.Ok(SyscallNumber.CNodeDelete, Root, table);
        s.Refinement.Violation.ShouldBeNull();
        s.Refinement.Steps[^1].Verdict.ShouldBe(StepVerdict.Divergence);
        s.Refinement.Steps[^1].Note.ShouldContain("D5");
    }

    [Fact]
    public void A_table_death_that_also_detaches_another_tasks_table_is_caught()
    {
        var (s, table) = Setup();
        s.ExpectRefinementReport();
        s.Kernel.Faults = new PlantedFaults { GrantTableDeathDetachesAnother = true };
        s.Ok(SyscallNumber.CNodeDelete, Root, table);
        var v = s.Refinement.Violation.ShouldNotBeNull();
        v.Clause.ShouldBe("cap.delete.state", v.Message);
    }
}
