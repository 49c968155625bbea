using Shouldly;
using Verified.Machine.Tests.Support;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace Verified.Machine.Tests;

public sealed class SnapshotTests
{
    /// <summary>Increments a counter in memory and in rax, then traps; rerunning continues counting.</summary>
    private static TestMachine Counter() => TestMachine.Program(a =>
    {
        var top = a.CreateLabel();
        a.Label(ref top);
        a.mov(rbx, TestMachine.DataBase);
        a.inc(__qword_ptr[rbx]);
        a.inc(rax);
        a.rdtsc();
        a.mov(__qword_ptr[rbx + 8], rax);
        a.jmp(top);
    });

    [Fact]
    public void RestoreBringsBackRegistersMemoryAndTime()
    {
        var m = Counter();
        m.Cpu.Run(50).ShouldBeOfType<ExitReason.BudgetExhausted>();
        var snapshot = m.Cpu.Snapshot();
        var fingerprint = m.Cpu.Fingerprint();
        var registers = m.Cpu.Registers;

        m.Cpu.Run(50);
        var after = m.Cpu.Fingerprint();
        var afterRegisters = m.Cpu.Registers;
        var afterMemory = m.Memory.ReadUInt64(m.DataFrame + 8);
        after.ShouldNotBe(fingerprint);

        m.Cpu.Restore(snapshot);
        m.Cpu.Registers.ShouldBe(registers);
        m.Cpu.Fingerprint().ShouldBe(fingerprint);
        m.Cpu.InstructionsRetired.ShouldBe(50);

        // Replaying from the restored state gives exactly the same state again (determinism).
        m.Cpu.Run(50);
        m.Cpu.Registers.ShouldBe(afterRegisters);
        m.Memory.ReadUInt64(m.DataFrame + 8).ShouldBe(afterMemory);
        m.Cpu.Fingerprint().ShouldBe(after);
    }

    [Fact]
    public void ASnapshotIsNotChangedByLaterHostOrGuestWrites()
    {
        var m = Counter();
        m.Memory.WriteUInt64(m.DataFrame, 1000);
        var snapshot = m.Cpu.Snapshot();
        m.Cpu.Run(40);
        m.Memory.WriteUInt64(m.DataFrame + 16, 0xDEAD);
        m.Memory.ReadUInt64(m.DataFrame).ShouldBeGreaterThan(1000UL);

        m.Cpu.Restore(snapshot);
        m.Memory.ReadUInt64(m.DataFrame).ShouldBe(1000UL);
        m.Memory.ReadUInt64(m.DataFrame + 16).ShouldBe(0UL);

        // The same snapshot restores again after more writes.
        m.Cpu.Run(40);
        m.Cpu.Restore(snapshot);
        m.Memory.ReadUInt64(m.DataFrame).ShouldBe(1000UL);
    }

    [Fact]
    public void RestoringOlderCodeInvalidatesTranslationsOfNewerCode()
    {
        var m = TestMachine.Program(a => a.mov(eax, 5));
        var snapshot = m.Cpu.Snapshot();
        m.Memory.Write(m.CodeFrames[0] + 1, [9]);
        m.Run();
        m[Gpr.Rax].ShouldBe(9UL);

        m.Cpu.Restore(snapshot);
        m.Run();
        m[Gpr.Rax].ShouldBe(5UL);
    }

    [Fact]
    public void FingerprintSeesEveryRegisterAndEveryByteButNotPageSharing()
    {
        var m = Counter();
        var baseline = m.Cpu.Fingerprint();
        m.Cpu.Fingerprint().ShouldBe(baseline);

        for (var r = Gpr.Rax; r <= Gpr.R15; r++)
        {
            var saved = m.Cpu.Registers[r];
            m.Cpu.Registers[r] = saved ^ 1;
            m.Cpu.Fingerprint().ShouldNotBe(baseline, r.ToString());
            m.Cpu.Registers[r] = saved;
        }

        m.Cpu.Registers.Rip ^= 1;
        m.Cpu.Fingerprint().ShouldNotBe(baseline);
        m.Cpu.Registers.Rip ^= 1;

        m.Memory.Write(0x3F_FFFF, [1]);                  // the last byte of physical memory
        m.Cpu.Fingerprint().ShouldNotBe(baseline);
        m.Memory.Write(0x3F_FFFF, [0]);
        m.Cpu.Fingerprint().ShouldBe(baseline);          // a private zero page hashes like the shared one
    }

    [Fact]
    public void FingerprintsAfterASnapshotStillSeeWritesToSharedPages()
    {
        var m = Counter();
        m.Memory.WriteUInt64(m.DataFrame + 64, 5);
        m.Cpu.Snapshot();
        var shared = m.Cpu.Fingerprint();
        m.Cpu.Fingerprint().ShouldBe(shared);

        m.Memory.WriteUInt64(m.DataFrame + 64, 6);      // copies the shared page, then writes
        var changed = m.Cpu.Fingerprint();
        changed.ShouldNotBe(shared);

        m.Cpu.Snapshot();
        m.Cpu.Run(10);                                   // guest stores into the data page
        m.Cpu.Fingerprint().ShouldNotBe(changed);
    }

    [Fact]
    public void RestoringASnapshotOfAnotherMemoryIsRefused()
    {
        var a = Counter();
        var b = Counter();
        Should.Throw<ArgumentException>(() => a.Cpu.Restore(b.Cpu.Snapshot())).Message.ShouldContain("different PhysicalMemory");
    }
}
