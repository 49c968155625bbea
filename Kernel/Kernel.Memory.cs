using Verified.Kernel.Abi;
using Verified.Kernel.Memory;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>
/// Frame mapping into a task's 4-level page tables (real entries in physical memory). Table pages
/// come from an untyped the caller names and stay with the address space until the task goes.
/// </summary>
public sealed partial class Kernel
{
    /// <summary>Whether the mapping a frame capability records is a present, writable page (its task alive); a stale record maps nothing.</summary>
    public bool MapsWritable(Caps.Capability cap) =>
        cap.IsMapped && Objects.Resolve<TaskObject>(cap.MappedTask) is { } t
        && (PageTables.Leaf(Memory, t.Pml4, cap.MappedVa) & (PageTables.Present | PageTables.Writable)) == (PageTables.Present | PageTables.Writable);

    private KernelError DecodeFrameMap(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupObject<FrameObject>(caller, a[0], Rights.None, out var fslot, out var frame);
        if (e != KernelError.Ok)
        {
            return e;
        }

        e = LookupObject<TaskObject>(caller, a[1], Rights.Write, out _, out var task);
        if (e != KernelError.Ok)
        {
            return e;
        }

        var va = a[2];
        var rights = (Rights)a[3];
        if ((va & 0xFFF) != 0 || va >= AbiConstants.UserTop || (rights & ~(Rights.Read | Rights.Write)) != 0 || (rights & Rights.Read) == 0)
        {
            return KernelError.InvalidArgument;
        }

        var cap = Slot(fslot).Cap;
        if ((cap.Rights & rights) != rights)
        {
            return KernelError.InsufficientRights; // spec: frame.map — mapping rights ≤ the capability's
        }

        if (cap.IsMapped)
        {
            return KernelError.AlreadyMapped;
        }

        if ((PageTables.Leaf(Memory, task.Pml4, va) & PageTables.Present) != 0)
        {
            return KernelError.AlreadyMapped;
        }

        var needed = PageTables.TablesNeeded(Memory, task.Pml4, va);
        UntypedObject? tables = null;
        ulong start = 0;
        if (needed > 0)
        {
            if (a[4] == AbiConstants.NoCap)
            {
                return KernelError.NotEnoughMemory;
            }

            e = LookupObject<UntypedObject>(caller, a[4], Rights.Write, out _, out var found);
            if (e != KernelError.Ok)
            {
                return e;
            }

            tables = found;
            // Page-table pages go above the watermark even when no child is alive: only retype
            // resets an untyped (spec: cap.retype's reset), and D11 lets frame map only raise UtFree.
            start = AlignUp(tables.Watermark, 4096);
            if (start > tables.Size || (tables.Size - start) / 4096 < (ulong)needed)
            {
                return KernelError.NotEnoughMemory;
            }
        }

        // invoke (cannot fail)
        var next = start;
        Touched?.AddressSpace(task.Id);
        PageTables.MapLeaf(Memory, task.Pml4, va, frame.Paddr | PageTables.Present | PageTables.User | ((rights & Rights.Write) != 0 ? PageTables.Writable : 0), () =>
        {
            var page = tables!.Paddr + next;
            next += 4096;
            Memory.Clear(page, 4096);
            task.TablePages.Add((page, tables.Id));
            tables.LiveChildren++;
            return page;
        });
        if (tables is not null)
        {
            tables.Watermark = next;
        }

        Slot(fslot).Cap = Faults is { FrameMapStoresMappingRights: true }
            ? cap with { MappedTask = task.Ref, MappedVa = va, Rights = rights }
            : cap with { MappedTask = task.Ref, MappedVa = va };
        AddressSpacesChanged = true;
        return Ok(caller);
    }

    private KernelError DecodeFrameUnmap(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupObject<FrameObject>(caller, a[0], Rights.None, out var fslot, out _);
        if (e != KernelError.Ok)
        {
            return e;
        }

        var cap = Slot(fslot).Cap;
        if (!cap.IsMapped)
        {
            return KernelError.NotMapped;
        }

        UnmapRecorded(cap); // spec: frame.unmap
        Slot(fslot).Cap = cap with { MappedTask = ObjectRef.None, MappedVa = 0 };
        return Ok(caller);
    }

    /// <summary>
    /// True when every byte of [va, va+length) in a task's address space is user-accessible with the
    /// access asked (decode of a copy: checked before any byte moves, so a copy never half-happens).
    /// </summary>
    internal bool RangeAccessible(TaskObject task, ulong va, ulong length, bool write)
    {
        if (length == 0)
        {
            return true;
        }

        if (va >= AbiConstants.UserTop || length > AbiConstants.UserTop - va)
        {
            return false;
        }

        for (var page = va & ~0xFFFUL; page < va + length; page += 4096)
        {
            if (PageTables.Translate(Memory, task.Pml4, page, write) is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Copies bytes between two checked ranges of two address spaces.</summary>
    internal void CopyBetween(TaskObject from, ulong fromVa, TaskObject to, ulong toVa, ulong length)
    {
        Span<byte> buffer = stackalloc byte[256];
        while (length > 0)
        {
            var chunk = Math.Min(length, Math.Min(4096 - (fromVa & 0xFFF), 4096 - (toVa & 0xFFF)));
            chunk = Math.Min(chunk, (ulong)buffer.Length);
            var src = PageTables.Translate(Memory, from.Pml4, fromVa, false)!.Value;
            var dst = PageTables.Translate(Memory, to.Pml4, toVa, true)!.Value;
            var part = buffer[..(int)chunk];
            Memory.Read(src, part);
            Memory.Write(dst, part);
            fromVa += chunk;
            toVa += chunk;
            length -= chunk;
        }
    }

    /// <summary>Reads user memory from a checked range.</summary>
    internal byte[] ReadUser(TaskObject task, ulong va, ulong length)
    {
        var result = new byte[length];
        for (ulong done = 0; done < length;)
        {
            var chunk = Math.Min(length - done, 4096 - ((va + done) & 0xFFF));
            var p = PageTables.Translate(Memory, task.Pml4, va + done, false)!.Value;
            Memory.Read(p, result.AsSpan((int)done, (int)chunk));
            done += chunk;
        }

        return result;
    }

    private KernelError DecodeConsoleWrite(TaskObject caller, ReadOnlySpan<ulong> a)
    {
        var e = LookupObject<ConsoleObject>(caller, a[0], Rights.Write, out _, out _);
        if (e != KernelError.Ok)
        {
            return e;
        }

        if (a[2] > AbiConstants.MaxCopyLength)
        {
            return KernelError.InvalidArgument;
        }

        if (!RangeAccessible(caller, a[1], a[2], write: false))
        {
            return KernelError.BadAddress;
        }

        ConsoleOutput.AddRange(ReadUser(caller, a[1], a[2]));
        return Ok(caller);
    }
}
