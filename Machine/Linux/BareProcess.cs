using System.Text;
using Verified.Machine.Elf;

namespace Verified.Machine.Linux;

/// <summary>
/// A static x86-64 Linux executable on a bare machine: its segments mapped with their permissions,
/// a stack with the Linux initial layout (argc, argv, NULL, envp NULL, auxv AT_NULL), and only the
/// system calls write (to fd 1 and 2), exit and exit_group. Used by `verified exec`, tests and bench.
/// </summary>
public sealed class BareProcess
{
    public const ulong StackTop = 0x0000_7FFF_FFFF_F000;
    public const ulong StackSize = 8UL << 20;
    public const ulong DefaultMemoryBytes = 512UL << 20;
    private const int SysWrite = 1, SysExit = 60, SysExitGroup = 231;
    private const long EBadF = 9, EFault = 14;

    private ulong nextFrame = 0x1000;

    private BareProcess(PhysicalMemory memory)
    {
        Memory = memory;
        Cpu = new Cpu(memory);
    }

    public Cpu Cpu { get; }

    public PhysicalMemory Memory { get; }

    /// <summary>Builds the process. Throws InvalidOperationException when the image does not fit the memory.</summary>
    public static BareProcess Load(ElfImage image, IReadOnlyList<string> arguments, ulong memoryBytes = DefaultMemoryBytes)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(arguments);
        var process = new BareProcess(new PhysicalMemory(memoryBytes));
        process.Build(image, arguments);
        return process;
    }

    private ulong AllocateFrame()
    {
        if (nextFrame + 0x1000 > Memory.Size)
        {
            throw new InvalidOperationException($"the program needs more than the {Memory.Size >> 20} MiB of physical memory of the bare machine");
        }

        var frame = nextFrame;
        nextFrame += 0x1000;
        return frame;
    }

    private void Build(ElfImage image, IReadOnlyList<string> arguments)
    {
        var cr3 = AllocateFrame();
        // Pages shared by two segments get the union of their permissions.
        var pages = new SortedDictionary<ulong, ulong>();
        foreach (var s in image.Segments)
        {
            var flags = PageTableEntry.User | (s.Writable ? PageTableEntry.Writable : 0) | (s.Executable ? 0 : PageTableEntry.NoExecute);
            for (var page = s.VirtualAddress & ~0xFFFUL; page < s.VirtualAddress + s.MemorySize; page += 0x1000)
            {
                pages[page] = pages.TryGetValue(page, out var old)
                    ? ((old | flags) & ~PageTableEntry.NoExecute) | (old & flags & PageTableEntry.NoExecute)
                    : flags;
            }
        }

        var physical = new Dictionary<ulong, ulong>();
        foreach (var (page, flags) in pages)
        {
            var frame = AllocateFrame();
            physical[page] = frame;
            PageTables.Map(Memory, cr3, page, frame, flags, AllocateFrame);
        }

        foreach (var s in image.Segments)
        {
            var bytes = s.FileBytes.AsSpan();
            var va = s.VirtualAddress;
            while (!bytes.IsEmpty)
            {
                var n = (int)Math.Min((ulong)bytes.Length, 0x1000 - (va & 0xFFF));
                Memory.Write(physical[va & ~0xFFFUL] | (va & 0xFFF), bytes[..n]);
                bytes = bytes[n..];
                va += (ulong)n;
            }
        }

        for (var page = StackTop - StackSize; page < StackTop; page += 0x1000)
        {
            if (pages.ContainsKey(page))
            {
                throw new InvalidOperationException($"a segment overlaps the stack at 0x{page:x}");
            }

            PageTables.Map(Memory, cr3, page, AllocateFrame(), PageTableEntry.User | PageTableEntry.Writable | PageTableEntry.NoExecute, AllocateFrame);
        }

        Cpu.Cr3 = cr3;
        ref var regs = ref Cpu.Registers;
        regs.Rip = image.Entry;
        regs.Rflags = 0x202;
        regs[Gpr.Rsp] = BuildInitialStack(arguments);
    }

    /// <summary>Writes argv strings and the argc/argv/envp/auxv block; returns the initial RSP (16-byte aligned).</summary>
    private ulong BuildInitialStack(IReadOnlyList<string> arguments)
    {
        var sp = StackTop;
        var pointers = new List<ulong>();
        foreach (var argument in arguments)
        {
            var bytes = Encoding.UTF8.GetBytes(argument + "\0");
            sp -= (ulong)bytes.Length;
            WriteStack(sp, bytes);
            pointers.Add(sp);
        }

        var words = new List<ulong> { (ulong)arguments.Count };
        words.AddRange(pointers);
        words.Add(0);           // argv terminator
        words.Add(0);           // envp terminator
        words.Add(0);           // AT_NULL
        words.Add(0);
        sp &= ~0xFUL;
        sp -= (ulong)words.Count * 8;
        sp &= ~0xFUL;
        var block = new byte[words.Count * 8];
        for (var i = 0; i < words.Count; i++)
        {
            BitConverter.TryWriteBytes(block.AsSpan(i * 8), words[i]);
        }

        WriteStack(sp, block);
        return sp;
    }

    private void WriteStack(ulong va, ReadOnlySpan<byte> bytes)
    {
        if (!Cpu.TryWriteVirtual(va, bytes))
        {
            throw new InvalidOperationException("the arguments do not fit on the stack");
        }
    }

    /// <summary>Runs until exit, a stop, or maxInstructions; program output goes to the two streams.</summary>
    public BareOutcome Run(Stream stdout, Stream stderr, long maxInstructions = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        while (true)
        {
            var remaining = maxInstructions == long.MaxValue ? long.MaxValue : maxInstructions - Cpu.InstructionsRetired;
            if (remaining <= 0)
            {
                return new BareOutcome.OutOfInstructions();
            }

            var exit = Cpu.Run(remaining);
            ref var regs = ref Cpu.Registers;
            switch (exit)
            {
                case ExitReason.BudgetExhausted:
                    continue;
                case ExitReason.Exception e:
                    return new BareOutcome.Stopped($"{Describe(e)} at rip 0x{regs.Rip:x}");
                case ExitReason.Syscall:
                    var number = regs[Gpr.Rax];
                    switch (number)
                    {
                        case SysWrite:
                            regs[Gpr.Rax] = (ulong)Write(regs[Gpr.Rdi], regs[Gpr.Rsi], regs[Gpr.Rdx], stdout, stderr);
                            continue;
                        case SysExit:
                        case SysExitGroup:
                            stdout.Flush();
                            stderr.Flush();
                            return new BareOutcome.Exited((int)(regs[Gpr.Rdi] & 0xFF));
                        default:
                            var syscallAddress = regs.Rip - 2;
                            return new BareOutcome.Stopped($"unsupported system call {(long)number} at rip 0x{syscallAddress:x} (bytes 0f05)");
                    }

                default:
                    throw new InvalidOperationException($"unknown exit {exit}");
            }
        }
    }

    private static string Describe(ExitReason.Exception e)
    {
        var bytes = e.Bytes.IsDefaultOrEmpty ? "unreadable" : Convert.ToHexString(e.Bytes.AsSpan()).ToLowerInvariant();
        return e.Vector switch
        {
            Vector.UD => $"unsupported or invalid instruction (#UD, bytes {bytes})",
            Vector.PF => $"page fault (#PF) on address 0x{e.FaultAddress:x}, error code 0x{e.ErrorCode:x} (bytes {bytes})",
            Vector.DE => $"divide error (#DE, bytes {bytes})",
            Vector.BP => $"breakpoint (#BP, bytes {bytes})",
            _ => $"#{e.Vector} exception, error code 0x{e.ErrorCode:x} (bytes {bytes})",
        };
    }

    private long Write(ulong fd, ulong buffer, ulong count, Stream stdout, Stream stderr)
    {
        if (fd is not (1 or 2))
        {
            return -EBadF;
        }

        if (count > int.MaxValue)
        {
            return -EFault;
        }

        var data = new byte[count];
        if (!Cpu.TryReadVirtual(buffer, data))
        {
            return -EFault;
        }

        (fd == 1 ? stdout : stderr).Write(data);
        return (long)count;
    }
}
