using Shouldly;
using Verified.Spec;
using Verified.Spec.Kernel;
using Xunit;

namespace Verified.Spec.Kernel.Tests;

/// <summary>
/// The narrowed quantifiers (KernelEval's StepNarrowing: a quantifier over the ids its index
/// yields instead of the whole domain) give what the whole domain gives: on a long random walk
/// whose indexes are built once (for the first state that reaches a narrowed quantifier) and then moved at each step's changed keys,
/// every step's error, next state and changed keys equal those of an evaluator that quantifies
/// over whole domains. The walk's arguments name full slots mostly, so deletes, mutates and
/// retypes reach their quantifying checks.
/// </summary>
public sealed class NarrowingAgreementTests
{
    [Fact]
    public void Narrowed_steps_equal_whole_domain_steps_on_a_random_walk()
    {
        var narrowed = new KernelEval(KernelSpec.Default);
        Disagreement(narrowed).ShouldBeNull();
        var (quantifiers, fromIndex, _, _) = narrowed.Narrowing;
        quantifiers.ShouldBeGreaterThanOrEqualTo(4); // delete's no descendants, last capability, empty CNode, no live child at least
        fromIndex.ShouldBeGreaterThan(500); // the walk really decided them from the indexes
    }

    [Fact]
    public void Recorded_moves_are_made_when_an_index_is_next_read()
    {
        // The anchor set every 16th step only: between anchors the indexes reach each state read
        // by the moves recorded along the walk (KernelEval.MoveIndexes records a move and makes it
        // when a quantifier next reads the index there), several at once where the steps between
        // read none; without them those reads would range over the whole domain.
        var narrowed = new KernelEval(KernelSpec.Default);
        Disagreement(narrowed, anchorEveryStep: false).ShouldBeNull();
        var (_, fromIndex, whole, _) = narrowed.Narrowing;
        fromIndex.ShouldBeGreaterThan(500);
        (whole * 20).ShouldBeLessThan(fromIndex);
    }

    [Fact]
    public void Indexes_not_moved_at_the_changed_keys_are_caught()
    {
        // The planted wrong shortcut (ShortcutFaults.IndexSkipsMoves in the checker): the indexes keep the first state's groups.
        Disagreement(new KernelEval(KernelSpec.Default) { PlantIndexSkipsMoves = true }).ShouldNotBeNull();
        Disagreement(new KernelEval(KernelSpec.Default) { PlantIndexSkipsMoves = true }, anchorEveryStep: false).ShouldNotBeNull();
    }

    private static readonly string[] CapOperations = ["cap.copy", "cap.mint", "cap.delete", "cap.revoke_step", "cap.mutate", "cap.retype", "cap.move", "task.destroy"];

    // Mostly a full slot for a source, an empty slot of a live CNode for a destination, an unused
    // capability id and a dead object id (so steps succeed and the state grows as well as shrinks).
    private static Value Argument(OpArg a, ConcreteState state, KernelSorts k, IReadOnlyDictionary<Role, System.Collections.Immutable.ImmutableArray<Term>> domains, Random rng)
    {
        if (rng.Next(5) == 0) return EvalZ3AgreementTests.RandomValue(a, k, domains, rng);
        var alive = state.Map("ObjAlive");
        switch (a.Role)
        {
            case Role.Slot when a.Name == "dst":
                var cnodes = alive.Entries.Keys.Where(o => state.Map("ObjType").Select(o) is EnumValue { Member: "CNode" }).ToArray();
                if (cnodes.Length == 0) break;
                var cnode = ((BitVecValue)cnodes[rng.Next(cnodes.Length)]).Bits;
                return new BitVecValue(k.Slot.Width, (cnode << k.Config.CNodeIndexBits) | (ulong)(uint)rng.Next(16));
            case Role.Slot:
                var full = state.Map("SlotFull").Entries.Keys.ToArray();
                if (full.Length > 0) return full[rng.Next(full.Length)];
                break;
            case Role.CapId:
                var live = state.Map("CapLive");
                for (ulong id = (ulong)rng.Next(8); ; id++)
                    if (live.Select(new BitVecValue(k.CapId.Width, id)) is BoolValue { Value: false }) return new BitVecValue(k.CapId.Width, id);
            case Role.Obj when a.Name == "obj":
                for (ulong id = (ulong)rng.Next(8); ; id++)
                    if (alive.Select(new BitVecValue(k.Obj.Width, id)) is BoolValue { Value: false }) return new BitVecValue(k.Obj.Width, id);
            default:
                break;
        }

        return EvalZ3AgreementTests.RandomValue(a, k, domains, rng);
    }

    // The first step where the narrowed evaluator and the whole-domain one differ (null: none in the walk).
    private static string? Disagreement(KernelEval narrowed, bool anchorEveryStep = true)
    {
        var whole = new KernelEval(KernelSpec.Default); // no anchor and no moves: every quantifier over its whole domain
        var spec = narrowed.Spec;
        var k = spec.Sorts;
        var rng = new Random(4242);
        var state = new ScriptedRun(spec).AfterScript;
        var successes = 0;
        for (var i = 0; i < 3000; i++)
        {
            // Half the steps a capability operation (they quantify), the other half any operation.
            var op = rng.Next(2) == 0 ? spec.Operation(CapOperations[rng.Next(CapOperations.Length)]) : spec.Operations[rng.Next(spec.Operations.Length)];
            var domains = EvalDomains.For(k, state, []);
            var args = op.Args.ToDictionary(a => a.Name, a => Argument(a, state, k, domains, rng));
            // Built for a state only when they describe none evaluated (the first quantifier reached); moved from then on.
            if (anchorEveryStep || i % 16 == 0) narrowed.IndexAnchor = state;
            var a = narrowed.Step(op.Name, state, args);
            var b = whole.Step(op.Name, state, args);
            var label = $"step {i}: {op.Name}({string.Join(", ", args.Select(x => $"{x.Key}={x.Value}"))})";
            if (a.Error != b.Error) return $"{label}: narrowed {a.Error}, whole {b.Error}";
            if (!a.Next.Equals(b.Next)) return $"{label}: next states differ in {string.Join(", ", a.Next.DifferingFields(b.Next))}";
            if (!a.Ok) continue;
            successes++;
            narrowed.MoveIndexes(state, a.Next, a.Changes);
            state = a.Next;
        }

        successes.ShouldBeGreaterThan(300); // the walk really moves
        return null;
    }
}
