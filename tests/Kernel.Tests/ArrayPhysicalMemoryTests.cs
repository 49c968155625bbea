using FsCheck;
using FsCheck.Fluent;
using Shouldly;
using Verified.Kernel.Memory;
using Xunit;

namespace Verified.Kernel.Tests;

/// <summary>
/// The CPU-less memory behaves exactly as one flat zeroed array: random reads, writes, word
/// accesses and clears (within a page, across pages, of whole pages) against a flat model.
/// </summary>
public sealed class ArrayPhysicalMemoryTests
{
    private const int Size = 4 * 4096;

    private sealed record Op(int Kind, int Address, int Length, ulong Value);

    private static readonly Gen<Op> AnOp =
        from kind in Gen.Choose(0, 4)
        // Addresses and lengths near page edges are the interesting ones.
        from address in Gen.OneOf(Gen.Choose(0, Size - 1), Gen.Elements(0, 4088, 4095, 4096, 8190, 12288, Size - 8))
        from length in Gen.OneOf(Gen.Choose(0, 300), Gen.Elements(4096, 8192, 4097))
        from value in Gen.Choose(0, int.MaxValue).Select(v => (ulong)v * 0x9E37_79B9UL)
        select new Op(kind, address, Math.Min(length, Size - address), value);

    [Fact]
    public void RandomAccessesAgreeWithAFlatArray()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Gen.ListOf(AnOp).Select(l => l.ToArray()).ToArbitrary(), ops =>
        {
            var memory = new ArrayPhysicalMemory(Size);
            var model = new byte[Size];
            foreach (var op in ops)
            {
                Apply(memory, model, op);
            }

            memory.CopyOut().ShouldBe(model);
        }));
    }

    [Fact]
    public void ClearingAWholePageAfterWritesReadsZero()
    {
        var memory = new ArrayPhysicalMemory(Size);
        memory.WriteUInt64(4096 + 16, ulong.MaxValue);
        memory.Clear(4096, 4096);
        memory.ReadUInt64(4096 + 16).ShouldBe(0UL);
        memory.WriteUInt64(4096 + 16, 7);
        memory.ReadUInt64(4096 + 16).ShouldBe(7UL, "a cleared page is writable again");
    }

    [Fact]
    public void CopyInReplacesEveryPageIncludingZeroedOnes()
    {
        var memory = new ArrayPhysicalMemory(Size);
        memory.WriteUInt64(0, 1);
        var snapshot = memory.CopyOut();
        memory.WriteUInt64(8192, 2);
        memory.WriteUInt64(0, 3);
        memory.CopyIn(snapshot);
        memory.ReadUInt64(0).ShouldBe(1UL);
        memory.ReadUInt64(8192).ShouldBe(0UL, "a page written after the snapshot is zero again");
        snapshot[0] = 9;
        memory.ReadUInt64(0).ShouldBe(1UL, "the memory does not alias the snapshot");
    }

    [Fact]
    public void MisuseThrowsWithAMessage()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ArrayPhysicalMemory(4095)).Message.ShouldContain("multiple of 4096");
        var memory = new ArrayPhysicalMemory(Size);
        Should.Throw<ArgumentOutOfRangeException>(() => memory.ReadUInt64(Size - 4)).Message.ShouldContain("outside physical memory");
        Should.Throw<ArgumentOutOfRangeException>(() => memory.Clear(Size - 8, 16)).Message.ShouldContain("outside physical memory");
        Should.Throw<ArgumentException>(() => memory.CopyIn(new byte[8])).Message.ShouldContain("snapshot size");
    }

    private static void Apply(ArrayPhysicalMemory memory, byte[] model, Op op)
    {
        switch (op.Kind)
        {
            case 0:
                var data = new byte[op.Length];
                new Random((int)op.Value).NextBytes(data);
                memory.Write((ulong)op.Address, data);
                data.CopyTo(model, op.Address);
                break;
            case 1:
                var read = new byte[op.Length];
                memory.Read((ulong)op.Address, read);
                read.ShouldBe(model.AsSpan(op.Address, op.Length).ToArray());
                break;
            case 2:
                memory.Clear((ulong)op.Address, (ulong)op.Length);
                Array.Clear(model, op.Address, op.Length);
                break;
            case 3 when op.Address <= Size - 8:
                memory.WriteUInt64((ulong)op.Address, op.Value);
                BitConverter.TryWriteBytes(model.AsSpan(op.Address), op.Value);
                break;
            case 4 when op.Address <= Size - 8:
                memory.ReadUInt64((ulong)op.Address).ShouldBe(BitConverter.ToUInt64(model, op.Address));
                break;
        }
    }
}
