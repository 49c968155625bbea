using System.Collections.Immutable;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;

namespace Verified.Kernel.Checkpoints;

/// <summary>
/// The migration property, checked on a restored task: capture it again in the target kernel and
/// compare with the saved checkpoint, every shared reference renamed to the object its binding
/// names. Equal means: same registers, priority, pages (address, access, bytes), and in every slot
/// a capability of the same type, rights and badge naming the corresponding object, with the same
/// derivation inside the CNode and the same mapping records. Returns each difference found.
/// </summary>
public static class CheckpointEquivalence
{
    /// <summary>Differences between the saved checkpoint and the restored task (empty: equivalent).</summary>
    public static IReadOnlyList<string> Differences(TaskCheckpoint saved, Kernel target, TaskObject caller, RestoreRequest request, TaskObject restored)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(restored);
        var differences = new List<string>();
        if (restored.State != TaskState.Ready)
        {
            differences.Add($"restored task is {restored.State}, not Ready");
        }

        if (!TaskCapture.TryCapture(target, restored, out var again, out var failure))
        {
            differences.Add($"the restored task cannot be captured: {failure}");
            return differences;
        }

        // saved reference id -> the id the bound object has in the target kernel
        var rename = new Dictionary<string, string>();
        foreach (var r in saved.References)
        {
            var cptr = request.Binding.GetValueOrDefault(r.Id, AbiConstants.NoCap);
            var root = target.Objects.Resolve<CNodeObject>(caller.CSpaceRoot);
            var o = root is not null && cptr < (ulong)root.View.Length ? target.Objects.Resolve(root.View[(int)cptr].Cap.Object) : null;
            rename[r.Id] = o is null ? $"unbound:{r.Id}" : TaskCapture.ReferenceId(o);
        }

        var expected = Canonical(saved with { Registers = saved.Registers.SetItem(AbiConstants.RegRflags, (saved.Registers[AbiConstants.RegRflags] & 0xCD5) | 0x202) }, rename);
        var actual = Canonical(again!, null);
        Compare(expected, actual, differences);
        return differences;
    }

    private static void Compare(TaskCheckpoint e, TaskCheckpoint a, List<string> d)
    {
        for (var i = 0; i < Math.Min(e.Registers.Length, a.Registers.Length); i++)
        {
            if (e.Registers[i] != a.Registers[i])
            {
                d.Add($"register {i}: saved 0x{e.Registers[i]:x}, restored 0x{a.Registers[i]:x}");
            }
        }

        if (e.Priority != a.Priority || e.CSpaceRadixBits != a.CSpaceRadixBits)
        {
            d.Add($"priority/radix: saved {e.Priority}/{e.CSpaceRadixBits}, restored {a.Priority}/{a.CSpaceRadixBits}");
        }

        if (e.Frames.Length != a.Frames.Length)
        {
            d.Add($"frames: saved {e.Frames.Length}, restored {a.Frames.Length}");
        }

        for (var i = 0; i < Math.Min(e.Frames.Length, a.Frames.Length); i++)
        {
            if (e.Frames[i].Mapping != a.Frames[i].Mapping)
            {
                d.Add($"frame {i}: saved mapping {Describe(e.Frames[i].Mapping)}, restored {Describe(a.Frames[i].Mapping)}");
            }
            else if (!e.Frames[i].Contents.SequenceEqual(a.Frames[i].Contents))
            {
                d.Add($"frame {i} ({Describe(e.Frames[i].Mapping)}): contents differ");
            }
        }

        var restored = a.Caps.ToDictionary(c => c.Slot);
        foreach (var c in e.Caps)
        {
            if (!restored.Remove(c.Slot, out var r))
            {
                d.Add($"slot {c.Slot}: saved {c}, restored empty");
            }
            else if (r != c)
            {
                d.Add($"slot {c.Slot}: saved {c}, restored {r}");
            }
        }

        d.AddRange(restored.Values.Select(r => $"slot {r.Slot}: empty when saved, restored {r}"));
        if (e.Fault != a.Fault)
        {
            d.Add($"fault handler: saved {e.Fault}, restored {a.Fault}");
        }

        if ((e.GrantTable is null) != (a.GrantTable is null) || e.GrantTable?.EntryBits != a.GrantTable?.EntryBits)
        {
            d.Add($"grant table: saved {e.GrantTable?.EntryBits.ToString() ?? "none"} entry bits, restored {a.GrantTable?.EntryBits.ToString() ?? "none"}");
        }
        else if (e.GrantTable is { } eg && a.GrantTable is { } ag)
        {
            for (var i = 0; i < eg.Entries.Length; i++)
            {
                if (eg.Entries[i] != ag.Entries[i])
                {
                    d.Add($"grant entry {i}: saved {eg.Entries[i]}, restored {ag.Entries[i]}");
                }
            }
        }
    }

    private static string Describe(PageMapping? m) => m is null ? "none" : $"0x{m.VirtualAddress:x} {m.Rights}";

    /// <summary>
    /// A form independent of the order the frames were listed in and of reference names: frames
    /// mapped first by address, then unmapped ones by the lowest slot naming them; caps by slot;
    /// references renamed (when <paramref name="rename"/> is given) and sorted.
    /// </summary>
    private static TaskCheckpoint Canonical(TaskCheckpoint c, Dictionary<string, string>? rename)
    {
        string Name(string id) => rename is null ? id : rename.GetValueOrDefault(id, $"unbound:{id}");
        int FirstSlot(int frame) => c.Caps.Where(x => x.Target == new CapTarget.OwnFrame(frame)).Select(x => x.Slot).DefaultIfEmpty(int.MaxValue).Min();
        var order = Enumerable.Range(0, c.Frames.Length)
            .OrderBy(i => c.Frames[i].Mapping is null ? 1 : 0)
            .ThenBy(i => c.Frames[i].Mapping?.VirtualAddress ?? 0)
            .ThenBy(FirstSlot)
            .ToList();
        var newIndex = order.Select((old, i) => (old, i)).ToDictionary(x => x.old, x => x.i);
        var caps = c.Caps.OrderBy(x => x.Slot).Select(x => x with
        {
            Target = x.Target switch
            {
                CapTarget.OwnFrame f => new CapTarget.OwnFrame(newIndex.GetValueOrDefault(f.Index, -1)),
                CapTarget.Shared s => new CapTarget.Shared(Name(s.ReferenceId)),
                var t => t,
            },
        });
        var references = c.References.Select(r => r with { Id = Name(r.Id) }).DistinctBy(r => r.Id).OrderBy(r => r.Id, StringComparer.Ordinal);
        CapTarget? Party(CapTarget? t) => t is CapTarget.Shared s ? new CapTarget.Shared(Name(s.ReferenceId)) : t;
        var grants = c.GrantTable is { } g
            ? g with { Entries = [.. g.Entries.Select(e => e with { Grantee = Party(e.Grantee), FromGranter = Party(e.FromGranter) })] }
            : null;
        return c with
        {
            Frames = [.. order.Select(i => c.Frames[i])],
            Caps = [.. caps],
            References = [.. references],
            Fault = c.Fault is { } f ? f with { ReferenceId = Name(f.ReferenceId) } : null,
            GrantTable = grants,
        };
    }
}
