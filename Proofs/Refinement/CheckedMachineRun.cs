using Verified.Kernel.Run;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Guest programs running on the emulated CPU with the refinement checker on, driven by one run
/// loop (the system is run <see cref="MachineRecipe.SliceInstructions"/> at a time) shared by the
/// run that finds a violation and the replay of its counterexample, so both schedule alike.
/// </summary>
public sealed class CheckedMachineRun
{
    private readonly long start;
    private bool ran;

    private CheckedMachineRun(MachineRecipe recipe, KernelSystem system, RefinementChecker checker)
    {
        Recipe = recipe;
        System = system;
        Checker = checker;
        start = system.Cpu.InstructionsRetired;
    }

    public MachineRecipe Recipe { get; }

    public KernelSystem System { get; }

    public RefinementChecker Checker { get; }

    /// <summary>How the machine stopped, when it stopped by itself (the root task exited, or nothing can run); null while it could go on.</summary>
    public RunOutcome? Ended { get; private set; }

    /// <summary>Guest instructions retired so far (where the run stopped).</summary>
    public long Instructions => System.Cpu.InstructionsRetired - start;

    /// <summary>
    /// Boots the recipe's machine with its planted faults and the checker attached. A recipe read
    /// from a file is untrusted: a bad image, an unknown fault or an out-of-range setting is an
    /// error message, not an exception.
    /// </summary>
    public static bool TryStart(MachineRecipe recipe, out CheckedMachineRun? run, out string? error)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        run = null;
        error = Validate(recipe);
        if (error is not null) return false;
        var faults = PlantedFaultNames.FromNames(recipe.PlantedFaults, out error);
        if (faults is null) return false;
        var images = recipe.Images.Select(i => i.Bytes.ToArray()).ToArray();
        if (!KernelSystem.TryBoot(images[0], images[1..], recipe.MemoryBytes, out var system, out var bootError))
        {
            error = $"the machine does not boot {recipe.Images[0].Name}: {bootError}";
            return false;
        }

        var kernel = system!.Kernel;
        // No fault named is the correct kernel, which is a null Faults: an all-false object is
        // equivalent for every fault, but the kernel guards its derivation-list walk against a
        // (planted) cycle whenever Faults is set, a HashSet per walk and two walks per checked step.
        kernel.Faults = recipe.PlantedFaults.IsEmpty ? null : faults;
        if (recipe.RevokeDeletionsPerEntry is { } perEntry) kernel.RevokeDeletionsPerEntry = perEntry;
        system.TimeSlice = recipe.TimeSlice;
        var checker = RefinementChecker.Attach(kernel, new RefinementChecker
        {
            CrossCheckEvery = recipe.CrossCheckEvery,
            PlantedFaults = recipe.PlantedFaults,
        });
        run = new CheckedMachineRun(recipe, system, checker);
        return true;
    }

    /// <summary>
    /// Runs slice by slice until the checker reports a violation (the machine stops at that
    /// syscall), the machine stops by itself (then the checker's end-of-run cross-check runs), or
    /// a bound is reached: <paramref name="maxSteps"/> checked syscalls (exact; the run loop's faults,
    /// also checked steps, are not counted, so an unchecked run bounded by the kernel's syscall count stops alike), or
    /// <paramref name="maxInstructions"/> guest instructions (tested between slices). Returns the
    /// violation, if any. A run is run once: an interruption cuts a slice short, so continuing
    /// would not be the schedule a fresh run of the recipe has.
    /// </summary>
    public RefinementViolation? Run(long maxSteps, long maxInstructions)
    {
        if (ran) throw new InvalidOperationException("CheckedMachineRun.Run: a run is run once; start another with TryStart");
        ran = true;
        System.Interrupt = () => Checker.Violation is not null || Checker.SyscallStepCount >= maxSteps;
        while (Checker.Violation is null && Ended is null && Checker.SyscallStepCount < maxSteps && Instructions < maxInstructions)
        {
            var outcome = System.Run(Recipe.SliceInstructions);
            if (outcome is RunOutcome.Exited or RunOutcome.Stuck)
            {
                Ended = outcome;
                Checker.Finish(System.Kernel);
            }
        }

        System.Interrupt = null;
        return Checker.Violation;
    }

    // Limits on an untrusted recipe: those of `verified boot` for memory; the slices only need to be
    // positive and small enough that one slice of a changed kernel cannot run for hours.
    private static string? Validate(MachineRecipe r) =>
        r.Images.IsDefaultOrEmpty ? "the machine needs at least the root task's image"
        : r.MemoryBytes is < 1 << 20 or > 1UL << 30 ? $"machine memory must be 1 MiB to 1 GiB, not {r.MemoryBytes} bytes"
        : r.MemoryBytes % 4096 != 0 ? $"machine memory must be a whole number of 4096-byte pages, not {r.MemoryBytes} bytes"
        : r.TimeSlice is < 1 or > 1_000_000_000 ? $"the time slice must be 1 to 10^9 instructions, not {r.TimeSlice}"
        : r.SliceInstructions is < 1 or > 1_000_000_000 ? $"the run slice must be 1 to 10^9 instructions, not {r.SliceInstructions}"
        : r.CrossCheckEvery < 0 ? "the cross-check period must not be negative"
        : r.RevokeDeletionsPerEntry is < 1 ? "revoke deletions per entry must be at least 1"
        : null;
}
