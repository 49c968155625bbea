using Shouldly;
using Verified.Machine.Tests.Support;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace Verified.Machine.Tests;

/// <summary>Regressions for exchange instructions (MACHINE_BUGS.md item 1).</summary>
public sealed class ExchangeTests
{
    [Fact]
    public void AFailedThirtyTwoBitCmpxchgLeavesTheRegisterDestinationWhole()
    {
        var m = TestMachine.Program(a =>
        {
            a.xor(eax, eax);
            a.mov(rbx, unchecked((long)0xFFFF_FFFF_0000_0001));
            a.mov(ecx, 9);
            a.cmpxchg(ebx, ecx);
        });
        m.Run().ShouldBeOfType<ExitReason.Exception>().Vector.ShouldBe(Vector.BP);
        m[Gpr.Rbx].ShouldBe(0xFFFF_FFFF_0000_0001UL);
        m[Gpr.Rax].ShouldBe(1UL);
        (m.Cpu.Registers.Rflags & 0x40).ShouldBe(0UL);
    }

    [Fact]
    public void ASuccessfulCmpxchgWritesTheSourceAndKeepsTheAccumulator()
    {
        var m = TestMachine.Program(a =>
        {
            a.mov(rax, unchecked((long)0xAAAA_AAAA_0000_0001));
            a.mov(rbx, unchecked((long)0xFFFF_FFFF_0000_0001));
            a.mov(ecx, 9);
            a.cmpxchg(ebx, ecx);
        });
        m.Run();
        m[Gpr.Rbx].ShouldBe(9UL);
        m[Gpr.Rax].ShouldBe(0xAAAA_AAAA_0000_0001UL);
        (m.Cpu.Registers.Rflags & 0x40).ShouldBe(0x40UL);
    }
}
