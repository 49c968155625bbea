using System.Text;
using Verified.Machine.Tests.Infrastructure.Generation;

namespace Verified.Machine.Tests.Infrastructure;

/// <summary>Generates, runs on both sides in batches, and reports the first differences (shared with the bench soak).</summary>
public static class DifferentialRun
{
    private const int Batch = 1000;

    /// <summary>null when every case agrees; otherwise a report of up to five differing cases with their reproductions.</summary>
    public static string? Execute(
        Func<IReadOnlyList<DifferentialCase>, IReadOnlyList<CaseOutcome>> native,
        EmulatorHarness emulator,
        int seed,
        int count,
        bool faulting,
        out long emulatedInstructions)
    {
        var generator = new SequenceGenerator(seed);
        var report = new StringBuilder();
        var failures = 0;
        var before = emulator.InstructionsRetired;
        for (var done = 0; done < count; done += Batch)
        {
            var cases = Enumerable.Range(done, Math.Min(Batch, count - done)).Select(i => generator.Next(1 + (i % 30), faulting)).ToList();
            var expected = native(cases);
            for (var i = 0; i < cases.Count; i++)
            {
                var difference = OutcomeDiff.Compare(cases[i], expected[i], emulator.Run(cases[i]));
                if (difference is null)
                {
                    continue;
                }
                failures++;
                if (failures <= 5)
                {
                    report.AppendLine($"case {done + i} (seed {seed}) differs:").Append(difference).AppendLine(OutcomeDiff.Describe(cases[i]));
                }
            }
        }
        emulatedInstructions = emulator.InstructionsRetired - before;
        return failures == 0 ? null : $"{failures} of {count} sequences differ from the host.\n{report}";
    }
}
