using Shouldly;
using Verified.Machine.Tests.Support;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace Verified.Machine.Tests;

/// <summary>Guest code is untrusted: whatever the bytes, Run returns an exit and never throws.</summary>
public sealed class RandomCodeTests
{
    [Fact]
    public void RandomBytesAsCodeAlwaysGiveAnExitNeverAHostException()
    {
        var random = new Random(1234);
        var m = TestMachine.Program(a => a.nop());
        var code = new byte[4096];
        var vectors = new HashSet<Vector>();
        for (var round = 0; round < 6000; round++)
        {
            random.NextBytes(code);
            m.Memory.Write(m.CodeFrames[0], code);
            m.Cpu.Registers = default;
            m.Cpu.Registers.Rip = TestMachine.CodeBase + (ulong)random.Next(0, 64);
            m.Cpu.Registers[Gpr.Rsp] = TestMachine.StackTop - 0x800;
            m.Cpu.Registers[Gpr.Rbx] = TestMachine.DataBase + 0x800;
            m.Cpu.Registers[Gpr.Rcx] = (ulong)random.Next(0, 100);
            m.Cpu.Registers[Gpr.Rdx] = (ulong)random.NextInt64();
            m.Cpu.Registers[Gpr.Rsi] = TestMachine.DataBase + (ulong)random.Next(0, 0x1000);
            m.Cpu.Registers[Gpr.Rdi] = TestMachine.DataBase + (ulong)random.Next(0, 0x1000);
            m.Cpu.Registers.Rflags = 0x202;
            var exit = m.Cpu.Run(200);
            if (exit is ExitReason.Exception e)
            {
                vectors.Add(e.Vector);
            }
        }

        // Random code reaches the common exits: invalid opcodes, page faults and protection faults.
        vectors.ShouldContain(Vector.UD);
        vectors.ShouldContain(Vector.PF);
        vectors.ShouldContain(Vector.GP);
    }
}
