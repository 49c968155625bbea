using System.Text.RegularExpressions;
using Shouldly;
using Verified.Machine.Tests.Support;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace Verified.Cli.Tests;

public sealed partial class ExecVerbTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("verified-exec-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Save(byte[] bytes, string name = "prog.elf")
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static (int Code, string Stdout, string Stderr) Exec(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Program.Run(["exec", .. args], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Writes argv[argc-1] and a newline to stdout, then exits with status 7.</summary>
    private static byte[] EchoLastArgument() => TinyElf.Build(a =>
    {
        var length = a.CreateLabel();
        var done = a.CreateLabel();
        a.mov(rax, __qword_ptr[rsp]);
        a.mov(rsi, __qword_ptr[rsp + rax * 8]);    // argv[argc-1] (argv starts at rsp+8)
        a.xor(edx, edx);
        a.Label(ref length);
        a.cmp(__byte_ptr[rsi + rdx], 0);
        a.je(done);
        a.inc(rdx);
        a.jmp(length);
        a.Label(ref done);
        a.mov(__byte_ptr[rsi + rdx], 10);           // replace the NUL by a newline
        a.inc(rdx);
        a.mov(edi, 1);
        a.mov(eax, 1);
        a.syscall();
        a.mov(edi, 7);
        a.mov(eax, 231);
        a.syscall();
    });

    [Fact]
    public void RunsTheProgramWithItsArgumentsOutputAndExitStatus()
    {
        var (code, stdout, stderr) = Exec(Save(EchoLastArgument()), "--", "first", "last one");
        code.ShouldBe(7);
        stdout.ShouldBe("last one\n");
        stderr.ShouldBeEmpty();
    }

    [Fact]
    public void StatsPrintRetiredInstructionsAndSpeedAsTheLastLine()
    {
        var (code, _, stderr) = Exec(Save(EchoLastArgument()), "--stats");
        code.ShouldBe(7);
        var last = stderr.TrimEnd('\n').Split('\n')[^1];
        StatsLine().IsMatch(last).ShouldBeTrue(last);
    }

    [Fact]
    public void AMalformedElfIsAClearErrorWithExitCodeTwoAndNoStackTrace()
    {
        var bytes = EchoLastArgument();
        bytes[18] = 3;   // e_machine = EM_386
        var (code, stdout, stderr) = Exec(Save(bytes));
        code.ShouldBe(ExitCodes.UsageOrInput);
        stdout.ShouldBeEmpty();
        stderr.ShouldContain("malformed ELF: e_machine 3 is not x86-64");
        stderr.ShouldNotContain("   at ");
        stderr.Trim().Split('\n').Length.ShouldBe(1);
    }

    [Fact]
    public void AMissingFileIsAnInputError()
    {
        var (code, _, stderr) = Exec(Path.Combine(directory, "absent.elf"));
        code.ShouldBe(ExitCodes.UsageOrInput);
        stderr.ShouldContain("absent.elf");
    }

    [Fact]
    public void AnUnsupportedSystemCallStopsWithOneLineAndExitCodeFour()
    {
        var elf = TinyElf.Build(a =>
        {
            a.mov(eax, 57);   // fork
            a.syscall();
        });
        var (code, _, stderr) = Exec(Save(elf));
        code.ShouldBe(ExitCodes.GuestStopped);
        stderr.Trim().Split('\n').Length.ShouldBe(1);
        stderr.ShouldContain("unsupported system call 57 at rip 0x401005 (bytes 0f05)");
    }

    [Fact]
    public void AnUnsupportedInstructionStopsWithItsAddressAndBytes()
    {
        var elf = TinyElf.Build(a =>
        {
            a.nop();
            a.movaps(xmm0, xmm1);
        });
        var (code, _, stderr) = Exec(Save(elf));
        code.ShouldBe(ExitCodes.GuestStopped);
        stderr.ShouldContain("#UD");
        stderr.ShouldContain("bytes 0f28c1");
        stderr.ShouldContain("at rip 0x401001");
    }

    [GeneratedRegex(@"^retired \d+ instructions in \d+\.\d{3} s \(\d+\.\d MIPS\)$")]
    private static partial Regex StatsLine();
}
