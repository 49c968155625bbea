using System.Collections.Immutable;

namespace Verified.Machine.Tests.Infrastructure;

/// <summary>
/// Runs differential cases on the emulated <see cref="Cpu"/> with the same virtual layout as
/// Native/harness.c: code (user, writable and executable like the harness's RWX mapping, so
/// self-modifying sequences work on both), then the data and stack pages (user, writable,
/// no-execute), built with <see cref="PageTables.Map"/>. The code ends in int3, so a case that
/// runs to its end stops with #BP just after it. One machine serves many cases, which also
/// exercises the invalidation of translated code when the host rewrites the code page.
/// </summary>
public sealed class EmulatorHarness
{
    private const ulong MemoryBytes = 1 << 20;
    private const long Budget = 1_000_000;

    private readonly PhysicalMemory memory = new(MemoryBytes);
    private readonly Cpu cpu;
    private readonly ulong codeFrame;
    private readonly ulong dataFrame;
    private ulong nextFrame = 0x1000;
    private int previousCodeLength;

    public EmulatorHarness()
    {
        cpu = new Cpu(memory);
        var cr3 = Allocate();
        var codePages = (int)(GuestLayout.CodeCapacity / GuestLayout.PageSize);
        codeFrame = nextFrame;
        nextFrame += GuestLayout.CodeCapacity;
        dataFrame = nextFrame;
        nextFrame += 2 * GuestLayout.PageSize;
        for (var i = 0UL; i < (ulong)codePages; i++)
        {
            PageTables.Map(memory, cr3, GuestLayout.CodeAddress + (i * GuestLayout.PageSize), codeFrame + (i * GuestLayout.PageSize),
                PageTableEntry.Present | PageTableEntry.User | PageTableEntry.Writable, Allocate);
        }
        for (var i = 0UL; i < 2; i++)
        {
            PageTables.Map(memory, cr3, GuestLayout.DataAddress + (i * GuestLayout.PageSize), dataFrame + (i * GuestLayout.PageSize),
                PageTableEntry.Present | PageTableEntry.User | PageTableEntry.Writable | PageTableEntry.NoExecute, Allocate);
        }
        cpu.Cr3 = cr3;
    }

    /// <summary>Instructions retired by this machine so far.</summary>
    public long InstructionsRetired => cpu.InstructionsRetired;

    private ulong Allocate()
    {
        var frame = nextFrame;
        nextFrame += GuestLayout.PageSize;
        memory.Clear(frame, GuestLayout.PageSize);
        return frame;
    }

    public CaseOutcome Run(DifferentialCase testCase)
    {
        var code = new byte[Math.Max(previousCodeLength, testCase.Code.Length + 1)];
        Array.Fill(code, (byte)0xCC);
        testCase.Code.CopyTo(code);
        memory.Write(codeFrame, code);
        previousCodeLength = testCase.Code.Length + 1;

        var initial = GuestLayout.InitialMemory(testCase.MemorySeed);
        memory.Write(dataFrame, System.Runtime.InteropServices.MemoryMarshal.AsBytes(initial.AsSpan()));

        ref var registers = ref cpu.Registers;
        for (var r = 0; r < 16; r++)
        {
            registers[(Gpr)r] = testCase.Registers[r];
        }
        registers.Rip = GuestLayout.CodeAddress;
        registers.Rflags = testCase.Rflags;
        registers.FsBase = 0;
        registers.GsBase = testCase.GsBase;

        var exit = cpu.Run(Budget);
        registers = ref cpu.Registers;
        var (stop, rip, address) = exit switch
        {
            ExitReason.Exception { Vector: Vector.BP } when registers.Rip == testCase.EndAddress + 1 => (StopKind.End, 0UL, 0UL),
            ExitReason.Exception { Vector: Vector.BP } => (StopKind.Breakpoint, registers.Rip, 0UL),
            ExitReason.Exception { Vector: Vector.DE } => (StopKind.DivideError, registers.Rip, 0UL),
            ExitReason.Exception { Vector: Vector.PF } e => (StopKind.PageFault, registers.Rip, e.FaultAddress),
            ExitReason.Exception { Vector: Vector.GP } => (StopKind.GeneralProtection, registers.Rip, 0UL),
            ExitReason.Exception { Vector: Vector.UD } => (StopKind.InvalidOpcode, registers.Rip, 0UL),
            _ => (StopKind.Other, registers.Rip, 0UL),
        };

        var final = new ulong[GuestLayout.MemoryWords];
        memory.Read(dataFrame, System.Runtime.InteropServices.MemoryMarshal.AsBytes(final.AsSpan()));
        var changed = ImmutableSortedDictionary.CreateBuilder<int, ulong>();
        for (var i = 0; i < final.Length; i++)
        {
            if (final[i] != initial[i])
            {
                changed[i * 8] = final[i];
            }
        }
        var values = ImmutableArray.CreateBuilder<ulong>(16);
        for (var r = 0; r < 16; r++)
        {
            values.Add(registers[(Gpr)r]);
        }
        return new CaseOutcome(stop, rip, address, values.MoveToImmutable(), registers.Rflags, changed.ToImmutable());
    }
}
