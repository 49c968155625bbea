using System.Buffers.Binary;
using Shouldly;
using Verified.Machine.Elf;
using Verified.Machine.Tests.Support;
using Xunit;
using static Iced.Intel.AssemblerRegisters;

namespace Verified.Machine.Tests;

public sealed class ElfImageTests
{
    private static byte[] Valid() => TinyElf.Build(a =>
    {
        a.mov(eax, 60);
        a.syscall();
    }, [1, 2, 3]);

    [Fact]
    public void ParsesEntryAndSegmentsWithPermissions()
    {
        ElfImage.TryParse(Valid(), out var image, out var error).ShouldBeTrue(error);
        image.Entry.ShouldBe(TinyElf.TextBase);
        image.Segments.Length.ShouldBe(2);
        var text = image.Segments[0];
        (text.Readable, text.Writable, text.Executable).ShouldBe((true, false, true));
        var data = image.Segments[1];
        (data.Readable, data.Writable, data.Executable).ShouldBe((true, true, false));
        data.FileBytes.ShouldBe(new byte[] { 1, 2, 3 });
        data.MemorySize.ShouldBe(3UL + 0x100);
    }

    public static TheoryData<string, Action<byte[]>, string> Corruptions => new()
    {
        { "magic", b => b[1] = (byte)'X', "not an ELF file" },
        { "class", b => b[4] = 1, "not ELF64" },
        { "endianness", b => b[5] = 2, "not little-endian" },
        { "machine", b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(18), 3), "e_machine 3 is not x86-64" },
        { "pie", b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(16), 3), "ET_DYN" },
        { "phentsize", b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(54), 32), "e_phentsize" },
        { "phoff", b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(32), ulong.MaxValue - 10), "program header table" },
        { "no headers", b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(56), 0), "no program headers" },
        { "filesz", b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(TinyElf.FirstProgramHeader + 32), 0x10_0000), "larger than p_memsz" },
        { "offset", b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(TinyElf.FirstProgramHeader + 8), ulong.MaxValue), "segment 0 extends past end of file" },
        { "kernel half", b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(TinyElf.FirstProgramHeader + 16), 0xFFFF_8000_0000_0000), "outside the user half" },
        { "entry", b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), TinyElf.DataBase), "entry point 0x600000 is not inside an executable segment" },
        { "interp", b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(TinyElf.FirstProgramHeader), 3), "dynamically linked" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void MalformedFilesGetAClearError(string what, Action<byte[]> corrupt, string expected)
    {
        var bytes = Valid();
        corrupt(bytes);
        ElfImage.TryParse(bytes, out var image, out var error).ShouldBeFalse(what);
        image.ShouldBeNull();
        error.ShouldContain(expected);
    }

    [Fact]
    public void TruncationsAtEveryLengthNeverThrow()
    {
        var bytes = Valid();
        for (var length = 0; length < 0x1000 + 8; length++)
        {
            ElfImage.TryParse(bytes.AsSpan(0, length), out _, out var error).ShouldBeFalse($"length {length}");
            error.ShouldNotBeNullOrEmpty();
        }
    }

    [Fact]
    public void RandomCorruptionNeverThrows()
    {
        var random = new Random(4);
        var original = Valid();
        for (var i = 0; i < 5000; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                bytes[random.Next(0, 200)] = (byte)random.Next(256);
            }

            var ok = ElfImage.TryParse(bytes, out var image, out var error);
            (ok ? image is not null && error is null : image is null && error is not null).ShouldBeTrue();
        }
    }
}
