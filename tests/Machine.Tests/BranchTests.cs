using Shouldly;
using Verified.Machine.Tests.Support;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace Verified.Machine.Tests;

/// <summary>Regressions for near branches to non-canonical addresses (MACHINE_BUGS.md item 2).</summary>
public sealed class BranchTests
{
    private const long NonCanonical = unchecked((long)0x8000_0000_6100_0000);

    private static void ShouldFaultAtTheBranch(TestMachine m, Action<Iced.Intel.Assembler> prefix)
    {
        var e = m.Run().ShouldBeOfType<ExitReason.Exception>();
        e.Vector.ShouldBe(Vector.GP);
        e.ErrorCode.ShouldBe(0UL);
        m.Cpu.Registers.Rip.ShouldBe(TestMachine.CodeBase + TestMachine.AssembledLength(prefix));
    }

    [Fact]
    public void RetToANonCanonicalAddressFaultsAtTheRetWithoutPopping()
    {
        static void Prefix(Iced.Intel.Assembler a)
        {
            a.mov(rax, NonCanonical);
            a.push(rax);
        }

        var m = TestMachine.Program(a =>
        {
            Prefix(a);
            a.ret();
        });
        ShouldFaultAtTheBranch(m, Prefix);
        m[Gpr.Rsp].ShouldBe(TestMachine.StackTop - 8);
    }

    [Fact]
    public void JmpToANonCanonicalAddressFaultsAtTheJmp()
    {
        static void Prefix(Iced.Intel.Assembler a)
        {
            a.mov(rax, NonCanonical);
            a.inc(rbx);
        }

        var m = TestMachine.Program(a =>
        {
            Prefix(a);
            a.jmp(rax);
        });
        ShouldFaultAtTheBranch(m, Prefix);
        m[Gpr.Rbx].ShouldBe(1UL);
    }

    [Fact]
    public void CallToANonCanonicalAddressFaultsAtTheCallWithoutPushing()
    {
        static void Prefix(Iced.Intel.Assembler a) => a.mov(rax, NonCanonical);

        var m = TestMachine.Program(a =>
        {
            Prefix(a);
            a.call(rax);
        });
        ShouldFaultAtTheBranch(m, Prefix);
        m[Gpr.Rsp].ShouldBe(TestMachine.StackTop);
    }
}
