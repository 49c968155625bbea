using Verified.Kernel.Abi;

namespace Verified.Kernel.Checkpoints;

/// <summary>
/// Checks that a checkpoint is self-consistent before anything is restored from it (a checkpoint
/// read from a file is untrusted): sizes and ranges, each capability's type agreeing with what it
/// refers to, derivation inside the CNode that only shrinks rights and keeps badges, and at most
/// one capability recording each mapping. Returns the first defect as a failure, or null.
/// </summary>
public static class CheckpointValidator
{
    /// <summary>The first defect found, or null when the checkpoint is consistent.</summary>
    public static CheckpointFailure? Validate(TaskCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var error = Check(checkpoint);
        return error is null ? null : new CheckpointFailure(CheckpointError.Malformed, error);
    }

    private static string? Check(TaskCheckpoint c)
    {
        if (c.Registers.IsDefault || c.Registers.Length != AbiConstants.RegisterCount)
        {
            return $"registers: {AbiConstants.RegisterCount} values expected";
        }

        if (!Kernel.IsCanonical(c.Registers[AbiConstants.RegFsBase]) || !Kernel.IsCanonical(c.Registers[AbiConstants.RegGsBase]))
        {
            return "registers: fs or gs base is not canonical";
        }

        if (c.Priority is < 0 or > AbiConstants.MaxPriority)
        {
            return $"priority {c.Priority} is outside 0..{AbiConstants.MaxPriority}";
        }

        if (c.CSpaceRadixBits is < 1 or > 12)
        {
            return $"cspace radix bits {c.CSpaceRadixBits} outside 1..12";
        }

        if (c.References.IsDefault || c.Frames.IsDefault || c.Caps.IsDefault)
        {
            return "references, frames and caps must be present";
        }

        var ids = new HashSet<string>();
        foreach (var r in c.References)
        {
            if (r is null || string.IsNullOrEmpty(r.Id) || !ids.Add(r.Id))
            {
                return $"reference '{r?.Id}' is empty or repeated";
            }

            if (r.Type is not (ObjectType.Untyped or ObjectType.Frame or ObjectType.CNode or ObjectType.Task or ObjectType.Endpoint
                or ObjectType.Notification or ObjectType.GrantTable or ObjectType.Console))
            {
                return $"reference '{r.Id}' has type {r.Type}";
            }
        }

        var vas = new HashSet<ulong>();
        for (var i = 0; i < c.Frames.Length; i++)
        {
            var f = c.Frames[i];
            if (f is null || f.Contents.IsDefault || f.Contents.Length != 4096)
            {
                return $"frame {i}: 4096 bytes expected";
            }

            if (f.Mapping is { } m && ((m.VirtualAddress & 0xFFF) != 0 || m.VirtualAddress >= AbiConstants.UserTop
                || m.Rights is not (Rights.Read or (Rights.Read | Rights.Write)) || !vas.Add(m.VirtualAddress)))
            {
                return $"frame {i}: mapping at 0x{m.VirtualAddress:x} with {m.Rights} is misaligned, outside user space, repeated or of bad access";
            }
        }

        var referenced = c.Caps.Where(x => x?.Target is CapTarget.OwnFrame).Select(x => ((CapTarget.OwnFrame)x.Target).Index).ToHashSet();
        for (var i = 0; i < c.Frames.Length; i++)
        {
            if (c.Frames[i].Mapping is null && !referenced.Contains(i))
            {
                return $"frame {i} is neither mapped nor named by a capability";
            }
        }

        return CheckCaps(c) ?? CheckFault(c) ?? CheckGrants(c);
    }

    private static string? CheckCaps(TaskCheckpoint c)
    {
        var bySlot = new Dictionary<int, CapturedCap>();
        foreach (var cap in c.Caps)
        {
            if (cap is null || cap.Slot < 0 || cap.Slot >= 1 << c.CSpaceRadixBits || !bySlot.TryAdd(cap.Slot, cap))
            {
                return $"cap in slot {cap?.Slot}: out of range or repeated";
            }
        }

        var mappingRecorded = new HashSet<int>();
        foreach (var cap in c.Caps)
        {
            var expected = cap.Target switch
            {
                CapTarget.SelfTask => ObjectType.Task,
                CapTarget.OwnCSpace => ObjectType.CNode,
                CapTarget.OwnGrantTable when c.GrantTable is not null => ObjectType.GrantTable,
                CapTarget.OwnFrame f when f.Index >= 0 && f.Index < c.Frames.Length => ObjectType.Frame,
                CapTarget.Shared s when c.Reference(s.ReferenceId) is { } r => r.Type,
                _ => ObjectType.None,
            };
            if (expected == ObjectType.None || cap.Type != expected)
            {
                return $"slot {cap.Slot}: a {cap.Type} capability cannot refer to {cap.Target}";
            }

            if ((cap.Rights & ~Rights.All) != 0 || (cap.Badge != 0 && cap.Type is not (ObjectType.Endpoint or ObjectType.Notification)))
            {
                return $"slot {cap.Slot}: rights {cap.Rights} or badge {cap.Badge} not allowed for {cap.Type}";
            }

            if (cap.RecordsMapping)
            {
                if (cap.Target is not CapTarget.OwnFrame of || c.Frames[of.Index].Mapping is not { } m || !mappingRecorded.Add(of.Index)
                    || (cap.Rights & m.Rights) != m.Rights)
                {
                    return $"slot {cap.Slot}: records a mapping it cannot record (no mapped own frame, recorded twice, or rights below the mapping's)";
                }
            }

            var e = CheckParentChain(cap, bySlot);
            if (e is not null)
            {
                return e;
            }
        }

        return null;
    }

    /// <summary>spec: cap.derive — a child names its parent's object, rights ⊆ the parent's, badge kept once set; no cycles.</summary>
    private static string? CheckParentChain(CapturedCap cap, Dictionary<int, CapturedCap> bySlot)
    {
        var seen = new HashSet<int> { cap.Slot };
        for (var child = cap; child.Parent is { } p; child = bySlot[p])
        {
            if (!bySlot.TryGetValue(p, out var parent))
            {
                return $"slot {child.Slot}: parent slot {p} is empty";
            }

            if (!seen.Add(p))
            {
                return $"slot {cap.Slot}: derivation cycle through slot {p}";
            }

            if (parent.Target != child.Target || (child.Rights & ~parent.Rights) != 0 || (parent.Badge != 0 && parent.Badge != child.Badge))
            {
                return $"slot {child.Slot}: not derivable from slot {p} (other object, more rights, or another badge)";
            }
        }

        return null;
    }

    private static string? CheckGrants(TaskCheckpoint c)
    {
        if (c.GrantTable is not { } g)
        {
            return null;
        }

        if (g.EntryBits is < 0 or > 8 || g.Entries.IsDefault || g.Entries.Length != 1 << g.EntryBits)
        {
            return $"grant table: {g.EntryBits} entry bits with {(g.Entries.IsDefault ? 0 : g.Entries.Length)} entries";
        }

        bool IsParty(CapTarget? p) => p is null or CapTarget.SelfTask || (p is CapTarget.Shared s && c.Reference(s.ReferenceId) is { Type: ObjectType.Task });
        for (var i = 0; i < g.Entries.Length; i++)
        {
            var e = g.Entries[i];
            if (e is null || !IsParty(e.Grantee) || !IsParty(e.FromGranter) || (e.Access & ~(GrantAccess.Read | GrantAccess.Write)) != 0)
            {
                return $"grant entry {i}: parties must be the task itself, a task reference or none, access ⊆ read|write";
            }
        }

        return null;
    }

    private static string? CheckFault(TaskCheckpoint c) =>
        c.Fault is { } f && c.Reference(f.ReferenceId) is not { Type: ObjectType.Endpoint }
            ? $"fault handler '{f.ReferenceId}' is not an endpoint reference"
            : null;
}
