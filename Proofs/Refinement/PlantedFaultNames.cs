using System.Collections.Immutable;
using Verified.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>Planted kernel faults by name, so a counterexample can say which were on and replay can turn them on again.</summary>
public static class PlantedFaultNames
{
    // One row per fault: its name, whether it is on, and how to turn it on.
    private static readonly (string Name, Func<PlantedFaults, bool> IsOn, Func<PlantedFaults, PlantedFaults> TurnOn)[] Table =
    [
        (nameof(PlantedFaults.RevokeMissesGrandchildren), f => f.RevokeMissesGrandchildren, f => f with { RevokeMissesGrandchildren = true }),
        (nameof(PlantedFaults.MintKeepsRights), f => f.MintKeepsRights, f => f with { MintKeepsRights = true }),
        (nameof(PlantedFaults.CopyForgetsDerivationEdge), f => f.CopyForgetsDerivationEdge, f => f with { CopyForgetsDerivationEdge = true }),
        (nameof(PlantedFaults.DeleteLastLeavesObjectAlive), f => f.DeleteLastLeavesObjectAlive, f => f with { DeleteLastLeavesObjectAlive = true }),
        (nameof(PlantedFaults.GrantRevokeKeepsGeneration), f => f.GrantRevokeKeepsGeneration, f => f with { GrantRevokeKeepsGeneration = true }),
        (nameof(PlantedFaults.SafecopySkipsChain), f => f.SafecopySkipsChain, f => f with { SafecopySkipsChain = true }),
        (nameof(PlantedFaults.RevokeMissesInFlight), f => f.RevokeMissesInFlight, f => f with { RevokeMissesInFlight = true }),
        (nameof(PlantedFaults.TransferWithoutGrant), f => f.TransferWithoutGrant, f => f with { TransferWithoutGrant = true }),
        (nameof(PlantedFaults.MutateIgnoresChildren), f => f.MutateIgnoresChildren, f => f with { MutateIgnoresChildren = true }),
        (nameof(PlantedFaults.DestroyLeavesCapabilities), f => f.DestroyLeavesCapabilities, f => f with { DestroyLeavesCapabilities = true }),
        (nameof(PlantedFaults.DeleteLiftsChildren), f => f.DeleteLiftsChildren, f => f with { DeleteLiftsChildren = true }),
        (nameof(PlantedFaults.BadgeRefusesNotification), f => f.BadgeRefusesNotification, f => f with { BadgeRefusesNotification = true }),
        (nameof(PlantedFaults.DestroyFreesGrantsToTask), f => f.DestroyFreesGrantsToTask, f => f with { DestroyFreesGrantsToTask = true }),
        (nameof(PlantedFaults.FrameMapStoresMappingRights), f => f.FrameMapStoresMappingRights, f => f with { FrameMapStoresMappingRights = true }),
        (nameof(PlantedFaults.SignalClearsBadge), f => f.SignalClearsBadge, f => f with { SignalClearsBadge = true }),
        (nameof(PlantedFaults.YieldDeactivates), f => f.YieldDeactivates, f => f with { YieldDeactivates = true }),
        (nameof(PlantedFaults.SuspendSkipsReadyTask), f => f.SuspendSkipsReadyTask, f => f with { SuspendSkipsReadyTask = true }),
        (nameof(PlantedFaults.ConfigureKeepsFaultEndpoint), f => f.ConfigureKeepsFaultEndpoint, f => f with { ConfigureKeepsFaultEndpoint = true }),
        (nameof(PlantedFaults.GrantTableDeathDetachesAnother), f => f.GrantTableDeathDetachesAnother, f => f with { GrantTableDeathDetachesAnother = true }),
        (nameof(PlantedFaults.DetachKeepsDerivedGrants), f => f.DetachKeepsDerivedGrants, f => f with { DetachKeepsDerivedGrants = true }),
        (nameof(PlantedFaults.MutateIgnoresWritableMapping), f => f.MutateIgnoresWritableMapping, f => f with { MutateIgnoresWritableMapping = true }),
        (nameof(PlantedFaults.RevokeFinalisesNonEmptyCNode), f => f.RevokeFinalisesNonEmptyCNode, f => f with { RevokeFinalisesNonEmptyCNode = true }),
        (nameof(PlantedFaults.ResetWatermarkWhenLastChildDies), f => f.ResetWatermarkWhenLastChildDies, f => f with { ResetWatermarkWhenLastChildDies = true }),
        (nameof(PlantedFaults.BindResetsGrantTable), f => f.BindResetsGrantTable, f => f with { BindResetsGrantTable = true }),
        (nameof(PlantedFaults.CNodeFinaliseRevokesContents), f => f.CNodeFinaliseRevokesContents, f => f with { CNodeFinaliseRevokesContents = true }),
        (nameof(PlantedFaults.RevokeStopsAtAnyCNode), f => f.RevokeStopsAtAnyCNode, f => f with { RevokeStopsAtAnyCNode = true }),
        (nameof(PlantedFaults.SafecopyRefusesMaxLength), f => f.SafecopyRefusesMaxLength, f => f with { SafecopyRefusesMaxLength = true }),
        (nameof(PlantedFaults.DeleteDropsQueuedCapabilities), f => f.DeleteDropsQueuedCapabilities, f => f with { DeleteDropsQueuedCapabilities = true }),
        (nameof(PlantedFaults.FaultIgnoresEndpointGeneration), f => f.FaultIgnoresEndpointGeneration, f => f with { FaultIgnoresEndpointGeneration = true }),
    ];

    public static ImmutableArray<string> All { get; } = [.. Table.Select(t => t.Name)];

    public static ImmutableArray<string> Names(PlantedFaults? f) => f is null ? [] : [.. Table.Where(t => t.IsOn(f)).Select(t => t.Name)];

    /// <summary>The faults with these names; an unknown name is an input error (null, with the message).</summary>
    public static PlantedFaults? FromNames(IEnumerable<string> names, out string? error)
    {
        error = null;
        var f = new PlantedFaults();
        foreach (var n in names)
        {
            var row = Table.FirstOrDefault(t => t.Name == n);
            if (row.Name is null)
            {
                error = $"unknown planted fault '{n}' (known: {string.Join(", ", All)})";
                return null;
            }

            f = row.TurnOn(f);
        }

        return f;
    }
}
