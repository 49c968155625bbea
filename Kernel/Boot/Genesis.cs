using Verified.Kernel.Abi;
using Verified.Kernel.Caps;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;

namespace Verified.Kernel.Boot;

/// <summary>The result of a boot: the kernel, its root task and where the kernel put things.</summary>
public sealed record BootResult(Kernel Kernel, TaskObject Root, int UntypedFirstSlot, int UntypedCount, int FirstFreeSlot);

/// <summary>Why a boot failed (bad input, never a host exception).</summary>
public sealed record BootError(string Reason);

/// <summary>
/// Creates the initial system as seL4 does: the root task from the first image, with
/// capabilities to its own objects (task, root CNode), the console, the boot-information frame,
/// its image and stack frames, each module's frames, and all remaining memory as untyped.
/// Boot objects are derivation roots made from nothing; everything later comes from untyped.
/// Layout of the boot-information page: word indexes AbiConstants.Bi*, tables of words at the
/// offsets given: untyped (paddr, size bits) pairs, image frame virtual addresses, modules
/// (first slot, frame count, byte length) triples.
/// </summary>
public static class Genesis
{
    /// <summary>Boots. Errors (an image too large, overlapping segments, too little memory) are values.</summary>
    public static bool TryBoot(IPhysicalMemory memory, BootImage root, IReadOnlyList<byte[]> modules, int cnodeBits, out BootResult? result, out BootError? error)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(modules);
        if (cnodeBits is < 6 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(cnodeBits), "root CNode size bits must be in [6, 16]");
        }

        result = null;
        error = Validate(root);
        if (error is not null)
        {
            return false;
        }

        var k = new Kernel(memory);
        var next = 0x1000UL; // page 0 stays unused, so a physical null never names an object
        ulong Take(int bits)
        {
            var at = Kernel.AlignUp(next, 1UL << bits);
            next = at + (1UL << bits);
            return at;
        }

        // Count what boot needs before taking anything.
        var imagePages = root.Segments.SelectMany(s => Pages(s.VirtualAddress, s.MemorySize)).Distinct().Order().ToList();
        var modulePages = modules.Sum(m => Math.Max(1, (m.Length + 4095) / 4096));
        var needed = 0x1000UL + (1UL << (cnodeBits + 5)) + ((ulong)(imagePages.Count + AbiConstants.RootStackPages + 2 + modulePages) * 4096) + (64 * 4096);
        if (needed + 0x10000 > memory.Size)
        {
            error = new BootError($"physical memory of {memory.Size} bytes is too small for the boot images ({needed} bytes needed)");
            return false;
        }

        var slots = 1 << cnodeBits;
        if (AbiConstants.SlotFirstBootFrame + imagePages.Count + AbiConstants.RootStackPages + modulePages + 64 > slots)
        {
            error = new BootError($"the root CNode of {slots} slots is too small for {imagePages.Count} image pages and {modulePages} module pages");
            return false;
        }

        var cnode = (CNodeObject)Make(k, ObjectType.CNode, cnodeBits, Take(cnodeBits + 5), cnodeBits + 5);
        var task = (TaskObject)Make(k, ObjectType.Task, 0, Take(12), 12);
        var console = Make(k, ObjectType.Console, 0, 0, 0);
        var slot = 0;
        void Give(KernelObject o, Rights rights, int at)
        {
            k.MdbInsert(SlotAddress.None, new SlotAddress(cnode.Id, at), Capability.To(o.Type, o.Ref) with { Rights = rights });
            slot = Math.Max(slot, at + 1);
        }

        Give(task, Rights.All, AbiConstants.SlotRootTask);
        Give(cnode, Rights.All, AbiConstants.SlotRootCNode);
        Give(console, Rights.All, AbiConstants.SlotConsole);
        task.CSpaceRoot = cnode.Ref;
        task.Priority = AbiConstants.MaxPriority;

        ulong NewTable()
        {
            var p = Take(12);
            memory.Clear(p, 4096);
            task.TablePages.Add((p, -1));
            return p;
        }

        FrameObject MapNew(ulong va, bool writable, int at)
        {
            var f = (FrameObject)Make(k, ObjectType.Frame, 0, Take(12), 12);
            memory.Clear(f.Paddr, 4096);
            PageTables.MapLeaf(memory, task.Pml4, va, f.Paddr | PageTables.Present | PageTables.User | (writable ? PageTables.Writable : 0), NewTable);
            var rights = writable ? Rights.All : Rights.Read | Rights.Grant;
            k.MdbInsert(SlotAddress.None, new SlotAddress(cnode.Id, at), Capability.To(ObjectType.Frame, f.Ref) with { Rights = rights, MappedTask = task.Ref, MappedVa = va });
            slot = Math.Max(slot, at + 1);
            return f;
        }

        var bootInfo = MapNew(AbiConstants.BootInfoAddress, writable: false, AbiConstants.SlotBootInfoFrame);
        var imageFirst = slot;
        foreach (var page in imagePages)
        {
            var writable = root.Segments.Any(s => s.Writable && Overlaps(s, page));
            var f = MapNew(page, writable, slot);
            foreach (var s in root.Segments)
            {
                CopySegmentPart(memory, s, page, f.Paddr);
            }
        }

        var stackFirst = slot;
        for (var i = AbiConstants.RootStackPages; i >= 1; i--)
        {
            MapNew(AbiConstants.BootInfoAddress - ((ulong)i * 4096), writable: true, slot);
        }

        var words = new ulong[512];
        var table = 16;
        words[AbiConstants.BiModuleTable] = 0; // filled below
        var moduleEntries = new List<(int First, int Count, int Length)>();
        foreach (var m in modules)
        {
            var first = slot;
            var count = Math.Max(1, (m.Length + 4095) / 4096);
            for (var i = 0; i < count; i++)
            {
                var f = (FrameObject)Make(k, ObjectType.Frame, 0, Take(12), 12);
                memory.Clear(f.Paddr, 4096);
                var part = m.AsSpan(Math.Min(m.Length, i * 4096), Math.Min(4096, Math.Max(0, m.Length - (i * 4096))));
                memory.Write(f.Paddr, part);
                Give(f, Rights.All, slot);
            }

            moduleEntries.Add((first, count, m.Length));
        }

        // Everything left becomes untyped memory, in the largest aligned power-of-two blocks.
        var untypedFirst = slot;
        var untypedEntries = new List<(ulong Paddr, int Bits)>();
        var at0 = Kernel.AlignUp(next, 4096);
        while (at0 + 4096 <= memory.Size && slot < slots)
        {
            var bits = 12;
            while (bits < 40 && (at0 & ((1UL << (bits + 1)) - 1)) == 0 && at0 + (1UL << (bits + 1)) <= memory.Size)
            {
                bits++;
            }

            var u = Make(k, ObjectType.Untyped, bits, at0, bits);
            Give(u, Rights.All, slot);
            untypedEntries.Add((at0, bits));
            at0 += 1UL << bits;
        }

        // The tables must fit the one boot-information page: counted before any word is written,
        // so many modules or a root image of many pages is a boot error, not a write past the page.
        var tableWords = table + (2 * untypedEntries.Count) + imagePages.Count + (3 * moduleEntries.Count);
        if (tableWords > words.Length)
        {
            error = new BootError($"the boot information needs {tableWords} words ({untypedEntries.Count} untyped, {imagePages.Count} image pages, {moduleEntries.Count} modules), more than one page of {words.Length}");
            return false;
        }

        words[AbiConstants.BiMagic] = AbiConstants.BootInfoMagic;
        words[AbiConstants.BiCNodeBits] = (ulong)cnodeBits;
        words[AbiConstants.BiFirstFreeSlot] = (ulong)slot;
        words[AbiConstants.BiUntypedFirstSlot] = (ulong)untypedFirst;
        words[AbiConstants.BiUntypedCount] = (ulong)untypedEntries.Count;
        words[AbiConstants.BiImageFirstSlot] = (ulong)imageFirst;
        words[AbiConstants.BiImageCount] = (ulong)imagePages.Count;
        words[AbiConstants.BiStackFirstSlot] = (ulong)stackFirst;
        words[AbiConstants.BiStackCount] = AbiConstants.RootStackPages;
        words[AbiConstants.BiModuleCount] = (ulong)moduleEntries.Count;
        words[AbiConstants.BiMemorySize] = memory.Size;
        words[AbiConstants.BiRootTaskId] = task.Ref.Packed;
        words[AbiConstants.BiUntypedTable] = (ulong)table;
        foreach (var (p, b) in untypedEntries)
        {
            words[table++] = p;
            words[table++] = (ulong)b;
        }

        words[AbiConstants.BiImageTable] = (ulong)table;
        foreach (var page in imagePages)
        {
            words[table++] = page;
        }

        words[AbiConstants.BiModuleTable] = (ulong)table;
        foreach (var (first, count, length) in moduleEntries)
        {
            words[table++] = (ulong)first;
            words[table++] = (ulong)count;
            words[table++] = (ulong)length;
        }

        for (var i = 0; i < table; i++)
        {
            memory.WriteUInt64(bootInfo.Paddr + ((ulong)i * 8), words[i]);
        }

        task.Registers[AbiConstants.RegRip] = root.Entry;
        task.Registers[TaskObject.Rsp] = AbiConstants.BootInfoAddress - 8; // as after a call: 16-byte aligned + 8
        task.Registers[TaskObject.Rdi] = AbiConstants.BootInfoAddress;
        task.Registers[AbiConstants.RegRflags] = 0x202;
        k.MakeReady(task);
        result = new BootResult(k, task, untypedFirst, untypedEntries.Count, slot);
        return true;
    }

    private static KernelObject Make(Kernel k, ObjectType type, int param, ulong paddr, int bits)
    {
        var o = Kernel.NewObject(type, param);
        o.Paddr = paddr;
        o.SizeBits = bits;
        k.Objects.Add(o);
        return o;
    }

    private static BootError? Validate(BootImage image)
    {
        foreach (var s in image.Segments)
        {
            if (s.MemorySize < (ulong)s.FileBytes.Length || s.VirtualAddress >= AbiConstants.BootInfoAddress - (AbiConstants.RootStackPages * 4096UL)
                || s.MemorySize > AbiConstants.BootInfoAddress - (AbiConstants.RootStackPages * 4096UL) - s.VirtualAddress || s.VirtualAddress < 0x1000)
            {
                return new BootError($"segment at 0x{s.VirtualAddress:x} of 0x{s.MemorySize:x} bytes is outside the root task's image area");
            }
        }

        return null;
    }

    private static IEnumerable<ulong> Pages(ulong va, ulong size)
    {
        for (var p = va & ~0xFFFUL; p < va + size; p += 4096)
        {
            yield return p;
        }
    }

    private static bool Overlaps(BootSegment s, ulong page) => s.MemorySize > 0 && s.VirtualAddress < page + 4096 && s.VirtualAddress + s.MemorySize > page;

    private static void CopySegmentPart(IPhysicalMemory memory, BootSegment s, ulong page, ulong frame)
    {
        var fileEnd = s.VirtualAddress + (ulong)s.FileBytes.Length;
        var start = Math.Max(page, s.VirtualAddress);
        var end = Math.Min(page + 4096, fileEnd);
        if (start < end)
        {
            memory.Write(frame + (start - page), s.FileBytes.AsSpan((int)(start - s.VirtualAddress), (int)(end - start)));
        }
    }
}
