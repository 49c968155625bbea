using Shouldly;
using Xunit;

namespace Verified.Proofs.Tests;

public sealed class CatalogueTests
{
    [Fact]
    public void TheCatalogueHoldsTheSelfChecksThenTheKernelObligationsUnderUniqueNames()
    {
        var all = ObligationCatalogue.All;

        all.Take(SelfCheckObligations.All.Count).Select(o => o.Name).ShouldBe(SelfCheckObligations.All.Select(o => o.Name));
        all.Select(o => o.Name).ShouldBeUnique();
        // The kernel specification's part arrives through the partial AddKernelObligations.
        all.Select(o => o.Kind).Distinct().ShouldBeSubsetOf([ObligationKind.SelfCheck, ObligationKind.Init, ObligationKind.Preservation, ObligationKind.Lemma, ObligationKind.Vacuity]);
        all.Count(o => o.Kind == ObligationKind.Preservation).ShouldBeGreaterThan(0);
        all.Count.ShouldBeGreaterThanOrEqualTo(100);
    }
}
