using Shouldly;
using Verified.Spec;
using Verified.Spec.Kernel;
using Xunit;

namespace Verified.Spec.Kernel.Tests;

/// <summary>Concrete runs of the spec through Eval: what the refinement checker will do on every kernel step.</summary>
public sealed class EvalScenarioTests
{
    private readonly World w = new(KernelSpec.Default);

    private ConcreteState WithEndpoint(out Value epSlot)
    {
        var s = w.Boot();
        // Retype object 100 as an endpoint from the root untyped into slot (1, 2), cap id 2.
        epSlot = w.Slot(1, 2);
        return w.Do(s, "cap.retype", ("ut", w.Slot(1, 1)), ("dst", epSlot), ("id", w.Cap(2)), ("obj", w.Obj(100)),
            ("type", World.Type("Endpoint")), ("size", w.Addr(16)), ("reset", BoolValue.False));
    }

    [Fact]
    public void BootStateSatisfiesEveryInvariant() => w.Eval.BrokenClauses(w.Boot((0, 1), (1, 2))).ShouldBeEmpty();

    [Fact]
    public void MintMasksRightsAndSetsTheBadgeOnce()
    {
        var s = WithEndpoint(out var ep);
        s = w.Do(s, "cap.mint", ("src", ep), ("dst", w.Slot(1, 3)), ("id", w.Cap(3)), ("rights", w.Rights(Rights.Read | Rights.Write)), ("badge", w.Badge(7)));
        s.Map("CapRights")[w.Cap(3)].ShouldBe(w.Rights(Rights.Read | Rights.Write));
        s.Map("CapBadge")[w.Cap(3)].ShouldBe(w.Badge(7));
        // A second mint from the badged capability cannot choose another badge.
        w.Try(s, "cap.mint", ("src", w.Slot(1, 3)), ("dst", w.Slot(1, 4)), ("id", w.Cap(4)), ("rights", w.Rights(Rights.All)), ("badge", w.Badge(9)))
            .Error.ShouldBe("AlreadyBadged");
        // Minting all rights from a read/write capability gives read/write only.
        s = w.Do(s, "cap.mint", ("src", w.Slot(1, 3)), ("dst", w.Slot(1, 4)), ("id", w.Cap(4)), ("rights", w.Rights(Rights.All)), ("badge", w.Badge(0)));
        s.Map("CapRights")[w.Cap(4)].ShouldBe(w.Rights(Rights.Read | Rights.Write));
        s.Map("CapBadge")[w.Cap(4)].ShouldBe(w.Badge(7));
    }

    [Fact]
    public void ErrorsLeaveTheStateUnchanged()
    {
        var s = WithEndpoint(out var ep);
        var r = w.Try(s, "cap.copy", ("src", ep), ("dst", w.Slot(1, 1)), ("id", w.Cap(9)));
        r.Error.ShouldBe("SlotOccupied");
        r.Next.ShouldBe(s);
        w.Try(s, "cap.delete", ("slot", w.Slot(1, 1))).Error.ShouldBe("HasChildren");
        w.Try(s, "cap.copy", ("src", w.Slot(1, 9)), ("dst", w.Slot(1, 10)), ("id", w.Cap(9))).Error.ShouldBe("EmptySlot");
        w.Try(s, "cap.copy", ("src", w.Slot(5, 0)), ("dst", w.Slot(1, 10)), ("id", w.Cap(9))).Error.ShouldBe("InvalidSlot");
    }

    [Fact]
    public void RevokeLoopRemovesExactlyTheDescendants()
    {
        var s = WithEndpoint(out var ep);
        // A tree under the endpoint capability (id 2): 3 and 4 children, 5 child of 3, 6 child of 5; 7 is a sibling copy from root cap 0.
        s = w.Do(s, "cap.copy", ("src", ep), ("dst", w.Slot(1, 3)), ("id", w.Cap(3)));
        s = w.Do(s, "cap.copy", ("src", ep), ("dst", w.Slot(1, 4)), ("id", w.Cap(4)));
        s = w.Do(s, "cap.copy", ("src", w.Slot(1, 3)), ("dst", w.Slot(1, 5)), ("id", w.Cap(5)));
        s = w.Do(s, "cap.copy", ("src", w.Slot(1, 5)), ("dst", w.Slot(1, 6)), ("id", w.Cap(6)));
        s = w.Do(s, "cap.copy", ("src", w.Slot(1, 0)), ("dst", w.Slot(1, 7)), ("id", w.Cap(7)));
        var before = s;
        int steps = 0;
        while (!w.Eval.RevokeDone(s, ep))
        {
            // The kernel picks any descendant without descendants; try slots in order.
            var next = Enumerable.Range(3, 5).Select(i => w.Try(s, "cap.revoke_step", ("slot", ep), ("victim", w.Slot(1, (ulong)i)))).First(r => r.Ok);
            w.Eval.BrokenClauses(next.Next, s).ShouldBeEmpty();
            s = next.Next;
            steps++;
        }
        steps.ShouldBe(4);
        var live = s.Map("CapLive");
        foreach (ulong c in new ulong[] { 3, 4, 5, 6 }) live[w.Cap(c)].ShouldBe(BoolValue.False);
        foreach (ulong c in new ulong[] { 0, 1, 2, 7 }) live[w.Cap(c)].ShouldBe(BoolValue.True);
        s.Map("ObjAlive")[w.Obj(100)].ShouldBe(BoolValue.True);
        before.Map("CapLive")[w.Cap(6)].ShouldBe(BoolValue.True);
        // A non-descendant is refused.
        w.Try(before, "cap.revoke_step", ("slot", ep), ("victim", w.Slot(1, 7))).Error.ShouldBe("NotDescendant");
    }

    [Fact]
    public void DeletingTheLastCapabilityFinalisesTheObject()
    {
        var s = WithEndpoint(out var ep);
        s = w.Do(s, "cap.delete", ("slot", ep));
        s.Map("ObjAlive")[w.Obj(100)].ShouldBe(BoolValue.False);
    }

    [Fact]
    public void RestartMakesOldEndpointCapabilitiesStale()
    {
        var s = w.Boot();
        s = w.Do(s, "cap.retype", ("ut", w.Slot(1, 1)), ("dst", w.Slot(1, 2)), ("id", w.Cap(2)), ("obj", w.Obj(100)),
            ("type", World.Type("Endpoint")), ("size", w.Addr(16)), ("reset", BoolValue.False));
        s = w.Do(s, "cap.copy", ("src", w.Slot(1, 2)), ("dst", w.Slot(1, 3)), ("id", w.Cap(3)));
        s = w.Do(s, "svc.start", ("svc", w.Svc(0)));
        s = w.Do(s, "svc.begin_init", ("svc", w.Svc(0)));
        s = w.Do(s, "svc.init_done", ("svc", w.Svc(0)));
        s = w.Do(s, "svc.crash", ("svc", w.Svc(0)));
        s = w.Do(s, "svc.restart", ("svc", w.Svc(0)), ("slot", w.Slot(1, 8)), ("id", w.Cap(8)));
        // The old capability (3) is refused; the fresh one (8) works.
        w.Try(s, "ipc.transfer", ("ep", w.Slot(1, 3)), ("src", w.Slot(1, 0)), ("dst", w.Slot(1, 9)), ("id", w.Cap(9))).Error.ShouldBe("StaleCap");
        w.Try(s, "ipc.transfer", ("ep", w.Slot(1, 8)), ("src", w.Slot(1, 0)), ("dst", w.Slot(1, 9)), ("id", w.Cap(9))).Error.ShouldBe("Ok");
        w.Try(s, "svc.start", ("svc", w.Svc(0))).Error.ShouldBe("InvalidState");
    }

    [Fact]
    public void ServicesStartOnlyAfterTheirDependencies()
    {
        var s = w.Boot((0, 1));
        w.Try(s, "svc.start", ("svc", w.Svc(0))).Error.ShouldBe("DependencyNotReady");
        s = w.Do(s, "svc.start", ("svc", w.Svc(1)));
        s = w.Do(s, "svc.begin_init", ("svc", w.Svc(1)));
        s = w.Do(s, "svc.init_done", ("svc", w.Svc(1)));
        s = w.Do(s, "svc.start", ("svc", w.Svc(0)));
        s.Map("SvcStatus")[w.Svc(0)].ShouldBe(new EnumValue(KernelSorts.ServiceStatus, "Starting"));
    }
}
