using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

/// <summary>Releasing finalised objects back to their untyped (bugs the machine fuzz found).</summary>
public sealed class ReleaseTests
{
    [Fact]
    public void AnUntypedReleasedWithItsLastChildIsNotReleasedTwice()
    {
        // A CNode holds an untyped V and, in a later slot, V's only child E. Deleting the CNode's
        // last capability finalises E before V (the later slot is deleted first), so when E is
        // released V goes with it, and V must not be released again from the zombie list.
        var s = new TestSystem();
        var u = s.Make(ObjectType.Untyped, 16);
        var c = s.TakeSlot();
        s.Ok(SyscallNumber.UntypedRetype, u, (ulong)ObjectType.CNode, 4, Root, c, 1);
        var v = s.TakeSlot();
        s.Ok(SyscallNumber.UntypedRetype, u, (ulong)ObjectType.Untyped, 12, Root, v, 1);
        var e = s.TakeSlot();
        s.Ok(SyscallNumber.UntypedRetype, v, (ulong)ObjectType.Endpoint, 0, Root, e, 1);
        s.Ok(SyscallNumber.CNodeMove, Root, v, c, 1);
        s.Ok(SyscallNumber.CNodeMove, Root, e, c, 2);
        var parent = s.Object<UntypedObject>(u);
        parent.LiveChildren.ShouldBe(2);
        s.Ok(SyscallNumber.CNodeDelete, Root, c); // TestSystem checks consistency after it
        parent.LiveChildren.ShouldBe(0);
        Kernel.FreeOffset(parent).ShouldBe(0UL, "all its memory is free for the next retype");
        s.Ok(SyscallNumber.UntypedRetype, u, (ulong)ObjectType.Endpoint, 0, Root, s.TakeSlot(), 1);
        s.Ok(SyscallNumber.UntypedRetype, u, (ulong)ObjectType.Notification, 0, Root, s.TakeSlot(), 1);
        var ids = s.Kernel.Objects.All.Select(o => o.Id).ToList();
        ids.Distinct().Count().ShouldBe(ids.Count, "an index freed twice would be given to two objects");
    }
}
