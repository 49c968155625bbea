using System.Collections.Immutable;
using Verified.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>Planted kernel faults by name, so a counterexample can say which were on and replay can turn them on again.</summary>
public static class PlantedFaultNames
{
    public static ImmutableArray<string> All { get; } =
    [
        nameof(PlantedFaults.RevokeMissesGrandchildren),
        nameof(PlantedFaults.MintKeepsRights),
        nameof(PlantedFaults.CopyForgetsDerivationEdge),
        nameof(PlantedFaults.DeleteLastLeavesObjectAlive),
        nameof(PlantedFaults.GrantRevokeKeepsGeneration),
        nameof(PlantedFaults.SafecopySkipsChain),
    ];

    public static ImmutableArray<string> Names(PlantedFaults? f) => f is null ? [] :
    [
        .. All.Where(n => n switch
        {
            nameof(PlantedFaults.RevokeMissesGrandchildren) => f.RevokeMissesGrandchildren,
            nameof(PlantedFaults.MintKeepsRights) => f.MintKeepsRights,
            nameof(PlantedFaults.CopyForgetsDerivationEdge) => f.CopyForgetsDerivationEdge,
            nameof(PlantedFaults.DeleteLastLeavesObjectAlive) => f.DeleteLastLeavesObjectAlive,
            nameof(PlantedFaults.GrantRevokeKeepsGeneration) => f.GrantRevokeKeepsGeneration,
            nameof(PlantedFaults.SafecopySkipsChain) => f.SafecopySkipsChain,
            _ => false,
        }),
    ];

    /// <summary>The faults with these names; an unknown name is an input error (null, with the message).</summary>
    public static PlantedFaults? FromNames(IEnumerable<string> names, out string? error)
    {
        error = null;
        var f = new PlantedFaults();
        foreach (var n in names)
        {
            switch (n)
            {
                case nameof(PlantedFaults.RevokeMissesGrandchildren): f = f with { RevokeMissesGrandchildren = true }; break;
                case nameof(PlantedFaults.MintKeepsRights): f = f with { MintKeepsRights = true }; break;
                case nameof(PlantedFaults.CopyForgetsDerivationEdge): f = f with { CopyForgetsDerivationEdge = true }; break;
                case nameof(PlantedFaults.DeleteLastLeavesObjectAlive): f = f with { DeleteLastLeavesObjectAlive = true }; break;
                case nameof(PlantedFaults.GrantRevokeKeepsGeneration): f = f with { GrantRevokeKeepsGeneration = true }; break;
                case nameof(PlantedFaults.SafecopySkipsChain): f = f with { SafecopySkipsChain = true }; break;
                default:
                    error = $"unknown planted fault '{n}' (known: {string.Join(", ", All)})";
                    return null;
            }
        }

        return f;
    }
}
