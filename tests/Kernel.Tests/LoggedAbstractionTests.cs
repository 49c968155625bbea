using Shouldly;
using Verified.Kernel.Abi;
using Verified.Kernel.Objects;
using Verified.Proofs.Refinement;
using Xunit;
using static Verified.Kernel.Tests.TestSystem;

namespace Verified.Kernel.Tests;

/// <summary>
/// The refinement abstraction read by the touch log against the abstraction built from scratch,
/// on derivation lists rewired through the kernel's slot accessor in ways no correct kernel would:
/// slots and blocks of slots moved anywhere, with any depth (runs out of their old order), capabilities changed in
/// place, slots unlinked with their capability left, the middle of the list skipped, cycles. Each
/// read must equal the full one, falling back to a full read where the log cannot be followed.
/// </summary>
public sealed class LoggedAbstractionTests
{
    [Fact]
    public void EveryReadEqualsTheFullAbstractionOnRandomlyRewiredLists()
    {
        var s = new TestSystem();
        for (var i = 0; i < 6; i++)
        {
            var ep = s.Make(ObjectType.Endpoint);
            var child = s.TakeSlot();
            s.Ok(SyscallNumber.CNodeMint, Root, ep, Root, child, (ulong)Rights.All, (ulong)i + 1);
            s.Ok(SyscallNumber.CNodeCopy, Root, child, Root, s.TakeSlot(), (ulong)Rights.Read);
        }

        s.Kernel.Observer = null; // the rewired lists break invariants: only the abstraction is under test
        var k = s.Kernel;
        var cache = new AbstractionCache();
        var ids = new CapIdentities();
        cache.Abstract(k, ids).ShouldBe(Abstraction.Abstract(k, ids.Clone()));
        var r = new Random(2026);
        var detached = new List<SlotAddress>();
        for (var step = 0; step < 400; step++)
        {
            var what = Rewire(k, r, detached);
            var post = r.Next(2) == 0;
            var read = post ? cache.AbstractPost(k, ids, null, null) : cache.Abstract(k, ids);
            var full = Abstraction.Abstract(k, ids.Clone());
            read.Equals(full).ShouldBeTrue($"step {step} ({what}, {(post ? "post" : "pre")}): differs in {string.Join(", ", full.DifferingFields(read))}");
        }

        cache.LoggedReads.ShouldBeGreaterThan(200, "most reads follow the log");
        cache.FullReads.ShouldBeGreaterThan(1, "cycles and reordered runs fall back to full reads");
    }

    // One random rewiring through Kernel.Slot (logged); the list head is never moved (the kernel keeps it).
    private static string Rewire(Kernel k, Random r, List<SlotAddress> detached)
    {
        var order = Abstraction.OccupiedSlots(k);
        var last = order[^1];
        if (k.SlotAt(last).Next.IsSome)
        {
            k.Slot(last).Next = SlotAddress.None; // undo a cycle
            return "cycle undone";
        }

        switch (r.Next(7))
        {
            case 6 when order.Count > 5:
                {
                    // A block of slots moved elsewhere: its inside untouched, so runs come out of their old order.
                    var p = 1 + r.Next(order.Count - 3);
                    var q = p + 1 + r.Next(Math.Min(3, order.Count - 1 - p));
                    q = Math.Min(q, order.Count - 1);
                    var outside = Enumerable.Range(0, order.Count).Where(x => x < p - 1 || x > q).ToList();
                    if (outside.Count == 0) return "nothing";
                    var i = order[outside[r.Next(outside.Count)]];
                    var next = q + 1 < order.Count ? order[q + 1] : SlotAddress.None;
                    k.Slot(order[p - 1]).Next = next;
                    if (next.IsSome) k.Slot(next).Prev = order[p - 1];
                    var after = k.SlotAt(i).Next;
                    k.Slot(i).Next = order[p];
                    k.Slot(order[p]).Prev = i;
                    k.Slot(order[q]).Next = after;
                    if (after.IsSome) k.Slot(after).Prev = order[q];
                    return $"moved the block {order[p]}..{order[q]}";
                }

            case 0 when order.Count > 3:
                {
                    var j = order[1 + r.Next(order.Count - 1)];
                    Unlink(k, j);
                    var rest = Abstraction.OccupiedSlots(k);
                    LinkAfter(k, rest[r.Next(rest.Count)], j);
                    k.Slot(j).Depth = r.Next(4);
                    return $"moved {j}";
                }

            case 1:
                {
                    ref var slot = ref k.Slot(order[r.Next(order.Count)]);
                    slot.Cap = slot.Cap with { Rights = (Rights)r.Next(16), Badge = (ulong)r.Next(3) };
                    return "capability changed";
                }

            case 2:
                k.Slot(order[r.Next(order.Count)]).Depth = r.Next(4);
                return "depth changed";
            case 3 when order.Count > 3:
                {
                    var j = order[1 + r.Next(order.Count - 1)];
                    Unlink(k, j);
                    detached.Add(j);
                    return $"unlinked {j}";
                }

            case 4 when detached.Count > 0:
                {
                    var j = detached[^1];
                    detached.RemoveAt(detached.Count - 1);
                    LinkAfter(k, order[r.Next(order.Count)], j);
                    return $"relinked {j}";
                }

            case 5 when order.Count > 4:
                {
                    var i = r.Next(order.Count - 3);
                    if (r.Next(2) == 0)
                    {
                        k.Slot(order[i]).Next = order[i + 3]; // the two between are left pointing into the list
                        return "skipped two";
                    }

                    k.Slot(last).Next = order[r.Next(order.Count - 1)];
                    return "cycle";
                }

            default:
                return "nothing";
        }
    }

    private static void Unlink(Kernel k, SlotAddress j)
    {
        var s = k.SlotAt(j);
        if (s.Prev.IsSome) k.Slot(s.Prev).Next = s.Next;
        if (s.Next.IsSome) k.Slot(s.Next).Prev = s.Prev;
        k.Slot(j).Prev = SlotAddress.None;
        k.Slot(j).Next = SlotAddress.None;
    }

    private static void LinkAfter(Kernel k, SlotAddress i, SlotAddress j)
    {
        var next = k.SlotAt(i).Next;
        k.Slot(j).Prev = i;
        k.Slot(j).Next = next;
        if (next.IsSome) k.Slot(next).Prev = j;
        k.Slot(i).Next = j;
    }
}
