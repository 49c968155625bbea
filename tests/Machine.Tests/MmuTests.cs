using Shouldly;
using Verified.Machine.Tests.Support;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace Verified.Machine.Tests;

public sealed class MmuTests
{
    private const ulong Unmapped = 0x1234_5000;

    private static ExitReason.Exception Fault(ExitReason exit) => exit.ShouldBeOfType<ExitReason.Exception>();

    [Fact]
    public void ReadOfAnUnmappedPageIsANotPresentPageFaultAtTheInstruction()
    {
        var m = TestMachine.Program(a =>
        {
            a.mov(rax, 5);
            a.mov(rbx, __qword_ptr[Unmapped + 8]);
        });
        var e = Fault(m.Run());
        e.Vector.ShouldBe(Vector.PF);
        e.FaultAddress.ShouldBe(Unmapped + 8);
        e.ErrorCode.ShouldBe(4UL);                        // user, read, not present
    }

    [Fact]
    public void WriteToAReadOnlyPageIsAProtectionFaultWithTheWriteBit()
    {
        var m = TestMachine.Program(a => a.mov(__qword_ptr[TestMachine.CodeBase + 0x100], 1));
        var e = Fault(m.Run());
        e.Vector.ShouldBe(Vector.PF);
        e.ErrorCode.ShouldBe(7UL);                        // present, write, user
        e.FaultAddress.ShouldBe(TestMachine.CodeBase + 0x100);
    }

    [Fact]
    public void FetchFromANoExecutePageSetsTheInstructionFetchBit()
    {
        var m = TestMachine.Program(a =>
        {
            a.mov(rax, TestMachine.DataBase);
            a.jmp(rax);
        });
        var e = Fault(m.Run());
        e.Vector.ShouldBe(Vector.PF);
        e.ErrorCode.ShouldBe(0x15UL);                     // present, user, instruction fetch
        e.FaultAddress.ShouldBe(TestMachine.DataBase);
        m.Cpu.Registers.Rip.ShouldBe(TestMachine.DataBase);
    }

    [Fact]
    public void ASupervisorPageIsAProtectionFaultForTheUser()
    {
        var m = TestMachine.Program(a => a.mov(rax, __qword_ptr[0x70_0000]));
        m.MapNew(0x70_0000, PageTableEntry.Writable);    // no User bit
        var e = Fault(m.Run());
        e.ErrorCode.ShouldBe(5UL);                        // present, read, user
    }

    [Fact]
    public void NonCanonicalAddressIsAGeneralProtectionFault()
    {
        var m = TestMachine.Program(a =>
        {
            a.mov(rbx, 0x8000_0000_0000_0000);
            a.mov(rax, __qword_ptr[rbx]);
        });
        var e = Fault(m.Run());
        e.Vector.ShouldBe(Vector.GP);
        e.ErrorCode.ShouldBe(0UL);
    }

    [Fact]
    public void FaultingRipIsTheFaultingInstructionAndEarlierInstructionsRetired()
    {
        var m = TestMachine.Program(a =>
        {
            a.mov(rax, 5);
            a.mov(rbx, __qword_ptr[Unmapped]);
        });
        var e = Fault(m.Run());
        e.Vector.ShouldBe(Vector.PF);
        m[Gpr.Rax].ShouldBe(5UL);
        m.Cpu.InstructionsRetired.ShouldBe(1);
        var faulting = TestMachine.CodeBase + TestMachine.AssembledLength(a => a.mov(rax, 5));
        m.Cpu.Registers.Rip.ShouldBe(faulting);
        // The bytes reported are the faulting instruction's own.
        e.Bytes.Take(4).ShouldBe(m.Code.Skip((int)(faulting - TestMachine.CodeBase)).Take(4));
    }

    [Fact]
    public void APageCrossingStoreThatFaultsOnTheSecondPageWritesNothing()
    {
        // DataBase+0x1000 is writable; DataBase+0x2000 is unmapped: an 8-byte store at +0x1FFC straddles.
        var m = TestMachine.Program(a =>
        {
            a.mov(rbx, TestMachine.DataBase + 0x1FFC);
            a.mov(rax, -1L);
            a.mov(__qword_ptr[rbx], rax);
        });
        var e = Fault(m.Run());
        e.Vector.ShouldBe(Vector.PF);
        e.FaultAddress.ShouldBe(TestMachine.DataBase + 0x2000);
        var bytes = new byte[4];
        m.Cpu.TryReadVirtual(TestMachine.DataBase + 0x1FFC, bytes).ShouldBeTrue();
        bytes.ShouldAllBe(b => b == 0);
    }

    [Fact]
    public void APushThatFaultsLeavesRspAndMemoryUnchanged()
    {
        var m = TestMachine.Program(a =>
        {
            a.mov(rsp, TestMachine.StackTop - 0x4000);   // the page below is unmapped
            a.push(rax);
        });
        var e = Fault(m.Run());
        e.Vector.ShouldBe(Vector.PF);
        m[Gpr.Rsp].ShouldBe(TestMachine.StackTop - 0x4000);
        e.ErrorCode.ShouldBe(6UL);                        // write, user, not present
    }

    [Fact]
    public void TheTlbKeepsAStaleTranslationUntilThePageIsInvalidated()
    {
        var m = TestMachine.Program(a =>
        {
            a.mov(rax, __qword_ptr[TestMachine.DataBase]);
            a.int3();
            a.mov(rax, __qword_ptr[TestMachine.DataBase]);
        });
        m.Memory.WriteUInt64(m.DataFrame, 42);
        m.Run().ShouldBeOfType<ExitReason.Exception>().Vector.ShouldBe(Vector.BP);
        m[Gpr.Rax].ShouldBe(42UL);
        PageTables.Unmap(m.Memory, m.Cr3, TestMachine.DataBase).ShouldBeTrue();

        // Without invalidation the cached translation still serves the load, as on hardware.
        var snapshotRip = m.Cpu.Registers.Rip;
        m.Cpu.Registers[Gpr.Rax] = 0;
        m.Run().ShouldBeOfType<ExitReason.Exception>().Vector.ShouldBe(Vector.BP);
        m[Gpr.Rax].ShouldBe(42UL);

        m.Cpu.Registers.Rip = snapshotRip;
        m.Cpu.InvalidatePage(TestMachine.DataBase);
        var e = Fault(m.Run());
        e.Vector.ShouldBe(Vector.PF);
        e.FaultAddress.ShouldBe(TestMachine.DataBase);
    }

    [Fact]
    public void HostAccessChecksUserAndWritePermissionsAndNeverWritesPartially()
    {
        var m = TestMachine.Program(a => a.nop());
        m.Cpu.TryWriteVirtual(TestMachine.DataBase + 0xFFE, [1, 2, 3, 4]).ShouldBeTrue();
        var back = new byte[4];
        m.Cpu.TryReadVirtual(TestMachine.DataBase + 0xFFE, back).ShouldBeTrue();
        back.ShouldBe(new byte[] { 1, 2, 3, 4 });

        // Straddling into the unmapped page after DataBase+0x1000: refused, first bytes untouched.
        m.Cpu.TryWriteVirtual(TestMachine.DataBase + 0x1FFE, [9, 9, 9, 9]).ShouldBeFalse();
        var tail = new byte[2];
        m.Cpu.TryReadVirtual(TestMachine.DataBase + 0x1FFE, tail).ShouldBeTrue();
        tail.ShouldBe(new byte[] { 0, 0 });

        // Code pages are not writable by the user.
        m.Cpu.TryWriteVirtual(TestMachine.CodeBase, [0x90]).ShouldBeFalse();
        m.Cpu.TryReadVirtual(Unmapped, new byte[1]).ShouldBeFalse();
    }

    [Fact]
    public void PageTableHelperRejectsMisuseWithAMessage()
    {
        var memory = new PhysicalMemory(0x10000);
        Should.Throw<ArgumentException>(() => PageTables.Map(memory, 0, 0x1001, 0x2000, PageTableEntry.User, () => 0x3000))
            .Message.ShouldContain("aligned");
        Should.Throw<ArgumentOutOfRangeException>(() => new PhysicalMemory(1000)).Message.ShouldContain("4096");
        Should.Throw<ArgumentOutOfRangeException>(() => memory.Read(0xFFFF, new byte[2]));
    }
}
