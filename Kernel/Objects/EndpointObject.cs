using Verified.Kernel.Abi;

namespace Verified.Kernel.Objects;

/// <summary>
/// A synchronous IPC endpoint: a FIFO of waiting tasks, all senders or all receivers (which one is
/// read from the first task's state). The queue is intrusive through the tasks' queue links.
/// </summary>
public sealed class EndpointObject : KernelObject
{
    /// <inheritdoc/>
    public override ObjectType Type => ObjectType.Endpoint;

    /// <summary>First waiting task (table index) or -1.</summary>
    public int Head { get; internal set; } = -1;

    /// <summary>Last waiting task or -1.</summary>
    public int Tail { get; internal set; } = -1;

    /// <inheritdoc/>
    public override KernelObject Clone() => CopyBaseInto(new EndpointObject { Head = Head, Tail = Tail });

    internal override void Fingerprint(ref Fingerprinter f)
    {
        base.Fingerprint(ref f); f.Add((ulong)(long)Head); f.Add((ulong)(long)Tail);
    }
}

/// <summary>A notification: a word of signal bits and a FIFO of waiters.</summary>
public sealed class NotificationObject : KernelObject
{
    /// <inheritdoc/>
    public override ObjectType Type => ObjectType.Notification;

    /// <summary>Pending signal bits.</summary>
    public ulong Word { get; internal set; }

    /// <summary>First waiting task or -1.</summary>
    public int Head { get; internal set; } = -1;

    /// <summary>Last waiting task or -1.</summary>
    public int Tail { get; internal set; } = -1;

    /// <inheritdoc/>
    public override KernelObject Clone() => CopyBaseInto(new NotificationObject { Word = Word, Head = Head, Tail = Tail });

    internal override void Fingerprint(ref Fingerprinter f)
    {
        base.Fingerprint(ref f); f.Add(Word); f.Add((ulong)(long)Head); f.Add((ulong)(long)Tail);
    }
}
