using Verified.Spec;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The comparison of a retype's last spec step with the kernel's post-state without building the
/// step's next state: the step in keyed form (<see cref="KernelEval.StepKeyed"/>: its stores'
/// keys and values, not the maps they make), normalised and compared at the keys where the next
/// state or the post-state can differ from the judged pre-state.
/// </summary>
public sealed partial class RefinementChecker
{
    /// <summary>
    /// Whether the normalised next state of <paramref name="step"/> (a successful keyed step from
    /// <paramref name="s"/>, the judged pre-state or a state this step built from it) equals the
    /// kernel's post-state <paramref name="after"/>; null when that cannot be decided at keys (the
    /// changes of either side from the pre-state unknown, a field changed whole or with another
    /// default, a map that may re-choose its default): the caller then builds the next state.
    /// <para>
    /// Why it is the verdict of building the next state E, normalising it (Junk.Normalize) to N and
    /// comparing N with the post-state A in full. Where E, N and A can differ from the pre-state: E
    /// from s at most at the keys its stores write (a chain of stores keeps the map's default,
    /// short of the re-choice ruled out below), s from the pre-state at most at its chain's changed
    /// keys, A at most at the abstraction's changed keys; a junk rule of field f reads only f's
    /// guard fields (Junk.GuardsOf) at the same key, so at a key where neither f nor a guard of f
    /// is written N is s (canonical, as the pre-state is). So N and A are equal exactly when they
    /// are at the compared keys: per field, those its stores and its guards' stores write, its
    /// chain's and the abstraction's; a field neither written nor guarded by a written one is s's,
    /// compared as <see cref="SameAt"/> compares.
    /// </para>
    /// <para>
    /// At a compared key, E's raw entry (the last store's value there, else s's) equal to A's
    /// passes; a different one passes when the entry Junk.EntriesOf gives for it under the rules
    /// read on A (the default where A's rules drop the key) is A's. That is the comparison of N
    /// with A: A is canonical (the abstraction normalises; the cross-check compares it with a
    /// fresh normalised one), so a raw entry equal to A's is N's too when both rules keep the key
    /// and the default A holds when both drop it; and the rules on E and on A agree once every
    /// field they read agrees, which the comparison checks too. The rules are layered: a guard's
    /// own rule reads fields below it (ObjType's reads ObjAlive, whose rule keeps every key), and
    /// a rule's verdict on a raw state is its verdict on the normalised one, so field by field
    /// from the bottom layer up N and A agree wherever every comparison passed.
    /// </para>
    /// </summary>
    private bool? SameKeyed(ConcreteState s, KeyedStep step, ConcreteState after, out string difference)
    {
        difference = "";
        if (KnownChanges(s, after) is not (var pre, var chain, var theirs)) return null;
        Func<int, Value, Value, Value>? entries = null;
        for (var i = 0; i < ConcreteState.FieldCount; i++)
        {
            var written = step.Writes(i);
            var guarded = false;
            foreach (var g in FieldGuards[i]) guarded |= step.Writes(g).Length > 0;
            if (written.Length == 0 && !guarded)
            {
                if (SameField(pre, s, chain, after, theirs, i)) continue;
                difference = KernelState.Fields[i].Name;
                return false;
            }

            if (s[i] is not MapValue ms || after[i] is not MapValue ma || pre[i] is not MapValue mp) return null;
            var def = ms.Default;
            if (!EqualValues(def, CanonicalDefaults[i]!) || !EqualValues(def, mp.Default) || !EqualValues(def, ma.Default)) return null;
            // A map whose entries cover half its key sort may re-choose its default (MapValue).
            if (KeyCounts[i] is { } n && 2 * (ulong)(ms.Entries.Count + written.Length) >= n) return null;
            var chainTouched = false;
            for (var c = chain; c is not null; c = c.Tail)
            {
                if (c.Head.IsWhole(i)) return null;
                chainTouched |= c.Head.Touched(i);
            }

            // s is the pre-state's value outside its chain's keys, A outside the abstraction's.
            if (!chainTouched && !ReferenceEquals(ms, mp)) return null;
            var tk = theirs[i];
            if (tk is null && !ReferenceEquals(ma, mp)) return null;

            // The stores' keys (a key stored twice: its last value), then the other keys (s's
            // entry there): the guards' stores', the chain's, the abstraction's. A key met twice
            // is compared twice.
            for (var j = 0; j < written.Length; j++)
            {
                var k = written[j].Key;
                if (!LastStore(written, j)) continue;
                if (!Agree(i, k, written[j].Value, ma, after, ref entries, out difference)) return false;
            }

            foreach (var g in FieldGuards[i])
                foreach (var (k, _) in step.Writes(g))
                    if (!Agree(i, k, written, ms, ma, after, ref entries, out difference)) return false;
            for (var c = chain; c is not null; c = c.Tail)
            {
                if (c.Head.Keys(i) is not { } ck) continue;
                foreach (var k in ck)
                    if (!Agree(i, k, written, ms, ma, after, ref entries, out difference)) return false;
            }

            if (tk is not null)
            {
                foreach (var k in tk)
                    if (!Agree(i, k, written, ms, ma, after, ref entries, out difference)) return false;
            }
        }

        return true;
    }

    // At a key not stored to (else compared with its store's value already): s's entry.
    private bool Agree(int i, Value k, ReadOnlySpan<(Value Key, Value Value)> written, MapValue ms, MapValue ma, ConcreteState after, ref Func<int, Value, Value, Value>? entries, out string difference)
    {
        difference = "";
        foreach (var (key, _) in written)
            if (EqualValues(key, k)) return true;
        return Agree(i, k, ms.Select(k), ma, after, ref entries, out difference);
    }

    // The normalised next state's entry for raw entry `raw` at k agrees with the post-state's.
    private bool Agree(int i, Value k, Value raw, MapValue ma, ConcreteState after, ref Func<int, Value, Value, Value>? entries, out string difference)
    {
        difference = "";
        var actual = ma.Select(k);
        if (EqualValues(raw, actual)) return true;
        // Different raw: equal only where the rules, read on the post-state, reset the entry
        // (or its inner maps are made canonical).
        entries ??= Junk.EntriesOf(after);
        var expected = Shortcuts is { KeyedSkipsJunk: true } ? raw : entries(i, k, raw);
        if (expected.Equals(actual)) return true;
        difference = $"{KernelState.Fields[i].Name} at {k} (expected {expected}, the kernel's {actual})";
        return false;
    }

    // Whether store j is the last into its key.
    private static bool LastStore(ReadOnlySpan<(Value Key, Value Value)> written, int j)
    {
        for (var x = j + 1; x < written.Length; x++)
            if (EqualValues(written[x].Key, written[j].Key)) return false;
        return true;
    }

    // Keys and entries: bit-vectors (most of them) compared without the virtual record equality.
    private static bool EqualValues(Value a, Value b) =>
        ReferenceEquals(a, b) || (a is BitVecValue x && b is BitVecValue y ? x.Bits == y.Bits && x.Width == y.Width : a.Equals(b));

    // Per field: the fields its junk rule reads, its canonical default, the size of its key sort when finite.
    private static readonly int[][] FieldGuards = [.. Enumerable.Range(0, ConcreteState.FieldCount).Select(i => Junk.GuardsOf(i).ToArray())];
    private static readonly Value?[] CanonicalDefaults = [.. KernelState.Fields.Select(f => f.SortOf(RefinementSpec.Sorts) is MapSort m ? Junk.DefaultOf(m.Value) : null)];
    private static readonly ulong?[] KeyCounts = [.. KernelState.Fields.Select(f => f.SortOf(RefinementSpec.Sorts) is MapSort m ? m.Key.CardinalityUpTo(ulong.MaxValue) : null)];

}
