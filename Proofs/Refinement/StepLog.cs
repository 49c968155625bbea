using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Verified.Kernel.Abi;

namespace Verified.Proofs.Refinement;

/// <summary>
/// The checker's record of every syscall since boot (for the counterexample trace and replay), kept
/// compact: one struct per syscall with its arguments inline, in chunks of 512 (each under the
/// large-object threshold; the first starts at 32 entries and doubles). A <see cref="StepRecord"/> is made when one is read. A record object and
/// an argument array per syscall outlived the young generation on long runs (60,000 syscalls of
/// ipcbench), so every collection copied them again; now a step keeps only its note beyond its entry.
/// </summary>
internal sealed class StepLog : IReadOnlyList<StepRecord>
{
    private const int ChunkBits = 9;
    private const int ChunkSize = 1 << ChunkBits;
    private const int FirstChunkSize = 32;
    private const int LazyWindow = 1024;
    private const int MaxSharedTexts = 4096; // beyond: kept as they come (the set must not grow with the run)

    private readonly List<Entry[]> chunks = [];
    private HashSet<string>? texts;
    private Dictionary<int, ulong[]>? longArgs; // argument lists longer than the inline six (only a test's direct calls)

    public int Count { get; private set; }

    public StepRecord this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            ref readonly var e = ref chunks[index >> ChunkBits][index & (ChunkSize - 1)];
            var args = e.ArgCount < 0 ? ImmutableArray.Create(longArgs![index]) : ImmutableArray.Create(((ReadOnlySpan<ulong>)e.Args)[..e.ArgCount]);
            var note = e.Note as StepNote ?? (StepNote)(string)e.Note;
            return new StepRecord(index, e.Task, e.Number, args, e.Status, e.Restarted, e.Verdict, note, e.Fault);
        }
    }

    public void Add(int task, long number, ReadOnlySpan<ulong> args, KernelError status, bool restarted, StepVerdict verdict, StepNote note, bool fault = false)
    {
        ArgumentNullException.ThrowIfNull(note);
        var at = Count & (ChunkSize - 1);
        if (at == 0)
        {
            // The first chunk starts small and doubles (most checkers see a few dozen syscalls).
            chunks.Add(new Entry[Count == 0 ? FirstChunkSize : ChunkSize]);
        }
        else if (at == chunks[^1].Length)
        {
            var grown = chunks[^1];
            Array.Resize(ref grown, Math.Min(2 * grown.Length, ChunkSize));
            chunks[^1] = grown;
        }

        ref var e = ref chunks[^1][at];
        e.Task = task;
        e.Number = number;
        e.Status = status;
        e.Restarted = restarted;
        e.Verdict = verdict;
        e.Fault = fault;
        // A note already rendered is kept as its text alone (the closure that made it can go).
        e.Note = note.Rendered ?? (object)note;
        if (args.Length <= Inline.Length)
        {
            e.ArgCount = (sbyte)args.Length;
            args.CopyTo(e.Args);
        }
        else
        {
            e.ArgCount = -1;
            (longArgs ??= [])[Count] = args.ToArray();
        }

        Count++;
        if (Count > LazyWindow) RenderNote(Count - 1 - LazyWindow);
    }

    // A note not yet read holds what renders it (a closure and the values it captured): kept for
    // every step of a long run, those were most of what outlived the young generation (ipcbench:
    // about 90 ms of collections in 60,000 syscalls, against 8 ms without notes). So a note older
    // than the last LazyWindow steps is rendered and kept as text shared with equal texts: the text
    // is the same (a note is a function of values fixed when it is made), and a long run repeats a
    // few texts (the same send, the same stutter) thousands of times. A run shorter than the window
    // (a random workload's, most example programs') renders and shares none.
    private void RenderNote(int index)
    {
        ref var e = ref chunks[index >> ChunkBits][index & (ChunkSize - 1)];
        e.Note = Shared(e.Note as string ?? ((StepNote)e.Note).ToString());
    }

    private string Shared(string text)
    {
        texts ??= new(StringComparer.Ordinal);
        if (texts.TryGetValue(text, out var shared)) return shared;
        if (texts.Count < MaxSharedTexts) texts.Add(text);
        return text;
    }

    public IEnumerator<StepRecord> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private struct Entry
    {
        public Inline Args;
        public long Number;
        public KernelError Status;
        public object Note; // the note's text, or the StepNote that renders it on first read
        public int Task;
        public StepVerdict Verdict;
        public bool Restarted;
        public bool Fault; // a fault the run loop raised (Number: its kind)
        public sbyte ArgCount; // -1: in longArgs
    }

    [InlineArray(Length)]
    private struct Inline
    {
        public const int Length = 6;
        private ulong first;
    }
}
