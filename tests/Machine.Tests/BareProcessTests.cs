using System.Text;
using Shouldly;
using Verified.Machine.Elf;
using Verified.Machine.Linux;
using Verified.Machine.Tests.Support;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace Verified.Machine.Tests;

public sealed class BareProcessTests
{
    private static (BareOutcome Outcome, string Stdout, string Stderr) Run(byte[] elf, params string[] args)
    {
        ElfImage.TryParse(elf, out var image, out var error).ShouldBeTrue(error);
        var process = BareProcess.Load(image, ["prog", .. args]);
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var outcome = process.Run(stdout, stderr, 1_000_000);
        return (outcome, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    [Fact]
    public void WritesArgvFromTheLinuxInitialStackAndExitsWithItsStatus()
    {
        // _start: rsp -> argc, argv[0], argv[1], NULL, NULL (envp), AT_NULL. Print argv[1] and exit argc.
        var elf = TinyElf.Build(a =>
        {
            var length = a.CreateLabel();
            var done = a.CreateLabel();
            a.mov(rsi, __qword_ptr[rsp + 16]);   // argv[1]
            a.xor(edx, edx);
            a.Label(ref length);
            a.cmp(__byte_ptr[rsi + rdx], 0);
            a.je(done);
            a.inc(rdx);
            a.jmp(length);
            a.Label(ref done);
            a.mov(edi, 1);
            a.mov(eax, 1);
            a.syscall();
            a.mov(rdi, __qword_ptr[rsp]);        // argc
            a.add(rdi, __qword_ptr[rsp + 32]);   // + envp[0] (must be NULL)
            a.mov(eax, 231);
            a.syscall();
        });
        var (outcome, stdout, _) = Run(elf, "héllo");
        stdout.ShouldBe("héllo");
        outcome.ShouldBe(new BareOutcome.Exited(2));
    }

    [Fact]
    public void TheInitialStackIsSixteenByteAligned()
    {
        var elf = TinyElf.Build(a =>
        {
            a.mov(rdi, rsp);
            a.and(edi, 15);
            a.mov(eax, 60);
            a.syscall();
        });
        Run(elf, "a").Outcome.ShouldBe(new BareOutcome.Exited(0));
        Run(elf, "ab", "cde").Outcome.ShouldBe(new BareOutcome.Exited(0));
    }

    [Fact]
    public void WriteToAnotherDescriptorOrABadBufferReturnsAnError()
    {
        var elf = TinyElf.Build(a =>
        {
            a.mov(edi, 5);
            a.mov(rsi, rsp);
            a.mov(edx, 1);
            a.mov(eax, 1);
            a.syscall();
            a.mov(r12, rax);                      // -EBADF
            a.mov(edi, 1);
            a.mov(rsi, 0x1234_0000);
            a.mov(eax, 1);
            a.syscall();                          // -EFAULT
            a.add(rax, r12);
            a.neg(rax);
            a.mov(rdi, rax);
            a.mov(eax, 60);
            a.syscall();
        });
        Run(elf).Outcome.ShouldBe(new BareOutcome.Exited(9 + 14));
    }

    [Fact]
    public void AnUnsupportedSystemCallStopsWithItsNumberAndAddress()
    {
        var elf = TinyElf.Build(a =>
        {
            a.mov(eax, 39);                       // getpid
            a.syscall();
        });
        var stopped = Run(elf).Outcome.ShouldBeOfType<BareOutcome.Stopped>();
        stopped.Reason.ShouldContain("unsupported system call 39");
        stopped.Reason.ShouldContain($"0x{TinyElf.TextBase + 5:x}");
    }

    [Fact]
    public void FaultsAndUnsupportedInstructionsStopWithWhatWhereAndTheBytes()
    {
        var ud = Run(TinyElf.Build(a => a.ud2())).Outcome.ShouldBeOfType<BareOutcome.Stopped>();
        ud.Reason.ShouldContain("#UD");
        ud.Reason.ShouldContain("0f0b");
        ud.Reason.ShouldContain($"0x{TinyElf.TextBase:x}");

        var pf = Run(TinyElf.Build(a => a.mov(__qword_ptr[0x10], rax))).Outcome.ShouldBeOfType<BareOutcome.Stopped>();
        pf.Reason.ShouldContain("#PF");
        pf.Reason.ShouldContain("0x10,");

        var text = Run(TinyElf.Build(a => a.mov(__qword_ptr[TinyElf.TextBase], rax))).Outcome.ShouldBeOfType<BareOutcome.Stopped>();
        text.Reason.ShouldContain("error code 0x7");    // the text segment is not writable
    }

    [Fact]
    public void TheDataSegmentIsLoadedAndZeroFilledBeyondTheFile()
    {
        var elf = TinyElf.Build(a =>
        {
            a.mov(rbx, TinyElf.DataBase);
            a.movzx(edi, __byte_ptr[rbx + 2]);    // 30 from the file
            a.add(dil, __byte_ptr[rbx + 0x80]);   // 0 from the zero fill
            a.mov(__byte_ptr[rbx + 0xF0], dil);   // the bss part is writable
            a.mov(eax, 60);
            a.syscall();
        }, [10, 20, 30]);
        Run(elf).Outcome.ShouldBe(new BareOutcome.Exited(30));
    }
}
