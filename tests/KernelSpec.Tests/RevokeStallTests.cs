using Shouldly;
using Xunit;

namespace Verified.Spec.Kernel.Tests;

/// <summary>
/// The exception in lemma.revoke_progress is real (docs/CAVEATS.md): revoking an untyped whose
/// child CNode holds an unrelated capability stalls, because the last capability to a non-empty
/// CNode cannot be deleted and the spec has no recursive finalisation to empty it.
/// </summary>
public sealed class RevokeStallTests
{
    [Fact]
    public void RevokingAnUntypedWhoseChildCNodeHoldsAForeignCapabilityStalls()
    {
        var w = new World(KernelSpec.Default);
        var untyped = w.Slot(1, 1);
        // CNode 200 from the root untyped (cap 2, a child of the untyped capability) ...
        var s = w.Do(w.Boot(), "cap.retype", ("ut", untyped), ("dst", w.Slot(1, 2)), ("id", w.Cap(2)), ("obj", w.Obj(200)),
            ("type", World.Type("CNode")), ("size", w.Addr(64)), ("reset", BoolValue.False));
        // ... holding a copy of the root CNode capability: a descendant of cap 0, not of the untyped's.
        s = w.Do(s, "cap.copy", ("src", w.Slot(1, 0)), ("dst", w.Slot(200, 0)), ("id", w.Cap(3)));

        w.Eval.RevokeDone(s, untyped).ShouldBeFalse();
        // The only descendant is cap 2 in slot (1, 2): the last capability to a CNode that is not empty.
        w.Try(s, "cap.revoke_step", ("slot", untyped), ("victim", w.Slot(1, 2))).Error.ShouldBe("NotEmpty");
        w.Try(s, "cap.revoke_step", ("slot", untyped), ("victim", w.Slot(200, 0))).Error.ShouldBe("NotDescendant");
        // Deleting the foreign capability by other means unblocks the revoke, which then completes.
        s = w.Do(s, "cap.delete", ("slot", w.Slot(200, 0)));
        s = w.Do(s, "cap.revoke_step", ("slot", untyped), ("victim", w.Slot(1, 2)));
        w.Eval.RevokeDone(s, untyped).ShouldBeTrue();
    }
}
