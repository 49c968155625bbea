using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Verified.Trace;

/// <summary>
/// One counterexample or execution trace, in the single versioned format shared by every producer
/// (proofs, the refinement checker, the model checker, <c>verified boot --trace</c>). States are
/// JSON objects because each producer has its own state shape (abstract spec state, kernel
/// state); the envelope is fixed so that replay and rendering work for all of them.
/// </summary>
public sealed record TraceDocument(
    string Producer,
    TraceSource Source,
    JsonObject? InitialState,
    ImmutableArray<TraceStep> Steps,
    TraceViolation? Violation)
{
    /// <summary>
    /// The format version this code writes. Version 2 added the optional <see cref="Machine"/>
    /// section (runs on the emulated CPU); version 1 traces, which have none, are still read.
    /// </summary>
    public const int CurrentVersion = 2;

    /// <summary>The oldest format version this code reads.</summary>
    public const int OldestReadableVersion = 1;

    /// <summary>For a run on the emulated CPU: the machine to boot again to replay it (version 2); null otherwise.</summary>
    public TraceMachine? Machine { get; init; }

    /// <summary>The value of the "format" field, so a stray JSON file is recognised as not a trace.</summary>
    public const string FormatName = "verified-trace";

    public bool Equals(TraceDocument? other) =>
        other is not null
        && Producer == other.Producer
        && Source == other.Source
        && JsonNode.DeepEquals(InitialState, other.InitialState)
        && Steps.SequenceEqual(other.Steps)
        && Equals(Violation, other.Violation)
        && Equals(Machine, other.Machine);

    public override int GetHashCode() => HashCode.Combine(Producer, Source, Steps.Length, Violation?.Property);
}

/// <summary>Where a trace came from: an obligation, a manifest, a test scenario, a boot.</summary>
public sealed record TraceSource(string Kind, string Name, string? File = null);

/// <summary>
/// One step: a specification operation, a syscall by a task, an injected fault or a scheduler
/// choice. <see cref="State"/> is the state after the step when the producer records it.
/// </summary>
public sealed record TraceStep(
    string Kind,
    string? Actor,
    string Operation,
    JsonObject? Arguments,
    string? Result,
    JsonObject? State = null)
{
    public bool Equals(TraceStep? other) =>
        other is not null
        && Kind == other.Kind
        && Actor == other.Actor
        && Operation == other.Operation
        && JsonNode.DeepEquals(Arguments, other.Arguments)
        && Result == other.Result
        && JsonNode.DeepEquals(State, other.State);

    public override int GetHashCode() => HashCode.Combine(Kind, Actor, Operation, Result);
}

/// <summary>
/// The property that broke, the named clause within it, and the state where it broke. For a
/// refinement mismatch, <see cref="Expected"/> is what the specification allows and
/// <see cref="Actual"/> what the kernel did.
/// </summary>
public sealed record TraceViolation(
    string Property,
    string? Clause,
    string Message,
    JsonObject? Expected = null,
    JsonObject? Actual = null)
{
    public bool Equals(TraceViolation? other) =>
        other is not null
        && Property == other.Property
        && Clause == other.Clause
        && Message == other.Message
        && JsonNode.DeepEquals(Expected, other.Expected)
        && JsonNode.DeepEquals(Actual, other.Actual);

    public override int GetHashCode() => HashCode.Combine(Property, Clause, Message);
}

/// <summary>The well-known values of <see cref="TraceStep.Kind"/>.</summary>
public static class StepKinds
{
    public const string Operation = "operation";
    public const string Syscall = "syscall";
    public const string Fault = "fault";
    public const string Schedule = "schedule";
}
