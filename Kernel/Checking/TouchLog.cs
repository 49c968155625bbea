using Verified.Kernel.Objects;

namespace Verified.Kernel.Checking;

/// <summary>
/// What the kernel touched since the incremental checker last looked: every capability slot it
/// reached for writing (<see cref="Kernel"/>'s one slot accessor records each address, reads
/// included, so the set over-approximates the slots written), every address space whose page
/// tables it wrote, and "everything" after a restore replaced all structures. Kernel objects need
/// no record: they are few, and the checker compares a summary of each one every step.
/// </summary>
public sealed class TouchLog
{
    private readonly HashSet<SlotAddress> slots = [];
    private readonly HashSet<int> addressSpaces = [];

    /// <summary>Slots touched.</summary>
    public IReadOnlyCollection<SlotAddress> Slots => slots;

    /// <summary>Tasks (table index) whose page tables were written.</summary>
    public IReadOnlyCollection<int> AddressSpaces => addressSpaces;

    /// <summary>True when every structure may have changed (a restore).</summary>
    public bool Everything { get; private set; }

    /// <summary>Records a slot as touched (the kernel's accessor; tests that plant a bug use it to make the bug reachable).</summary>
    public void Slot(SlotAddress a) => slots.Add(a);

    /// <summary>Records that a task's page tables were written.</summary>
    public void AddressSpace(int task) => addressSpaces.Add(task);

    /// <summary>Records that every structure may have changed.</summary>
    public void All() => Everything = true;

    /// <summary>Forgets everything recorded (the checker has looked).</summary>
    public void Clear()
    {
        slots.Clear();
        addressSpaces.Clear();
        Everything = false;
    }
}
