using Verified.Kernel.Abi;

namespace Verified.Kernel.Objects;

/// <summary>
/// One memory grant (MINIX 3 cp_grant). Direct: the granter's own memory [Address, Address+Length).
/// Indirect: a re-delegation of the grant (FromGranter, FromHandle) the granter holds, restricted
/// to [Address, Address+Length) as an offset range inside it. Verified at every use.
/// </summary>
/// <param name="ChainBase">An indirect grant's absolute base, recorded at creation (its source's base + <paramref name="Address"/>): the source's range is fixed while it is valid, and once it is revoked the grant never verifies again, so the base is a fact of creation, not a walk of today's chain (finding F5).</param>
/// <param name="ChainDepth">An indirect grant's number of indirect links, recorded at creation (its source's + 1).</param>
public readonly record struct GrantEntry(bool InUse, uint Generation, bool Indirect, ObjectRef Grantee, ulong Address, ulong Length, GrantAccess Access, ObjectRef FromGranter, ulong FromHandle,
    ulong ChainBase = 0, int ChainDepth = 0)
{
    /// <summary>An unused entry whose next use gets the given generation.</summary>
    public static GrantEntry Free(uint generation) => new(false, generation, false, ObjectRef.None, 0, 0, GrantAccess.None, ObjectRef.None, 0);

    /// <summary>The absolute start of the granted range in the memory owner's address space (spec: GrBase).</summary>
    public ulong AbsoluteBase => Indirect ? ChainBase : Address;

    /// <summary>Indirect links from this grant to the direct one at the end of its chain (spec: GrDepth).</summary>
    public int Depth => Indirect ? ChainDepth : 0;
}

/// <summary>A task's table of grants: 2^SizeBits entries; bound to one task by TaskConfigure.</summary>
public sealed class GrantTableObject : KernelObject
{
    /// <summary>Creates a table of 2^entryBits free entries.</summary>
    public GrantTableObject(int entryBits)
    {
        EntryBits = entryBits;
        entries = new GrantEntry[1 << entryBits];
        Array.Fill(entries, GrantEntry.Free(0));
    }

    private GrantEntry[] entries;
    private ObjectRef owner = ObjectRef.None;

    /// <inheritdoc/>
    public override ObjectType Type => ObjectType.GrantTable;

    /// <summary>log2 of the entry count.</summary>
    public int EntryBits { get; }

    /// <summary>The task this table belongs to (None until bound; logged: <see cref="KernelObject"/>).</summary>
    public ObjectRef Owner { get => owner; internal set { owner = value; Touch(); } }

    /// <summary>The entries, read-only: they are written only by <see cref="SetEntry"/>, which logs the table.</summary>
    internal ReadOnlySpan<GrantEntry> Entries => entries;

    /// <summary>Read-only view of the entries.</summary>
    public ReadOnlySpan<GrantEntry> View => entries;

    /// <summary>The one way to write an entry (logged: <see cref="KernelObject"/>).</summary>
    internal void SetEntry(int index, GrantEntry entry)
    {
        entries[index] = entry;
        Touch();
    }

    /// <inheritdoc/>
    public override KernelObject Clone()
    {
        var clone = new GrantTableObject(EntryBits) { Owner = Owner };
        clone.entries = (GrantEntry[])entries.Clone();
        return CopyBaseInto(clone);
    }

    internal override void Fingerprint(ref Fingerprinter f)
    {
        base.Fingerprint(ref f); f.Add(Owner.Packed);
        foreach (var e in entries)
        {
            f.Add(e.InUse ? 1UL : 0); f.Add(e.Generation); f.Add(e.Indirect ? 1UL : 0); f.Add(e.Grantee.Packed);
            f.Add(e.Address); f.Add(e.Length); f.Add((ulong)e.Access); f.Add(e.FromGranter.Packed); f.Add(e.FromHandle);
            f.Add(e.ChainBase); f.Add((ulong)e.ChainDepth);
        }
    }
}
