using Shouldly;
using Verified.Proofs.Refinement;
using Xunit;
using Xunit.Abstractions;
using static Verified.Proofs.Refinement.ActionKind;

namespace Verified.Refinement.Tests;

/// <summary>
/// Random multi-task sequences on the correct kernel refine the spec: 2,000 sequences per run
/// (fixed seeds, shrinking on failure). One property draws from every action kind
/// (<see cref="CleanKernelTests"/>); three more draw from one area each
/// (<see cref="CleanKernelAreaTests"/>: capability operations; IPC with transfer, revocation,
/// destruction and faults; grants), so the interactions within an area come up far more often
/// than in the mixed one. Two classes, so that xunit runs them in parallel.
/// </summary>
public sealed class CleanKernelTests(ITestOutputHelper output)
{
    [Fact]
    public void Random_sequences_of_every_kind_on_the_correct_kernel_refine_the_spec() =>
        CleanKernel.Run(output, "every kind", [.. Workload.AllKinds], 800, 20261121);
}

public sealed class CleanKernelAreaTests(ITestOutputHelper output)
{
    public static TheoryData<string, ActionKind[], int, ulong> Areas => new()
    {
        { "capabilities", [Copy, Mint, Move, Mutate, Delete, Revoke, RetypeEndpoint], 400, 1 },
        { "ipc", [Send, Recv, Copy, Delete, Revoke, TaskDestroy, Exit, Fault, Suspend, Resume], 400, 2 },
        { "grants", [GrantCreate, GrantCreateIndirect, GrantRevoke, SafeCopy, TaskDestroy, Exit, Fault], 400, 3 },
    };

    [Theory]
    [MemberData(nameof(Areas))]
    public void Random_sequences_of_one_area_on_the_correct_kernel_refine_the_spec(string area, ActionKind[] kinds, int sequences, ulong seed) =>
        CleanKernel.Run(output, area, kinds, sequences, seed);
}

internal static class CleanKernel
{
    public static void Run(ITestOutputHelper output, string area, ActionKind[] kinds, int sequences, ulong seed)
    {
        var started = DateTime.UtcNow;
        var r = RefinementProperty.Run(kinds, faults: null, tests: sequences, maxLength: 20, seed: seed);
        output.WriteLine($"{area}: {r.Sequences} sequences, {r.Syscalls} syscalls checked in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        if (r.Minimal is not null)
        {
            var w = new Workload(null, check: true);
            w.Run(r.Minimal);
            output.WriteLine(Counterexample.Render(w.Checker!));
        }

        r.Violation.ShouldBeNull(r.Violation?.Message);
        r.Sequences.ShouldBe(sequences, "every sequence ran");
    }
}
