using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

/// <summary>
/// A revoke that finalises a task holding grants is divergence D5 (the task's grants vanish in the
/// kernel, the spec keeps them). D5 must not excuse the revoke itself: a revoke that returns Ok
/// with a descendant left is still cap.revoke.done (found by review: the D5 match returned first).
/// </summary>
public sealed class RevokeFinalisingATaskTests
{
    private const ulong Buffer = GrantTests.Buffer;

    private static (TestSystem S, ulong Revoked) Setup()
    {
        var s = new TestSystem();
        var untyped = s.Make(ObjectType.Untyped, 16);
        // A task retyped from the revoked untyped, with a grant: the revoke finalises it (D5).
        var taskSlot = s.TakeSlot();
        s.Ok(SyscallNumber.UntypedRetype, untyped, (ulong)ObjectType.Task, 0, Root, taskSlot, 1);
        s.Ok(SyscallNumber.TaskConfigure, taskSlot, Root, NoCap, 100, s.Make(ObjectType.GrantTable, 2));
        s.Ok(SyscallNumber.TaskResume, taskSlot);
        var task = s.Object<TaskObject>(taskSlot);
        s.Ok(SyscallNumber.FrameMap, s.Make(ObjectType.Frame), taskSlot, Buffer, (ulong)(Rights.Read | Rights.Write), s.Untyped);
        s.Call(task, SyscallNumber.GrantCreate, s.RootTask.Ref.Packed, Buffer, 64, (ulong)GrantAccess.Read).Status.ShouldBe(KernelError.Ok);
        // A copy of the untyped capability queued in a blocked sender's message: a direct child of
        // the revoked capability, so the planted fault leaves a descendant without breaking the leaf order.
        var (_, sender) = s.MakeTask();
        s.Call(sender, SyscallNumber.Send, s.Make(ObjectType.Endpoint), untyped, 0, 0, 0, 0).Blocked.ShouldBeTrue();
        sender.InFlightSlot.Cap.IsNull.ShouldBeFalse();
        return (s, untyped);
    }

    [Fact]
    public void A_revoke_finalising_a_task_with_grants_is_D5()
    {
        var (s, untyped) = Setup();
        s.Ok(SyscallNumber.CNodeRevoke, Root, untyped);
        s.Refinement.Violation.ShouldBeNull();
        s.Refinement.Steps[^1].Verdict.ShouldBe(Verified.Proofs.Refinement.StepVerdict.Divergence);
        s.Refinement.Steps[^1].Note.ShouldContain("D5");
    }

    [Fact]
    public void A_revoke_that_leaves_a_descendant_is_caught_even_when_it_finalised_a_task_with_grants()
    {
        var (s, untyped) = Setup();
        s.ExpectRefinementReport();
        s.Kernel.Faults = new PlantedFaults { RevokeMissesInFlight = true };
        s.Ok(SyscallNumber.CNodeRevoke, Root, untyped);
        var v = s.Refinement.Violation.ShouldNotBeNull();
        v.Clause.ShouldBe("cap.revoke.done", v.Message);
    }
}
