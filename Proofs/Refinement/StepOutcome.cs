using System.Collections.Immutable;
using Verified.Kernel.Abi;
using Verified.Spec.Kernel;

namespace Verified.Proofs.Refinement;

/// <summary>How one kernel transition fared against the spec.</summary>
public enum StepVerdict
{
    /// <summary>Spec transition evaluated; state and status equal; invariants hold.</summary>
    Checked,

    /// <summary>No spec transition (see <see cref="SyscallMapping.UnmodelledReasons"/>); invariants still checked on the post-state.</summary>
    Unmodelled,

    /// <summary>A documented, deliberate difference between kernel and spec (see <see cref="Divergences"/>); invariants still checked.</summary>
    Divergence,

    /// <summary>The kernel did what the spec does not allow, or broke an invariant.</summary>
    Violation,
}

/// <summary>
/// One syscall as the checker saw it; <see cref="Note"/> says how it was judged. Equal by value,
/// the arguments element by element (the checker makes a new record each time a step is read).
/// A fault the run loop raised (<see cref="Fault"/>) is a step too: <see cref="Number"/> is its
/// <see cref="Verified.Kernel.Abi.FaultKind"/>, the arguments are its address and code, the status Ok.
/// </summary>
public sealed record StepRecord(int Index, int Task, long Number, ImmutableArray<ulong> Args, KernelError Status, bool Restarted, StepVerdict Verdict, StepNote Noted, bool Fault = false)
{
    public string Note => Noted.ToString();

    public bool Equals(StepRecord? other) =>
        other is not null && Index == other.Index && Task == other.Task && Number == other.Number && Status == other.Status
        && Restarted == other.Restarted && Verdict == other.Verdict && Fault == other.Fault && Args.AsSpan().SequenceEqual(other.Args.AsSpan()) && Noted.Equals(other.Noted);

    // The note is left out (equal records have equal notes; hashing it would render it).
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Index);
        h.Add(Task);
        h.Add(Number);
        h.Add(Status);
        h.Add(Restarted);
        h.Add(Verdict);
        h.Add(Fault);
        foreach (var a in Args) h.Add(a);
        return h.ToHashCode();
    }
}

/// <summary>
/// A step's note, built when first read: most steps' notes (the spec call with its arguments) are
/// never read, and rendering them cost about as much as comparing some steps' states. The text is
/// a function of values fixed when the note is made (the closure's captures are not changed after).
/// </summary>
public sealed class StepNote : IEquatable<StepNote>
{
    private Func<string>? make;
    private string? text;

    private StepNote(string? text, Func<string>? make)
    {
        this.text = text;
        this.make = make;
    }

    public static implicit operator StepNote(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), null);

    /// <summary>A note rendered on first read.</summary>
    public static StepNote Later(Func<string> make) => new(null, make ?? throw new ArgumentNullException(nameof(make)));

    /// <summary>The text when it is made already (given, or rendered by a read), else null.</summary>
    internal string? Rendered => text;

    public override string ToString()
    {
        if (text is null)
        {
            text = make!();
            make = null;
        }

        return text;
    }

    public bool Equals(StepNote? other) => other is not null && ToString() == other.ToString();

    public override bool Equals(object? obj) => obj is StepNote n && Equals(n);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}

/// <summary>What disagreed: the property (refinement or an invariant), the clause, and the two abstract states.</summary>
public sealed record RefinementViolation(string Property, string Clause, string Message, ConcreteState? Expected, ConcreteState Actual);

/// <summary>Thrown by a checker in stop-on-violation mode (the kernel tests' mode).</summary>
public sealed class RefinementException(RefinementViolation violation, string trace)
    : Exception($"refinement violation: {violation.Property} / {violation.Clause}: {violation.Message}\n{trace}")
{
    public RefinementViolation Violation { get; } = violation;
}
