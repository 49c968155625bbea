using System.Runtime.InteropServices;
using Verified.Kernel.Objects;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Ghost state of the refinement relation: the spec gives each capability an identity apart from
/// its slot (so move keeps its place in the derivation tree); the kernel's capabilities are slot
/// contents. This map names the capability in each occupied kernel slot. It is a history
/// variable: updated after each step from the operation (move carries the id from source to
/// destination; a newly filled slot gets the next fresh id) and never consulted by the kernel.
/// </summary>
public sealed class CapIdentities
{
    private Dictionary<SlotAddress, ulong> ids = [];
    private Dictionary<SlotAddress, ulong> spare = []; // the map before last, refilled by Update
    private readonly HashSet<SlotAddress> scratchOccupied = [];

    public ulong NextFresh { get; private set; }

    /// <summary>Moves on whenever the map changes (so a reader can tell it is the same as when it last looked).</summary>
    public long Version { get; private set; }

    public bool TryGet(SlotAddress slot, out ulong id) => ids.TryGetValue(slot, out id);

    /// <summary>The id a slot holds, giving a fresh one to a slot seen for the first time.</summary>
    public ulong IdOf(SlotAddress slot)
    {
        if (!ids.TryGetValue(slot, out var id))
        {
            id = NextFresh++;
            ids[slot] = id;
            Version++;
        }

        return id;
    }

    /// <summary>
    /// After a step: keep the ids of slots still occupied, move <paramref name="movedFrom"/>'s id to
    /// <paramref name="movedTo"/> when the move happened, then (in derivation-list order) give
    /// fresh ids to newly occupied slots.
    /// </summary>
    public void Update(IReadOnlyList<SlotAddress> occupiedAfter, SlotAddress? movedFrom, SlotAddress? movedTo)
    {
        // The common step fills and empties no slot: the same slots, no move, nothing changes.
        // Cheapest when the list is the one of the last update and the map has not changed since
        // (each update ends with exactly that list's slots named); otherwise by lookups (the
        // derivation list holds each slot once, so equal counts and containment are set equality).
        if (movedFrom is null && Version == updatedVersion && SameList(occupiedAfter, updatedList)) return;
        if (movedFrom is null && occupiedAfter.Count == ids.Count && AllNamed(occupiedAfter))
        {
            Remember(occupiedAfter);
            return;
        }

        // The two sets and the map before last are reused (this runs after every syscall).
        var occupied = scratchOccupied;
        occupied.Clear();
        foreach (var slot in occupiedAfter) occupied.Add(slot);
        var next = spare;
        next.Clear();
        foreach (var (slot, id) in ids)
        {
            if (occupied.Contains(slot)) next[slot] = id;
        }

        if (movedFrom is { } from && movedTo is { } to && !occupied.Contains(from) && occupied.Contains(to)
            && ids.TryGetValue(from, out var carried) && !next.ContainsKey(to))
        {
            next[to] = carried;
        }

        if (next.Count != ids.Count || movedFrom is not null) Version++; // otherwise next holds exactly the old pairs
        spare = ids;
        ids = next;
        foreach (var slot in occupiedAfter) IdOf(slot);
        Remember(occupiedAfter);
    }

    // The list and the version at the end of the last update (version -1: none yet).
    private readonly List<SlotAddress> updatedList = [];
    private long updatedVersion = -1;

    private void Remember(IReadOnlyList<SlotAddress> occupied)
    {
        updatedList.Clear();
        if (occupied is List<SlotAddress> l) updatedList.AddRange(l);
        else foreach (var slot in occupied) updatedList.Add(slot);
        updatedVersion = Version;
    }

    private static bool SameList(IReadOnlyList<SlotAddress> a, List<SlotAddress> b)
    {
        if (a is List<SlotAddress> l) return CollectionsMarshal.AsSpan(l).SequenceEqual(CollectionsMarshal.AsSpan(b));
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
            if (a[i] != b[i]) return false;
        return true;
    }


    private bool AllNamed(IReadOnlyList<SlotAddress> slots)
    {
        foreach (var slot in slots)
            if (!ids.ContainsKey(slot)) return false;
        return true;
    }

    /// <summary>The slots named now (the logged walk's start: those not in the list are to be forgotten at the next update).</summary>
    internal IEnumerable<SlotAddress> Named => ids.Keys;

    /// <summary>
    /// <see cref="Update"/> given only what may differ, for a caller that knows the step's changes
    /// (the logged walk, <see cref="CapMirror"/>): <paramref name="mayBeEmptied"/> holds every
    /// named slot that may no longer be occupied (every named slot not in it is), and
    /// <paramref name="filledInOrder"/> every occupied slot that may be unnamed, in derivation-list
    /// order. The same map, fresh ids and version moves as <see cref="Update"/> on the whole list.
    /// </summary>
    internal void UpdateChanged(HashSet<SlotAddress> mayBeEmptied, Func<SlotAddress, bool> occupied, SlotAddress? movedFrom, SlotAddress? movedTo, List<SlotAddress> filledInOrder)
    {
        // As Update: the id is carried when the move happened and the destination was not named.
        var carry = movedFrom is { } from && movedTo is { } to && !occupied(from) && occupied(to) && ids.TryGetValue(from, out var carried) && !ids.ContainsKey(to)
            ? (to, carried) : ((SlotAddress, ulong)?)null;
        var removed = false;
        foreach (var slot in mayBeEmptied)
            if (!occupied(slot)) removed |= ids.Remove(slot);
        if (carry is { } c) ids[c.Item1] = c.Item2;
        if (removed || movedFrom is not null) Version++; // Update's test: the map lost a pair, or a move
        foreach (var slot in filledInOrder) IdOf(slot);
        updatedVersion = -1; // Update's shortcut compares with the list it last saw, which this update did not
    }

    public CapIdentities Clone() => new() { ids = new(ids), NextFresh = NextFresh, Version = Version };
}
