using Iced.Intel;

namespace Verified.Machine.Translation;

/// <summary>
/// Decodes guest code with Iced once and turns it into a block of micro-ops. A block ends at a
/// control transfer, a trapping instruction, the end of its page, or after MaxOps instructions.
/// </summary>
internal static class Translator
{
    public const int MaxOps = 64;

    public static Block Translate(Cpu cpu, ulong rip, ulong ppn)
    {
        var memory = cpu.Memory;
        if (memory.MarkCode(ppn))
        {
            cpu.OnCodePageMarked(ppn);
        }

        var generation = memory.CodeGeneration(ppn);
        var offset = (int)(rip & 0xFFF);
        var available = PhysicalMemory.PageSize - offset;
        var buffer = new byte[available + 15];
        memory.PageForRead(ppn).AsSpan(offset, available).CopyTo(buffer);

        var ops = new List<MicroOp>();
        var ppn2 = Block.NoPage;
        uint generation2 = 0;
        var position = 0;
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(buffer, 0, available), rip);
        while (true)
        {
            var address = rip + (ulong)position;
            decoder.Decode(out var instruction);
            if (decoder.LastError == DecoderError.NoMoreBytes)
            {
                // The instruction continues on the next page: fetch it only now, as hardware does.
                var nextPage = (rip | 0xFFF) + 1;
                if (!cpu.TryTranslateFetch(nextPage, out var secondPpn))
                {
                    ops.Add(new MicroOp { Kind = Kind.FetchFault, Imm = nextPage, Rip = address, Len = 1 });
                    break;
                }

                if (memory.MarkCode(secondPpn))
                {
                    cpu.OnCodePageMarked(secondPpn);
                }

                ppn2 = secondPpn;
                generation2 = memory.CodeGeneration(secondPpn);
                memory.PageForRead(secondPpn).AsSpan(0, 15).CopyTo(buffer.AsSpan(available));
                var crossing = Decoder.Create(64, new ByteArrayCodeReader(buffer, position, available + 15 - position), address);
                crossing.Decode(out instruction);
                ops.Add(InstructionMapper.Map(instruction));
                break;
            }

            var op = InstructionMapper.Map(instruction);
            ops.Add(op);
            position += instruction.Length;
            if (InstructionMapper.EndsBlock(op.Kind) || position >= available || ops.Count >= MaxOps)
            {
                break;
            }
        }

        var array = ops.ToArray();
        return new Block(rip, ppn, generation, ppn2, generation2, array, array[^1].NextRip);
    }
}
