using System.Text;

namespace Verified.Machine.Tests.Infrastructure;

/// <summary>Compares a native outcome with an emulated one under a case's flag mask.</summary>
public static class OutcomeDiff
{
    private static readonly string[] RegisterNames =
        ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"];

    public static string RegisterName(int index) => RegisterNames[index];

    /// <summary>null when the outcomes agree; otherwise a report naming every difference.</summary>
    public static string? Compare(DifferentialCase testCase, CaseOutcome native, CaseOutcome emulated)
    {
        var report = new StringBuilder();
        if (native.Stop != emulated.Stop)
        {
            report.AppendLine($"  stop: native {native.Stop} at {native.FaultRip:x}, emulator {emulated.Stop} at {emulated.FaultRip:x}");
        }
        else if (native.Stop != StopKind.End && native.FaultRip != emulated.FaultRip)
        {
            report.AppendLine($"  fault rip: native {native.FaultRip:x}, emulator {emulated.FaultRip:x}");
        }
        if (native.Stop == emulated.Stop && native.FaultAddress != emulated.FaultAddress)
        {
            report.AppendLine($"  fault address (CR2): native {native.FaultAddress:x}, emulator {emulated.FaultAddress:x}");
        }
        for (var i = 0; i < 16; i++)
        {
            if (native.Registers[i] != emulated.Registers[i])
            {
                report.AppendLine($"  {RegisterNames[i]}: native {native.Registers[i]:x16}, emulator {emulated.Registers[i]:x16}");
            }
        }
        var mask = testCase.ComparedFlags;
        if ((native.Rflags & mask) != (emulated.Rflags & mask))
        {
            report.AppendLine(
                $"  flags (compared {Flags.Describe(mask)}): native [{Flags.Describe(native.Rflags & mask)}], emulator [{Flags.Describe(emulated.Rflags & mask)}]");
        }
        foreach (var offset in native.ChangedWords.Keys.Union(emulated.ChangedWords.Keys).Order())
        {
            var n = native.ChangedWords.TryGetValue(offset, out var nv) ? $"{nv:x16}" : "unchanged";
            var e = emulated.ChangedWords.TryGetValue(offset, out var ev) ? $"{ev:x16}" : "unchanged";
            if (n != e)
            {
                report.AppendLine($"  memory {GuestLayout.DataAddress + (ulong)offset:x}: native {n}, emulator {e}");
            }
        }
        return report.Length == 0 ? null : report.ToString();
    }

    /// <summary>The case as a reproduction: listing, bytes and initial state.</summary>
    public static string Describe(DifferentialCase testCase)
    {
        var text = new StringBuilder();
        text.AppendLine(testCase.Listing);
        text.AppendLine($"bytes: {Convert.ToHexString(testCase.Code.AsSpan())}");
        for (var i = 0; i < 16; i++)
        {
            text.Append($"{RegisterNames[i]}={testCase.Registers[i]:x} ");
        }
        text.AppendLine();
        text.AppendLine($"rflags={testCase.Rflags:x} memory seed={testCase.MemorySeed:x} gs base={testCase.GsBase:x}");
        return text.ToString();
    }
}
