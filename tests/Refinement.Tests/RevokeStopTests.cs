using Shouldly;
using Verified.Kernel;
using Verified.Kernel.Abi;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;

namespace Verified.Refinement.Tests;

/// <summary>
/// A revoke stopped with NotEmpty (finding F7) must stop at the victim the kernel's order reaches
/// next, and cap.revoke_step must refuse exactly that one. The checker used to accept a stop when
/// any remaining descendant was refused. Layout: an untyped U (root slot +10) with two CNodes
/// retyped from it, C1 (+11) and C2 (+12), each holding an endpoint capability, and a copy of C2's
/// capability (+13); then U is revoked. The correct kernel deletes the copy (the first leaf in its
/// order) and stops at C2's capability, now the last to a non-empty CNode. A kernel stopping at the
/// copy (not the last capability to C2, so cap.revoke_step accepts it) passed the old rule, since
/// C1's capability, further on, is refused.
/// </summary>
public sealed class RevokeStopTests(ITestOutputHelper output)
{
    private const ulong Root = AbiConstants.SlotRootCNode;

    private static Workload Setup(PlantedFaults? faults)
    {
        var w = new Workload(faults, check: true);
        var root = w.Tasks[0];
        var first = (ulong)w.Booted.FirstFreeSlot;
        var ut = w.Checker!.Steps[0].Args[0];
        void Ok(SyscallNumber n, params ulong[] a) => w.Kernel.Syscall(root, n, a).Status.ShouldBe(KernelError.Ok, n.ToString());
        Ok(SyscallNumber.UntypedRetype, ut, (ulong)ObjectType.Untyped, 16, Root, first + 10, 1);
        Ok(SyscallNumber.UntypedRetype, first + 10, (ulong)ObjectType.CNode, 2, Root, first + 11, 1);
        Ok(SyscallNumber.UntypedRetype, first + 10, (ulong)ObjectType.CNode, 2, Root, first + 12, 1);
        Ok(SyscallNumber.CNodeCopy, Root, first + 12, Root, first + 13, (ulong)Rights.All);
        Ok(SyscallNumber.CNodeCopy, Root, first + 3, first + 11, 0, (ulong)Rights.All);
        Ok(SyscallNumber.CNodeCopy, Root, first + 3, first + 12, 0, (ulong)Rights.All);
        w.Kernel.Syscall(root, SyscallNumber.CNodeRevoke, Root, first + 10);
        return w;
    }

    [Fact]
    public void A_revoke_reaching_the_last_capability_to_a_non_empty_cnode_stops_there()
    {
        var w = Setup(null);
        var last = w.Checker!.Steps[^1];
        output.WriteLine($"{last.Verdict} {last.Status}: {last.Note}");
        last.Status.ShouldBe(KernelError.NotEmpty);
        last.Verdict.ShouldBe(StepVerdict.Checked);
        last.Note.ShouldContain($"1 x cap.revoke_step, then cap.revoke_step(victim=#x{(ulong)w.Booted.FirstFreeSlot + 12:x}[32]) -> NotEmpty");
        w.Checker.Violation.ShouldBeNull();
    }

    [Fact]
    public void Planted_revoke_that_stops_at_a_capability_to_a_cnode_that_is_not_the_last_is_caught()
    {
        const string fault = nameof(PlantedFaults.RevokeStopsAtAnyCNode);
        var w = Setup(PlantedFaultNames.FromNames([fault], out _));
        PlantedReplay.Confirm(w, fault, "cap.revoke.status", output);
    }
}
