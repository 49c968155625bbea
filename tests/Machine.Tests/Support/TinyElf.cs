using System.Buffers.Binary;
using Iced.Intel;

namespace Verified.Machine.Tests.Support;

/// <summary>
/// Writes minimal static ELF64 x86-64 executables (one R+X text segment, optionally one RW data
/// segment) from code assembled with Iced, so ELF and exec tests need no compiler.
/// </summary>
internal static class TinyElf
{
    public const ulong TextBase = 0x40_1000;
    public const ulong DataBase = 0x60_0000;

    public static byte[] Build(Action<Assembler> program, byte[]? data = null)
    {
        var assembler = new Assembler(64);
        program(assembler);
        using var stream = new MemoryStream();
        assembler.Assemble(new StreamCodeWriter(stream), TextBase);
        return Build(stream.ToArray(), data);
    }

    public static byte[] Build(byte[] code, byte[]? data)
    {
        var segments = data is null ? 1 : 2;
        const int textOffset = 0x1000;
        var dataOffset = textOffset + ((code.Length + 0xFFF) & ~0xFFF);
        var file = new byte[dataOffset + (data?.Length ?? 0)];
        var h = file.AsSpan();
        h[0] = 0x7F;
        h[1] = (byte)'E';
        h[2] = (byte)'L';
        h[3] = (byte)'F';
        h[4] = 2;   // ELFCLASS64
        h[5] = 1;   // little-endian
        h[6] = 1;   // version
        BinaryPrimitives.WriteUInt16LittleEndian(h[16..], 2);    // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(h[18..], 62);   // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(h[24..], TextBase);
        BinaryPrimitives.WriteUInt64LittleEndian(h[32..], 64);   // e_phoff
        BinaryPrimitives.WriteUInt16LittleEndian(h[52..], 64);   // e_ehsize
        BinaryPrimitives.WriteUInt16LittleEndian(h[54..], 56);   // e_phentsize
        BinaryPrimitives.WriteUInt16LittleEndian(h[56..], (ushort)segments);
        WriteLoad(h[64..], 5, textOffset, TextBase, (ulong)code.Length, (ulong)code.Length);
        if (data is not null)
        {
            WriteLoad(h[120..], 6, (ulong)dataOffset, DataBase, (ulong)data.Length, (ulong)data.Length + 0x100);
            data.CopyTo(h[dataOffset..]);
        }

        code.CopyTo(h[textOffset..]);
        return file;
    }

    /// <summary>Offset of the first program header, for tests that corrupt one field.</summary>
    public const int FirstProgramHeader = 64;

    private static void WriteLoad(Span<byte> ph, uint flags, ulong offset, ulong vaddr, ulong filesz, ulong memsz)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(ph, 1);          // PT_LOAD
        BinaryPrimitives.WriteUInt32LittleEndian(ph[4..], flags);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[8..], offset);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[16..], vaddr);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[24..], vaddr);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[32..], filesz);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[40..], memsz);
        BinaryPrimitives.WriteUInt64LittleEndian(ph[48..], 0x1000);
    }
}
