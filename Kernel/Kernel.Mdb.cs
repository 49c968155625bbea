using Verified.Kernel.Caps;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>
/// The derivation tree as seL4's mapping database: one doubly linked list of slots in preorder,
/// each with its depth. A slot's descendants are the slots that follow it with a greater depth,
/// so revoke walks forward and delete splices one node out (lifting its descendants one level,
/// which keeps them in the tree as children of the deleted node's parent).
/// </summary>
public sealed partial class Kernel
{
    /// <summary>Puts a capability into an empty slot as the first child of <paramref name="parent"/> (or as a new root when None).</summary>
    internal void MdbInsert(SlotAddress parent, SlotAddress child, Capability cap)
    {
        ref var c = ref Slot(child);
        if (!c.Cap.IsNull)
        {
            throw new InvalidOperationException($"kernel bug: inserting into occupied {child}");
        }

        c.Cap = cap;
        if (!parent.IsSome)
        {
            c.Depth = 0;
            c.Prev = SlotAddress.None;
            c.Next = MdbHead;
            if (MdbHead.IsSome)
            {
                Slot(MdbHead).Prev = child;
            }

            MdbHead = child;
        }
        else
        {
            ref var p = ref Slot(parent);
            c.Depth = p.Depth + 1;
            c.Prev = parent;
            c.Next = p.Next;
            if (p.Next.IsSome && Faults is not { InsertSkipsBackLink: true })
            {
                Slot(p.Next).Prev = child;
            }

            p.Next = child;
        }

        var o = Objects.Resolve(cap.Object);
        if (o is not null)
        {
            o.CapCount++;
        }
    }

    /// <summary>Splices a slot out of the list and empties it; its descendants move up one level. Returns the capability it held.</summary>
    private Capability MdbUnlink(SlotAddress a)
    {
        ref var s = ref Slot(a);
        var depth = s.Depth;
        for (var d = s.Next; d.IsSome; d = Slot(d).Next)
        {
            ref var ds = ref Slot(d);
            if (ds.Depth <= depth)
            {
                break;
            }

            ds.Depth--;
        }

        if (s.Prev.IsSome)
        {
            Slot(s.Prev).Next = s.Next;
        }
        else
        {
            MdbHead = s.Next;
        }

        if (s.Next.IsSome)
        {
            Slot(s.Next).Prev = s.Prev;
        }

        var cap = s.Cap;
        s = CapSlot.Empty;
        return cap;
    }

    /// <summary>Moves a capability to an empty slot, keeping its place in the list (spec: cap.move — position kept).</summary>
    internal void MdbMove(SlotAddress from, SlotAddress to, Capability newCap)
    {
        ref var f = ref Slot(from);
        ref var t = ref Slot(to);
        t.Cap = newCap;
        t.Depth = f.Depth;
        t.Prev = f.Prev;
        t.Next = f.Next;
        if (t.Prev.IsSome)
        {
            Slot(t.Prev).Next = to;
        }
        else
        {
            MdbHead = to;
        }

        if (t.Next.IsSome)
        {
            Slot(t.Next).Prev = to;
        }

        f = CapSlot.Empty;
    }

    /// <summary>The first descendant of a slot, or None.</summary>
    public SlotAddress FirstDescendant(SlotAddress a)
    {
        var s = SlotAt(a);
        return s.Next.IsSome && SlotAt(s.Next).Depth > s.Depth ? s.Next : SlotAddress.None;
    }

    /// <summary>Every descendant of a slot, in derivation order.</summary>
    public IEnumerable<SlotAddress> Descendants(SlotAddress a)
    {
        var depth = SlotAt(a).Depth;
        for (var d = SlotAt(a).Next; d.IsSome && SlotAt(d).Depth > depth; d = SlotAt(d).Next)
        {
            yield return d;
        }
    }

    /// <summary>The parent of a slot (nearest earlier slot one level up), or None for a root.</summary>
    public SlotAddress Parent(SlotAddress a)
    {
        var depth = SlotAt(a).Depth;
        for (var p = SlotAt(a).Prev; p.IsSome; p = SlotAt(p).Prev)
        {
            if (SlotAt(p).Depth < depth)
            {
                return p;
            }
        }

        return SlotAddress.None;
    }

    /// <summary>The whole list in order.</summary>
    public IEnumerable<SlotAddress> MdbOrder()
    {
        // A read, so not recorded in the touch log (SlotAt). The list is acyclic in a consistent
        // kernel; only a planted fault can make it cyclic, so only then does the walk pay for
        // remembering the slots it visited, and it stops at a revisited one so that a destroy
        // ends and the checker reports the corruption instead of the host hanging.
        var seen = Faults is null ? null : new HashSet<SlotAddress>();
        for (var a = MdbHead; a.IsSome && (seen is null || seen.Add(a)); a = SlotAt(a).Next)
        {
            yield return a;
        }
    }
}
