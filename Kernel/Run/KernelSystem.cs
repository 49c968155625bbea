using System.Collections.Immutable;
using Verified.Kernel.Abi;
using Verified.Kernel.Boot;
using Verified.Kernel.Objects;
using Verified.Machine;
using Verified.Machine.Elf;

namespace Verified.Kernel.Run;

/// <summary>A saved whole system: kernel structures and the machine (registers, memory).</summary>
public sealed record SystemSnapshot(KernelSnapshot Kernel, CpuSnapshot Machine, int LoadedTask);

/// <summary>
/// The kernel running tasks on the emulated CPU: pick the head of the highest ready queue, load
/// its registers and address space, run it for at most a time slice of instructions, then handle
/// the exit (syscall, fault, budget exhausted: round-robin). Deterministic.
/// </summary>
public sealed class KernelSystem
{
    private int loaded = -1;

    private KernelSystem(Cpu cpu, BootResult boot)
    {
        Cpu = cpu;
        Kernel = boot.Kernel;
        RootTask = boot.Root.Ref;
        Boot = boot;
    }

    /// <summary>The CPU.</summary>
    public Cpu Cpu { get; }

    /// <summary>The kernel.</summary>
    public Kernel Kernel { get; }

    /// <summary>The boot result (root task, untyped slots).</summary>
    public BootResult Boot { get; }

    /// <summary>The root task as booted.</summary>
    public ObjectRef RootTask { get; }

    /// <summary>Instructions a task runs before it is preempted.</summary>
    public long TimeSlice { get; set; } = 20_000;

    /// <summary>
    /// Asked by <see cref="Run"/> after each exit is handled (syscall, fault, preemption), before the
    /// next task is chosen: true ends the run with <see cref="RunOutcome.Interrupted"/>, so an
    /// observer (the refinement checker) stops the machine at the step it reports, not at the end of
    /// the run's instruction budget. Null (the default) never interrupts.
    /// </summary>
    public Func<bool>? Interrupt { get; set; }

    /// <summary>Boots ELF images: the root task from the first; the others become module frames. Bad images are errors, not exceptions.</summary>
    public static bool TryBoot(byte[] rootElf, IReadOnlyList<byte[]> modules, ulong memoryBytes, out KernelSystem? system, out string? error)
    {
        ArgumentNullException.ThrowIfNull(rootElf);
        ArgumentNullException.ThrowIfNull(modules);
        system = null;
        if (!ElfImage.TryParse(rootElf, out var image, out var elfError))
        {
            error = $"root image: {elfError}";
            return false;
        }

        var segments = image.Segments.Select(s => new BootSegment(s.VirtualAddress, s.FileBytes, s.MemorySize, s.Writable)).ToImmutableArray();
        var memory = new PhysicalMemory(memoryBytes);
        if (!Genesis.TryBoot(new MachineMemory(memory), new BootImage(image.Entry, segments), modules, 12, out var boot, out var bootError))
        {
            error = bootError!.Reason;
            return false;
        }

        system = new KernelSystem(new Cpu(memory), boot!);
        error = null;
        return true;
    }

    /// <summary>Runs until the root task exits, nothing can run, or the instruction limit.</summary>
    public RunOutcome Run(long maxInstructions)
    {
        var start = Cpu.InstructionsRetired;
        while (true)
        {
            foreach (var (task, code) in Kernel.Exits)
            {
                if (task == RootTask)
                {
                    return new RunOutcome.Exited(code);
                }
            }

            var used = Cpu.InstructionsRetired - start;
            if (Interrupt?.Invoke() == true)
            {
                return new RunOutcome.Interrupted(used);
            }

            if (used >= maxInstructions)
            {
                return new RunOutcome.InstructionLimit(used);
            }

            var t = Kernel.ChooseTask();
            if (t is null)
            {
                var root = Kernel.Objects.Resolve<TaskObject>(RootTask);
                return new RunOutcome.Stuck(root?.StopReason is { } why ? $"root task stopped: {why}" : $"no task can run (root task is {root?.State.ToString() ?? "gone"})");
            }

            Step(t, Math.Min(TimeSlice, maxInstructions - used));
        }
    }

    /// <summary>Runs one task for at most a budget and handles how it stopped.</summary>
    public void Step(TaskObject t, long budget)
    {
        ArgumentNullException.ThrowIfNull(t);
        Load(t);
        var exit = Cpu.Run(budget);
        Save(t);
        switch (exit)
        {
            case ExitReason.Syscall:
                Kernel.HandleSyscall(t);
                break;
            case ExitReason.Exception e:
                var (kind, address, code) = e.Vector switch
                {
                    Vector.PF => (FaultKind.PageFault, e.FaultAddress, e.ErrorCode),
                    Vector.UD => (FaultKind.InvalidOpcode, 0UL, 0UL),
                    Vector.GP => (FaultKind.GeneralProtection, 0UL, e.ErrorCode),
                    Vector.DE => (FaultKind.DivideError, 0UL, 0UL),
                    _ => (FaultKind.OtherException, 0UL, (ulong)e.Vector),
                };
                Kernel.RaiseFault(t, kind, address, code);
                break;
            case ExitReason.BudgetExhausted:
                Kernel.RotateToTail(t); // spec: schedule.preempt — round-robin within a priority
                break;
            default:
                throw new InvalidOperationException($"the machine returned an exit the kernel does not know: {exit}");
        }
    }

    /// <summary>Saves the whole system.</summary>
    public SystemSnapshot Snapshot() => new(Kernel.Snapshot(), Cpu.Snapshot(), loaded);

    /// <summary>Restores the whole system.</summary>
    public void Restore(SystemSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Kernel.Restore(snapshot.Kernel);
        Cpu.Restore(snapshot.Machine);
        loaded = -1;
    }

    /// <summary>A hash of kernel structures and machine state together.</summary>
    public ulong Fingerprint() => Kernel.Fingerprint() ^ (Cpu.Fingerprint() * 0x9E37_79B9_7F4A_7C15);

    private void Load(TaskObject t)
    {
        ref var r = ref Cpu.Registers;
        for (var i = 0; i < 16; i++)
        {
            r[(Gpr)i] = t.Registers[i];
        }

        r.Rip = t.Registers[AbiConstants.RegRip];
        r.Rflags = t.Registers[AbiConstants.RegRflags];
        r.FsBase = t.Registers[AbiConstants.RegFsBase];
        r.GsBase = t.Registers[AbiConstants.RegGsBase];
        if (loaded != t.Id || Kernel.AddressSpacesChanged || Cpu.Cr3 != t.Pml4)
        {
            Cpu.Cr3 = t.Pml4; // setting CR3 flushes the TLB
            Kernel.AddressSpacesChanged = false;
            loaded = t.Id;
        }
    }

    private void Save(TaskObject t)
    {
        ref var r = ref Cpu.Registers;
        for (var i = 0; i < 16; i++)
        {
            t.Registers[i] = r[(Gpr)i];
        }

        t.Registers[AbiConstants.RegRip] = r.Rip;
        t.Registers[AbiConstants.RegRflags] = r.Rflags;
        t.Registers[AbiConstants.RegFsBase] = r.FsBase;
        t.Registers[AbiConstants.RegGsBase] = r.GsBase;
    }
}
