using Shouldly;
using Verified.Proofs.Refinement;
using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Refinement.Tests;

/// <summary>A real kernel's states: after setup, after copying the endpoint capability (c), after copying that copy (c2, a child of c).</summary>
internal sealed record CopyChain(ConcreteState S0, ConcreteState S1, ConcreteState S2, Value C, Value C2)
{
    public static CopyChain Make()
    {
        var w = new Workload(null, check: false);
        var ids = new CapIdentities();
        var s0 = Abstraction.Abstract(w.Kernel, ids);
        w.Run([Copy(3, 10)]).ShouldBeNull();
        var s1 = Abstraction.Abstract(w.Kernel, ids);
        w.Run([Copy(10, 11)]).ShouldBeNull();
        var s2 = Abstraction.Abstract(w.Kernel, ids);
        var c = NewCap(s0, s1);
        var c2 = NewCap(s1, s2);
        s2.Map("CapParent").Select(c2).ShouldBe(c, "the second copy derives from the first");
        return new CopyChain(s0, s1, s2, c, c2);
    }

    private static WorkAction Copy(int from, int to) => new(ActionKind.Copy, 0, from, to, 7, 0);

    private static Value NewCap(ConcreteState before, ConcreteState after) =>
        after.Map("CapLive").Entries.Keys.Except(before.Map("CapLive").Entries.Keys).ShouldHaveSingleItem();
}
