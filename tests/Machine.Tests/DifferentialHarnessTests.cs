using System.Collections.Immutable;
using Iced.Intel;
using Shouldly;
using Verified.Machine.Tests.Infrastructure;
using Verified.Machine.Tests.Infrastructure.Generation;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace Verified.Machine.Tests;

/// <summary>
/// The native side of the differential tests must itself be right: known answers computed by
/// hand, faults reported with the faulting RIP, and generated sequences that never fault.
/// </summary>
public sealed class DifferentialHarnessTests
{
    private static DifferentialCase Case(Action<Assembler> body, ulong[] registers, ulong rflags = Flags.Fixed)
    {
        var assembler = new Assembler(64);
        body(assembler);
        var writer = new MemoryCodeWriter();
        assembler.Assemble(writer, GuestLayout.CodeAddress);
        var all = registers.ToArray();
        all[4] = GuestLayout.StackTop;
        return new DifferentialCase([.. writer.Bytes], [.. all], rflags, 1, Flags.Arithmetic, "");
    }

    [Fact]
    public void Add_with_carry_out_gives_the_architectural_result()
    {
        using var harness = NativeHarness.Start(GccBuilder.Shared);
        var registers = new ulong[16];
        registers[0] = 0xFFFF_FFFF_FFFF_FFFF;
        registers[3] = 1;
        var outcome = harness.Run([Case(a => a.add(rax, rbx), registers)]).Single();
        outcome.Stop.ShouldBe(StopKind.End);
        outcome.Registers[0].ShouldBe(0UL);
        // 0xFF..FF + 1: carry out, zero result, carry out of bit 3, even parity of the low byte, no signed overflow.
        (outcome.Rflags & Flags.Arithmetic).ShouldBe(Flags.CF | Flags.ZF | Flags.AF | Flags.PF);
        outcome.ChangedWords.ShouldBeEmpty();
    }

    [Fact]
    public void Memory_writes_are_reported_as_changed_words()
    {
        using var harness = NativeHarness.Start(GccBuilder.Shared);
        var registers = new ulong[16];
        registers[0] = 0x1122_3344_5566_7788;
        var outcome = harness.Run([Case(a => { a.mov(__qword_ptr[GuestLayout.DataAddress + 16], rax); a.push(rax); }, registers)]).Single();
        outcome.ChangedWords.ShouldBe(new Dictionary<int, ulong>
        {
            [16] = 0x1122_3344_5566_7788,
            [(int)(GuestLayout.StackTop - 8 - GuestLayout.DataAddress)] = 0x1122_3344_5566_7788,
        });
        outcome.Registers[4].ShouldBe(GuestLayout.StackTop - 8);
    }

    [Fact]
    public void Divide_by_zero_stops_at_the_div_and_the_harness_carries_on()
    {
        using var harness = NativeHarness.Start(GccBuilder.Shared);
        var registers = new ulong[16];
        registers[0] = 7;
        var faulting = Case(a => { a.nop(); a.div(rbx); }, registers);
        var fine = Case(a => a.inc(rax), registers);
        var outcomes = harness.Run([faulting, fine]);
        outcomes[0].Stop.ShouldBe(StopKind.DivideError);
        outcomes[0].FaultRip.ShouldBe(GuestLayout.CodeAddress + 1);
        outcomes[0].Registers[0].ShouldBe(7UL);
        outcomes[1].Stop.ShouldBe(StopKind.End);
        outcomes[1].Registers[0].ShouldBe(8UL);
    }

    [Fact]
    public void Generated_sequences_never_fault_natively()
    {
        using var harness = NativeHarness.Start(GccBuilder.Shared);
        var generator = new SequenceGenerator(seed: 12345);
        var cases = Enumerable.Range(0, 3000).Select(i => generator.Next(1 + (i % 24))).ToList();
        var outcomes = harness.Run(cases);
        for (var i = 0; i < cases.Count; i++)
        {
            if (outcomes[i].Stop != StopKind.End)
            {
                throw new ShouldAssertException($"case {i} stopped with {outcomes[i].Stop} at {outcomes[i].FaultRip:x}:\n{OutcomeDiff.Describe(cases[i])}");
            }
        }
    }

    private sealed class MemoryCodeWriter : CodeWriter
    {
        public List<byte> Bytes { get; } = [];

        public override void WriteByte(byte value) => Bytes.Add(value);
    }
}
