using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Verified.Machine.Elf;

/// <summary>
/// A static x86-64 ELF64 executable (ET_EXEC): its entry point and loadable segments. Parsing is of
/// untrusted bytes: every malformation is reported as an error string, never an exception.
/// </summary>
public sealed record ElfImage(ulong Entry, ImmutableArray<ElfSegment> Segments)
{
    private const int HeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const uint PtLoad = 1, PtInterp = 3;
    private const ulong UserLimit = 0x0000_8000_0000_0000;

    public bool Equals(ElfImage? other) =>
        other is not null && Entry == other.Entry && Segments.SequenceEqual(other.Segments);

    public override int GetHashCode() => HashCode.Combine(Entry, Segments.Length);

    public static bool TryParse(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out ElfImage? image, [NotNullWhen(false)] out string? error)
    {
        image = null;
        error = Parse(bytes, out image);
        return error is null;
    }

    private static string? Parse(ReadOnlySpan<byte> bytes, out ElfImage? image)
    {
        image = null;
        if (bytes.Length < 16 || bytes[0] != 0x7F || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            return "not an ELF file (bad magic)";
        }

        if (bytes[4] != 2)
        {
            return $"not ELF64 (EI_CLASS is {bytes[4]})";
        }

        if (bytes[5] != 1)
        {
            return $"not little-endian (EI_DATA is {bytes[5]})";
        }

        if (bytes.Length < HeaderSize)
        {
            return $"file of {bytes.Length} bytes is shorter than the 64-byte ELF64 header";
        }

        var type = U16(bytes, 16);
        var machine = U16(bytes, 18);
        if (machine != 62)
        {
            return $"e_machine {machine} is not x86-64 (62)";
        }

        if (type != 2)
        {
            return type == 3
                ? "e_type 3 (ET_DYN) is not ET_EXEC: build a static, non-PIE executable (-static -no-pie)"
                : $"e_type {type} is not ET_EXEC (2)";
        }

        var entry = U64(bytes, 24);
        var phoff = U64(bytes, 32);
        var phentsize = U16(bytes, 54);
        var phnum = U16(bytes, 56);
        if (phnum == 0)
        {
            return "no program headers";
        }

        if (phentsize != ProgramHeaderSize)
        {
            return $"e_phentsize {phentsize} is not {ProgramHeaderSize}";
        }

        if (phoff > (ulong)bytes.Length || (ulong)phnum * ProgramHeaderSize > (ulong)bytes.Length - phoff)
        {
            return $"program header table ({phnum} entries at offset {phoff}) extends past end of file";
        }

        var segments = ImmutableArray.CreateBuilder<ElfSegment>();
        var entryCovered = false;
        for (var i = 0; i < phnum; i++)
        {
            var ph = bytes.Slice((int)phoff + (i * ProgramHeaderSize), ProgramHeaderSize);
            var ptype = U32(ph, 0);
            if (ptype == PtInterp)
            {
                return "dynamically linked (has PT_INTERP): build with -static";
            }

            if (ptype != PtLoad)
            {
                continue;
            }

            var flags = U32(ph, 4);
            var offset = U64(ph, 8);
            var vaddr = U64(ph, 16);
            var filesz = U64(ph, 32);
            var memsz = U64(ph, 40);
            if (filesz > memsz)
            {
                return $"segment {i} has p_filesz 0x{filesz:x} larger than p_memsz 0x{memsz:x}";
            }

            if (offset > (ulong)bytes.Length || filesz > (ulong)bytes.Length - offset)
            {
                return $"segment {i} extends past end of file";
            }

            if (vaddr >= UserLimit || memsz > UserLimit - vaddr)
            {
                return $"segment {i} at 0x{vaddr:x} (+0x{memsz:x}) is outside the user half of the address space";
            }

            if (memsz == 0)
            {
                continue;
            }

            var segment = new ElfSegment(vaddr, [.. bytes.Slice((int)offset, (int)filesz)], memsz,
                (flags & 4) != 0, (flags & 2) != 0, (flags & 1) != 0);
            entryCovered |= segment.Executable && entry >= vaddr && entry < vaddr + memsz;
            segments.Add(segment);
        }

        if (segments.Count == 0)
        {
            return "no loadable (PT_LOAD) segments";
        }

        if (!entryCovered)
        {
            return $"entry point 0x{entry:x} is not inside an executable segment";
        }

        image = new ElfImage(entry, segments.ToImmutable());
        return null;
    }

    private static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);

    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);

    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);
}
