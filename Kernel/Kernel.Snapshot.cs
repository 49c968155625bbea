using Verified.Kernel.Caps;
using Verified.Kernel.Objects;

namespace Verified.Kernel;

/// <summary>A saved copy of every kernel structure (not memory: the machine or the array memory snapshots that).</summary>
public sealed class KernelSnapshot
{
    internal KernelSnapshot(ObjectTable objects, SlotAddress head, int[] readyHead, int[] readyTail, byte[] console, List<(ObjectRef, long)> exits, long syscalls)
    {
        Objects = objects;
        Head = head;
        ReadyHead = readyHead;
        ReadyTail = readyTail;
        Console = console;
        Exits = exits;
        Syscalls = syscalls;
    }

    internal ObjectTable Objects { get; }

    internal SlotAddress Head { get; }

    internal int[] ReadyHead { get; }

    internal int[] ReadyTail { get; }

    internal byte[] Console { get; }

    internal List<(ObjectRef, long)> Exits { get; }

    internal long Syscalls { get; }
}

/// <summary>Snapshot, restore and fingerprint of the kernel's structures (for the model checker).</summary>
public sealed partial class Kernel
{
    /// <summary>Copies every kernel structure. The snapshot can be restored any number of times.</summary>
    public KernelSnapshot Snapshot() =>
        new(Objects.Clone(), MdbHead, (int[])readyHead.Clone(), (int[])readyTail.Clone(), [.. ConsoleOutput], [.. Exits], SyscallCount);

    /// <summary>Returns the kernel's structures to a snapshot (memory is restored by its owner).</summary>
    public void Restore(KernelSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Objects = snapshot.Objects.Clone();
        Objects.Owner = this;
        MdbHead = snapshot.Head;
        readyHead = (int[])snapshot.ReadyHead.Clone();
        readyTail = (int[])snapshot.ReadyTail.Clone();
        ConsoleOutput = [.. snapshot.Console];
        Exits = [.. snapshot.Exits];
        SyscallCount = snapshot.Syscalls;
        AddressSpacesChanged = true;
        Touched?.All();
    }

    /// <summary>A hash of every kernel structure (memory excluded): equal states, equal hashes.</summary>
    public ulong Fingerprint()
    {
        var f = default(Fingerprinter);
        Objects.Fingerprint(ref f);
        Fingerprints.Add(ref f, MdbHead);
        for (var p = 0; p < readyHead.Length; p++)
        {
            f.Add((ulong)(long)readyHead[p]);
            f.Add((ulong)(long)readyTail[p]);
        }

        f.Add((ulong)ConsoleOutput.Count);
        foreach (var (t, c) in Exits)
        {
            f.Add(t.Packed);
            f.Add((ulong)c);
        }

        return f.Value;
    }
}
