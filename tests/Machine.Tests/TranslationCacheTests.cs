using Shouldly;
using Verified.Machine.Tests.Support;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace Verified.Machine.Tests;

public sealed class TranslationCacheTests
{
    private static void ShouldTrap(ExitReason exit) =>
        exit.ShouldBeOfType<ExitReason.Exception>().Vector.ShouldBe(Vector.BP);

    [Fact]
    public void ALoopIsTranslatedOnceAndRunFromTheCache()
    {
        var m = TestMachine.Program(a =>
        {
            var top = a.CreateLabel();
            a.mov(ecx, 10_000);
            a.Label(ref top);
            a.add(rax, rcx);
            a.dec(ecx);
            a.jnz(top);
        });
        ShouldTrap(m.Run());
        m[Gpr.Rax].ShouldBe(10_000UL * 10_001 / 2);
        // mov+loop head, loop body, the int3 after it: a handful of blocks, not one per iteration.
        m.Cpu.BlocksTranslated.ShouldBeLessThan(5);
        m.Cpu.InstructionsRetired.ShouldBe(1 + (3 * 10_000) + 1);
    }

    /// <summary>A program whose code page is writable: it stores imm8 at CodeBase+patchOffset, then runs on.</summary>
    private static TestMachine SelfModifying(Action<Iced.Intel.Assembler> body)
    {
        var m = TestMachine.Program(body);
        PageTables.Map(m.Memory, m.Cr3, TestMachine.CodeBase, m.CodeFrames[0], PageTableEntry.User | PageTableEntry.Writable, m.Allocate);
        m.Cpu.FlushTlb();
        return m;
    }

    [Fact]
    public void AGuestStoreIntoCodeTranslatedEarlierIsSeenByTheNextExecution()
    {
        // A subroutine at +0x100 (mov eax, imm32; ret) is called, patched by the guest, called again.
        var m = SelfModifying(a =>
        {
            a.mov(rbx, TestMachine.CodeBase + 0x100);
            a.call(rbx);
            a.mov(r8, rax);
            a.mov(__dword_ptr[rbx + 1], 77);
            a.call(rbx);
        });
        m.Memory.Write(m.CodeFrames[0] + 0x100, [0xB8, 5, 0, 0, 0, 0xC3]);
        ShouldTrap(m.Run());
        m[Gpr.R8].ShouldBe(5UL);
        m[Gpr.Rax].ShouldBe(77UL);
    }

    [Fact]
    public void AStoreIntoTheRestOfTheRunningBlockTakesEffectAtOnce()
    {
        // The store rewrites the imm32 of the very next instruction, inside the same block.
        static void Body(Iced.Intel.Assembler a, int displacement)
        {
            a.mov(rbx, TestMachine.CodeBase);
            a.mov(__byte_ptr[rbx + displacement], 2);
        }

        var prefix = (int)TestMachine.AssembledLength(a => Body(a, 0x40));
        var m = SelfModifying(a =>
        {
            Body(a, prefix + 1);       // the imm32 of the mov eax below starts one byte into it
            a.mov(eax, 1);
        });
        ShouldTrap(m.Run());
        m[Gpr.Rax].ShouldBe(2UL);
    }

    [Fact]
    public void AHostWriteThroughPhysicalMemoryInvalidatesTranslatedCode()
    {
        var m = TestMachine.Program(a => a.mov(eax, 5));
        ShouldTrap(m.Run());
        m[Gpr.Rax].ShouldBe(5UL);
        var before = m.Cpu.BlocksTranslated;

        m.Memory.Write(m.CodeFrames[0] + 1, [9]);        // mov eax, 5 -> mov eax, 9
        m.Cpu.Registers.Rip = TestMachine.CodeBase;
        ShouldTrap(m.Run());
        m[Gpr.Rax].ShouldBe(9UL);
        m.Cpu.BlocksTranslated.ShouldBeGreaterThan(before);
    }

    [Fact]
    public void RunningUnchangedCodeAgainTranslatesNothingNew()
    {
        var m = TestMachine.Program(a => a.mov(eax, 5));
        ShouldTrap(m.Run());
        var before = m.Cpu.BlocksTranslated;
        m.Cpu.Registers.Rip = TestMachine.CodeBase;
        ShouldTrap(m.Run());
        m.Cpu.BlocksTranslated.ShouldBe(before);
    }

    [Fact]
    public void TheBudgetStopsAtExactlyThatManyInstructionsAndResumesSeamlessly()
    {
        static TestMachine Make() => TestMachine.Program(a =>
        {
            var top = a.CreateLabel();
            a.mov(ecx, 1000);
            a.Label(ref top);
            a.imul(rax, rax, 3);
            a.add(rax, rcx);
            a.sub(ecx, 1);
            a.jnz(top);
        });

        var whole = Make();
        ShouldTrap(whole.Run());

        var sliced = Make();
        var slices = 0;
        ExitReason exit;
        while ((exit = sliced.Cpu.Run(7)) is ExitReason.BudgetExhausted)
        {
            slices++;
            sliced.Cpu.InstructionsRetired.ShouldBe(slices * 7L);
        }

        ShouldTrap(exit);
        sliced.Cpu.Registers.ShouldBe(whole.Cpu.Registers);
        sliced.Cpu.InstructionsRetired.ShouldBe(whole.Cpu.InstructionsRetired);
        sliced.Cpu.Fingerprint().ShouldBe(whole.Cpu.Fingerprint());
    }

    [Fact]
    public void RepStringInstructionsArePreemptedBetweenIterationsAndResume()
    {
        var m = TestMachine.Program(a =>
        {
            a.mov(rdi, TestMachine.DataBase);
            a.mov(ecx, 100);
            a.mov(al, 0xAB);
            a.rep.stosb();
        });
        m.Cpu.Run(3 + 10).ShouldBeOfType<ExitReason.BudgetExhausted>();
        m[Gpr.Rcx].ShouldBe(90UL);
        m.Cpu.Registers.Rip.ShouldBe(TestMachine.CodeBase + TestMachine.AssembledLength(a =>
        {
            a.mov(rdi, TestMachine.DataBase);
            a.mov(ecx, 100);
            a.mov(al, 0xAB);
        }));
        ShouldTrap(m.Run());
        m[Gpr.Rcx].ShouldBe(0UL);
        var data = new byte[101];
        m.Cpu.TryReadVirtual(TestMachine.DataBase, data).ShouldBeTrue();
        data.Take(100).ShouldAllBe(b => b == 0xAB);
        data[100].ShouldBe((byte)0);
    }

    [Fact]
    public void UnsupportedAndPrivilegedInstructionsExitCleanly()
    {
        var sse = TestMachine.Program(a => a.addps(xmm0, xmm1));
        var ud = sse.Run().ShouldBeOfType<ExitReason.Exception>();
        ud.Vector.ShouldBe(Vector.UD);
        ud.Bytes.Take(3).ShouldBe(sse.Code.Take(3));       // 0F 58 C1
        sse.Cpu.Registers.Rip.ShouldBe(TestMachine.CodeBase);

        var hlt = TestMachine.Program(a => a.hlt());
        var gp = hlt.Run().ShouldBeOfType<ExitReason.Exception>();
        gp.Vector.ShouldBe(Vector.GP);

        var x87 = TestMachine.Program(a => a.fld1());
        x87.Run().ShouldBeOfType<ExitReason.Exception>().Vector.ShouldBe(Vector.UD);
    }

    [Fact]
    public void AnInstructionCrossingIntoAnUnmappedPageFaultsOnTheFetch()
    {
        // Put the first byte of "mov eax, imm32" (5 bytes) at the last byte of a mapped code page.
        var m = TestMachine.Program(a => a.nop());
        var page = TestMachine.CodeBase + 0x10_0000;
        var frame = m.MapNew(page, PageTableEntry.User);
        m.Memory.Write(frame + 0xFFF, [0xB8]);
        m.Cpu.Registers.Rip = page + 0xFFF;
        var e = m.Run().ShouldBeOfType<ExitReason.Exception>();
        e.Vector.ShouldBe(Vector.PF);
        e.FaultAddress.ShouldBe(page + 0x1000);
        e.ErrorCode.ShouldBe(0x14UL);                      // user, fetch, not present
        m.Cpu.Registers.Rip.ShouldBe(page + 0xFFF);

        // Once the next page is mapped the same instruction runs.
        var next = m.MapNew(page + 0x1000, PageTableEntry.User);
        m.Memory.Write(next, [7, 0, 0, 0, 0xCC]);
        ShouldTrap(m.Run());
        m[Gpr.Rax].ShouldBe(7UL);
    }
}
